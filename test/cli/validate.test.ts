/** `pao validate`, run as a user runs it: the package's bin entry in a child process. */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES } from "../../src/diagnostic-codes.js";
import { pao } from "../helpers/cli.js";
import { copyExampleRepo, type RepoCopy } from "../helpers/repo-copy.js";


let copy: RepoCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

describe("pao validate", () => {
  it("passes on this repository's example catalog and requests", () => {
    const { code, stdout } = pao(["validate"]);
    expect(stdout).toMatch(/^0 errors, 0 warnings in \d+ files$/m);
    expect(code).toBe(0);
  });

  it("prints file:line:col, code and message for each problem, with a hint, and exits 1", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/databases/redis-cache.yaml", "version: 1.1.0", "version: 1.1");
    copy.edit("catalog/compute/eks-container-app.yaml", '"{{ replicas }}"', '"{{ replica }}"');
    const { code, stdout } = pao(["validate", copy.dir]);
    expect(code).toBe(1);
    const lines = stdout.split("\n");
    expect(lines).toContain("catalog/databases/redis-cache.yaml:4:10  schema-invalid-type  version: expected a string, got number 1.1");
    expect(lines).toContain("    hint: write a full semantic version: 1.1.0 (YAML reads unquoted 1.1 as a number, and a version has three parts)");
    expect(lines.some((l) => /^catalog\/compute\/eks-container-app\.yaml:\d+:\d+  template-unknown-field  template reads 'replica'/.test(l))).toBe(true);
    expect(lines).toContain("    hint: did you mean 'replicas'?");
    expect(stdout).toMatch(/^2 errors, 0 warnings in \d+ files$/m);
  });

  it("prints the diagnostics as a JSON array with --format json", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/databases/redis-cache.yaml", "version: 1.1.0", "version: 1.1");
    const { code, stdout } = pao(["validate", copy.dir, "--format", "json"]);
    expect(code).toBe(1);
    const diagnostics = JSON.parse(stdout) as unknown[];
    expect(diagnostics).toEqual([
      {
        code: "schema-invalid-type",
        severity: "error",
        message: "version: expected a string, got number 1.1",
        file: "catalog/databases/redis-cache.yaml",
        line: 4,
        column: 10,
        hint: "write a full semantic version: 1.1.0 (YAML reads unquoted 1.1 as a number, and a version has three parts)",
      },
    ]);
  });

  it("exits 0 with warnings only, and prints them", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/databases/redis-cache.yaml", 'regexp: "^[a-z][a-z0-9-]*$"', 'regexp: "[a-z][a-z0-9-]*$"');
    const { code, stdout } = pao(["validate", copy.dir]);
    expect(stdout).toMatch(/catalog\/databases\/redis-cache\.yaml:\d+:\d+  regexp-slow  warning regexp is not anchored/);
    expect(stdout).toMatch(/^0 errors, 1 warning in \d+ files$/m);
    expect(code).toBe(0);
  });

  it("checks requests against the catalog", () => {
    copy = copyExampleRepo();
    copy.edit("requests/product-team/customer-portal-web.yaml", "replicas: 3", "replicas: 30");
    const { code, stdout } = pao(["validate", copy.dir]);
    expect(code).toBe(1);
    expect(stdout).toContain("requests/product-team/customer-portal-web.yaml:8:13  request-parameter-invalid  'replicas' must be <= 10");
  });

  it("checks the items a bundle fulfils even when the request does not list them", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/bundles/full-stack-web-app.yaml", '      parameters:\n        app_name: "{{ solution_name }}-web"\npresentation', "presentation");
    const { code, stdout } = pao(["validate", copy.dir]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "request-parameter-invalid  'application-monitoring' (not listed under item_selections.optional_items): missing required parameter 'app_name'",
    );
  });

  it("answers a usage mistake with exit 2 and the usage text", () => {
    const wrongFormat = pao(["validate", "--format", "xml"]);
    expect(wrongFormat.code).toBe(2);
    expect(wrongFormat.stderr).toContain("--format is text or json");
    const unknown = pao(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("usage: pao <command>");
  });

  it("lists every diagnostic code with --codes", () => {
    const { code, stdout } = pao(["validate", "--codes"]);
    expect(code).toBe(0);
    for (const name of Object.keys(DIAGNOSTIC_CODES)) expect(stdout).toContain(name);
  });
});

describe("pao validate in the wrong place", () => {
  it("says there is no catalog folder rather than passing an empty catalog", () => {
    const empty = mkdtempSync(join(tmpdir(), "pao-empty-"));
    const { code, stdout } = pao(["validate", empty]);
    rmSync(empty, { recursive: true });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^catalog:1:1  catalog-folder-missing  there is no catalog\/ folder in .*pao-empty-\w+$/m);
  });
});

describe("pao validate and symbolic links", () => {
  it("skips a link under catalog/ or requests/ with a warning naming it, and never reads what it points at", () => {
    copy = copyExampleRepo();
    const outside = mkdtempSync(join(tmpdir(), "pao-outside-"));
    // What the links point at would be errors if it were read.
    writeFileSync(join(outside, "broken.yaml"), "kind: CatalogItem\nname: Not A Name\n");
    symlinkSync(join(outside, "broken.yaml"), join(copy.dir, "catalog/databases/linked.yaml"));
    symlinkSync(join(outside, "broken.yaml"), join(copy.dir, "requests/data-team/linked.yaml"));
    const { code, stdout } = pao(["validate", copy.dir]);
    rmSync(outside, { recursive: true });
    expect(stdout).toMatch(/^catalog\/databases\/linked\.yaml:1:1  symlink-skipped  .*symbolic link/m);
    expect(stdout).toMatch(/^requests\/data-team\/linked\.yaml:1:1  symlink-skipped  .*symbolic link/m);
    expect(stdout).toMatch(/^0 errors, 2 warnings/m);
    expect(code).toBe(0);
  });
});
