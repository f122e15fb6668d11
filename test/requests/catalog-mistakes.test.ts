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
