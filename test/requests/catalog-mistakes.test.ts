/**
 * A mistake in the catalog is the catalog's: it is reported once, on the catalog file, and the requests of the item
 * say only what is theirs (and, where the item cannot be used, that its definition is what needs fixing).
 */
import { describe, expect, it } from "vitest";
import { loadCatalog, type SourceFile } from "../../src/catalog/load.js";
import { readTree } from "../../src/repo/fs-files.js";
import { validateRequestFile } from "../../src/requests/validate.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const base = readTree(REPO_ROOT, ["catalog", ".github"]);
const known = new Set(readTree(REPO_ROOT, ["requests"]).map((f) => f.path));

/** The repository's catalog with `extra` added (or replacing the file of the same path). */
function catalogWith(...extra: SourceFile[]) {
  const paths = new Set(extra.map((f) => f.path));
  return loadCatalog([...base.filter((f) => !paths.has(f.path)), ...extra]);
}
const validate = (catalog: ReturnType<typeof catalogWith>["catalog"], text: string) =>
  validateRequestFile({ path: "requests/t/r.yaml", text }, catalog, { knownRequestPaths: known, author: "dev-user" });

const item = (fields: string, name = "web-host") => `kind: CatalogItem
name: ${name}
version: 1.0.0
description: A virtual host
owner: platform-team
presentation:
  fields:
${fields}
fulfillment:
  execution_mode: automation
  actions:
    - name: provision
      type: TerraformFile
      template:
        module_source: ./modules/vhost
        variables:
          name: "{{ vhost_name }}"
`;

describe("a field whose pattern the catalog check refused", () => {
  for (const pattern of ["^(a+)+$", "^(\\\\w+)\\\\1$", "^(?=x)\\\\w+$", "^(a|ab)*$"]) {
    it(`is reported once, on the catalog, and not as a failure of every request (${pattern})`, () => {
      const fields = `    - name: vhost_name\n      type: string\n      regexp: "${pattern}"\n      max_length: 20\n      required: true\n    - name: port\n      type: integer\n`;
      const { catalog, diagnostics } = catalogWith({ path: "catalog/networking/web-host.yaml", text: item(fields) });
      const errors = diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => [d.code, d.file, d.line])).toEqual([[expect.stringMatching(/^regexp-(unsafe|invalid)$/), "catalog/networking/web-host.yaml", 10]]);

      // A value the pattern was meant to judge: no error, and nothing that blames the request for the pattern.
      const ok = validate(catalog, "catalog_item: web-host\nversion: 1.0.0\nparameters:\n  vhost_name: shop\n");
      expect(ok.diagnostics).toEqual([]);
      // The field's other rules still hold, and the request's own mistakes are still reported.
      const bad = validate(catalog, `catalog_item: web-host\nversion: 1.0.0\nparameters:\n  vhost_name: ${"x".repeat(21)}\n  port: eighty\n`);
      expect(bad.diagnostics.map((d) => [d.code, d.line])).toEqual([
        ["request-parameter-invalid", 4],
        ["request-parameter-invalid", 5],
      ]);
      for (const d of [...ok.diagnostics, ...bad.diagnostics]) expect(d.message).not.toMatch(/must NOT be valid/);
    });
  }
});

describe("a request for an item whose definition has errors", () => {
  const pg = base.find((f) => f.path === "catalog/databases/postgres-database.yaml")!;
  const broken = (from: string, to: string) => {
    if (!pg.text.includes(from)) throw new Error(`postgres-database.yaml has no ${from}`);
    return { path: pg.path, text: pg.text.replace(from, to) };
  };
  const order = (extra = "") => `catalog_item: postgres-database\nversion: 2.1.0\nparameters:\n  database_name: orders\n${extra}`;

  const cases: Array<[string, ReturnType<typeof broken>]> = [
    ["a field of the wrong type", broken("      type: boolean\n", "      type: bool\n")],
    ["a missing description", broken("description: Managed PostgreSQL database with automated backups\n", "")],
    ["a YAML syntax error", broken("owner: platform-data-team\n", "owner: platform-data-team\n  stray: indented\n")],
    ["a misspelt kind", broken("kind: CatalogItem", "kind: CatalogIten")],
    ["a version written as a number", broken("version: 2.1.0", "version: 2.1")],
  ];
  for (const [what, file] of cases) {
    it(`says the item exists but is invalid, naming its file, not "no catalog item named" (${what})`, () => {
      const { catalog, diagnostics } = catalogWith(file);
      expect(diagnostics.some((d) => d.severity === "error" && d.file === pg.path)).toBe(true);
      const result = validate(catalog, order());
      expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([["request-item-invalid", 1]]);
      const [d] = result.diagnostics;
      expect(d!.message).toContain("postgres-database");
      expect(`${d!.message} ${d!.hint}`).toContain(pg.path);
      expect(d!.message).not.toMatch(/no catalog item named/);
    });
  }

  it("still reports the request's own mistakes, checked against the fields that are well-formed", () => {
    const { catalog } = catalogWith(broken("      type: boolean\n", "      type: bool\n"));
    const result = validate(catalog, order("  alocated_storage: 50\n  instance_class: db.t3.huge\n  enable_backups: yes\n"));
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["request-item-invalid", 1],
      ["request-parameter-invalid", 5],
      ["request-parameter-invalid", 6],
    ]);
    expect(result.diagnostics[1]!.hint).toContain("allocated_storage");
  });

  it("a broken version that the request asks for is named; a good version of the same item is still on offer", () => {
    const older = { path: "catalog/databases/postgres-database-2.0.0.yaml", text: pg.text.replace("version: 2.1.0", "version: 2.0.0") };
    const { catalog } = catalogWith(older, broken("      type: boolean\n", "      type: bool\n"));
    const asked = validate(catalog, order());
    expect(asked.diagnostics.map((d) => d.code)).toEqual(["request-item-invalid"]);
    expect(validate(catalog, order().replace("version: 2.1.0", "version: 2.0.0")).diagnostics).toEqual([]);
  });

  it("a name that no definition has is still unknown, with a did-you-mean", () => {
    const { catalog } = catalogWith(broken("      type: boolean\n", "      type: bool\n"));
    const result = validate(catalog, order().replace("postgres-database", "postgres-databse"));
    expect(result.diagnostics.map((d) => d.code)).toEqual(["request-unknown-item"]);
    expect(result.diagnostics[0]!.hint).toContain("postgres-database");
  });
});
