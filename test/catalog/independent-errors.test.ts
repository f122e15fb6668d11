/**
 * One run reports every independent mistake of a definition file: a shape error in one part (a field of an unknown
 * type, a malformed action, a missing description) does not hide a template mistake, an unsafe pattern or a bad
 * default elsewhere in the same file.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { readTree } from "../../src/repo/fs-files.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const base = readTree(REPO_ROOT, ["catalog", ".github"]);

function errorsWith(path: string, edits: Array<[string, string]>) {
  const file = base.find((f) => f.path === path)!;
  let text = file.text;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`${path} has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const { diagnostics } = loadCatalog([...base.filter((f) => f.path !== path), { path, text }]);
  return diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.file, d.line]);
}

const PG = "catalog/databases/postgres-database.yaml";
const UPGRADE = "catalog/update-items/postgres-major-upgrade.yaml";
const BUNDLE = "catalog/bundles/full-stack-web-app.yaml";

describe("a definition with a shape error and another mistake", () => {
  it("a field of an unknown type and a template that reads no field", () => {
    expect(errorsWith(PG, [["      type: boolean\n", "      type: bool\n"], ['"{{ instance_class }}"', '"{{ instance_klass }}"']])).toEqual(
      expect.arrayContaining([
        ["schema-invalid-value", PG, 37],
        ["template-unknown-field", PG, 59],
      ]),
    );
  });

  it("a missing description, and an unsafe regexp and a default its field rejects", () => {
    const found = errorsWith(PG, [
      ["description: Managed PostgreSQL database with automated backups\n", ""],
      ['regexp: "^[a-z][a-z0-9_]*$"', 'regexp: "^([a-z]+)+$"'],
      ["      default: 20\n", "      default: 5000\n"],
    ]);
    expect(found.map((d) => d[0]).sort()).toEqual(["field-default-invalid", "regexp-unsafe", "schema-missing-field"]);
  });

  it("a malformed action, and a template of another action that reads no field", () => {
    const found = errorsWith(PG, [
      ["      type: TerraformFile\n", "      type: TerraformFiel\n"],
      ['"{{ allocated_storage }}"', '"{{ allocated_storge }}"'],
    ]);
    expect(found.map((d) => d[0]).sort()).toEqual(["schema-invalid-value", "template-unknown-field"]);
  });

  it("an update: a malformed step, and its manual template reading a name that is neither its field nor required of the target", () => {
    const found = errorsWith(UPGRADE, [
      ["    steps:\n      - name: create_backup\n        type: TerraformFile\n", "    steps:\n      - name: create_backup\n        type: TerraformFile\n        timeout: soon\n"],
      ["{{ current_version }} to", "{{ curent_version }} to"],
    ]);
    expect(found.map((d) => d[0]).sort()).toEqual(["schema-invalid-value", "template-unknown-field"]);
  });

  it("a bundle: a field of an unknown type, and an item parameter template reading no bundle field", () => {
    const found = errorsWith(BUNDLE, [
      ["      type: boolean\n", "      type: bool\n"],
      ['app_name: "{{ solution_name }}-web"', 'app_name: "{{ solution }}-web"'],
    ]);
    expect(found.map((d) => d[0]).sort()).toEqual(["schema-invalid-value", "template-unknown-field"]);
  });
});
