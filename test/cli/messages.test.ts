/**
 * What `pao validate` says about common mistakes, as a user reads it: sizes in units a person reads, versions
 * suggested in full, allowed values named, YAML mistakes explained once, and nothing unprintable echoed back.
 */
import { afterEach, describe, expect, it } from "vitest";
import { pao } from "../helpers/cli.js";
import { copyExampleRepo, type RepoCopy } from "../helpers/repo-copy.js";

let copy: RepoCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

interface Reported {
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  hint?: string;
}

function validate(dir: string): Reported[] {
  const { stdout, stderr } = pao(["validate", dir, "--format", "json"]);
  try {
    return JSON.parse(stdout) as Reported[];
  } catch {
    throw new Error(`pao validate printed no JSON:\n${stdout}\n${stderr}`);
  }
}

describe("a file over the size limit", () => {
  it("is reported with its own size and the limit, not the limit alone", () => {
    copy = copyExampleRepo();
    const padding = "#".repeat(99) + "\n";
    copy.write("catalog/storage/huge.yaml", padding.repeat(Math.ceil((3.2 * 1024 * 1024) / padding.length)));
    const found = validate(copy.dir).filter((d) => d.file === "catalog/storage/huge.yaml");
    expect(found.map((d) => [d.code, d.line, d.column])).toEqual([["yaml-too-large", 1, 1]]);
    expect(found[0]!.message).toContain("is 3.2 MiB; the limit is 1 MiB");
    expect(found[0]!.hint).toBeTruthy();
  });

  it("a request over the limit too", () => {
    copy = copyExampleRepo();
    copy.write("requests/product-team/huge.yaml", `catalog_item: s3-bucket\n${"# padding\n".repeat(250_000)}`);
    const found = validate(copy.dir).filter((d) => d.file === "requests/product-team/huge.yaml");
    expect(found.map((d) => d.code)).toEqual(["yaml-too-large"]);
    expect(found[0]!.message).toContain("is 2.4 MiB; the limit is 1 MiB");
  });
});

describe("a version written as a number", () => {
  it("in a definition, suggests the full version, not the same number quoted", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/databases/redis-cache.yaml", "version: 1.1.0", "version: 1.0");
    const [d, ...rest] = validate(copy.dir);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "schema-invalid-type", file: "catalog/databases/redis-cache.yaml", line: 4, column: 10 });
    expect(d!.message).toContain("1.0");
    expect(d!.hint).toContain("1.0.0");
    expect(d!.hint).not.toContain("'1.0'");
  });

  it("in a request, suggests the full version or a range", () => {
    copy = copyExampleRepo();
    copy.edit("requests/data-team/orders-db-scale.yaml", "version: 1.1.0", "version: 1.1");
    const [d, ...rest] = validate(copy.dir);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "schema-invalid-type", file: "requests/data-team/orders-db-scale.yaml", line: 3 });
    expect(d!.hint).toContain("1.1.0");
    expect(d!.hint).toContain("'^1.1.0'");
    expect(d!.hint).not.toContain("'1.1'");
  });

  it("in a bundle's item, suggests a quoted range", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/bundles/full-stack-web-app.yaml", 'version: ">=1.0.0"', "version: 1");
    const found = validate(copy.dir).filter((d) => d.file === "catalog/bundles/full-stack-web-app.yaml");
    expect(found.map((d) => d.code)).toContain("schema-invalid-type");
    const d = found.find((x) => x.code === "schema-invalid-type")!;
    expect(d.hint).toContain("'^1.0.0'");
  });

  it("a missing version in a request says what to write", () => {
    copy = copyExampleRepo();
    copy.edit("requests/data-team/orders-db.yaml", 'version: ">=2.0.0, <3.0.0"\n', "");
    // (the updates that target this request say it is not valid; only its own diagnostic is looked at here)
    const [d, ...rest] = validate(copy.dir).filter((x) => x.file === "requests/data-team/orders-db.yaml");
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "schema-missing-field", file: "requests/data-team/orders-db.yaml" });
    expect(d!.hint).toMatch(/add version: 2\.1\.0/);
  });
});
