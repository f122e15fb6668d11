/**
 * An update's templates read the request it updates (`{{ database_name }}` of the database it upgrades) beside its
 * own fields. `pao plan`, `pao validate` and the app find that request the same way and render the same payload;
 * a target that cannot give the update what it needs is an error on the update's `target` line.
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { assessRequestFiles } from "../../src/fulfillment/assess.js";
import { readTree } from "../../src/repo/fs-files.js";
import type { TargetRecord } from "../../src/requests/targets.js";
import { pao } from "../helpers/cli.js";
import { copyExampleRepo, REPO_ROOT, type RepoCopy } from "../helpers/repo-copy.js";

let copy: RepoCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

interface Step {
  step_id: string;
  payload?: { variables?: Record<string, unknown>; summary?: string };
  problem?: unknown;
}

const planJson = (file: string, dir = REPO_ROOT): Step[] => {
  const { code, stdout, stderr } = pao(["plan", file, "--format", "json"], dir);
  expect(code, stdout + stderr).toBe(0);
  return JSON.parse(stdout) as Step[];
};

describe("pao plan of an update", () => {
  it("renders the target request's parameters: the upgrade names the database it upgrades", () => {
    const steps = planJson("requests/data-team/orders-db-upgrade.yaml");
    expect(steps.map((s) => s.payload?.variables?.["identifier"])).toEqual(["orders", "orders"]);
    expect(steps[1]!.payload!.variables!["engine_version"]).toBe("15.3");
  });

  it("the update's own value wins over the target's; the target's fills what the update leaves out", () => {
    copy = copyExampleRepo();
    copy.edit("requests/data-team/orders-db-scale.yaml", "  instance_class: db.t3.large\n", "");
    const [step] = planJson("requests/data-team/orders-db-scale.yaml", copy.dir);
    expect(step!.payload!.variables).toMatchObject({ identifier: "orders", instance_class: "db.t3.medium", allocated_storage: 200 });
  });

  it("follows the target's own values when it changes", () => {
    copy = copyExampleRepo();
    copy.edit("requests/data-team/orders-db.yaml", "database_name: orders", "database_name: invoices");
    const steps = planJson("requests/data-team/orders-db-upgrade.yaml", copy.dir);
    expect(steps.map((s) => s.payload?.variables?.["identifier"])).toEqual(["invoices", "invoices"]);
  });
});

describe("the app renders what pao plan renders", () => {
  const catalog = loadCatalog(readTree(REPO_ROOT, ["catalog", ".github"])).catalog;
  const requestFiles = readTree(REPO_ROOT, ["requests"]);
  const SHA = "b".repeat(40);

  const assess = (path: string, text: string, records?: ReadonlyMap<string, TargetRecord>) =>
    assessRequestFiles(catalog, [{ path, sha: SHA, text }], {
      repository: "acme/catalog",
      pullRequest: 9,
      author: "dev-user",
      defaultBranchRequests: requestFiles.map((f) => f.path),
      targets: { files: requestFiles, ...(records ? { records } : {}) },
    })[0]!;

  for (const file of ["requests/data-team/orders-db-upgrade.yaml", "requests/data-team/orders-db-scale.yaml"]) {
    it(`for ${file}`, () => {
      const text = requestFiles.find((f) => f.path === file)!.text;
      const assessed = assess(file, text);
      expect(assessed.validation.diagnostics).toEqual([]);
      const app = assessed.valid!.steps.map((s) => ({ step_id: s.step_id, payload: s.payload }));
      expect(app).toEqual(planJson(file).map((s) => ({ step_id: s.step_id, payload: s.payload })));
      expect(JSON.stringify(app)).toContain('"identifier":"orders"');
    });
  }

  it("finds a target named by request id in the status records", () => {
    const record = { kind: "catalog_item", name: "postgres-database", version: "2.1.0", parameters: { database_name: "ledger", current_version: "14" }, request_path: "requests/x/gone.yaml" };
    const text = "update_item: postgres-major-upgrade\ntarget: req-0123456789ab\nparameters:\n  target_version: \"15.3\"\n  maintenance_window: \"2025-08-23T02:00:00-05:00\"\n";
    const assessed = assess("requests/data-team/ledger-upgrade.yaml", text, new Map([["req-0123456789ab", record]]));
    expect(assessed.validation.diagnostics).toEqual([]);
    expect(assessed.valid!.steps.map((s) => (s.payload as Step["payload"])!.variables!["identifier"])).toEqual(["ledger", "ledger"]);
    const unknown = assess("requests/data-team/ledger-upgrade.yaml", text.replace("req-0123456789ab", "req-ffffffffffff"), new Map([["req-0123456789ab", record]]));
    expect(unknown.validation.diagnostics.map((d) => [d.code, d.line])).toEqual([["request-unknown-item", 2]]);
  });
});

describe("a target that cannot give the update what it needs", () => {
  function validate(dir: string) {
    const { stdout } = pao(["validate", dir, "--format", "json"]);
    return JSON.parse(stdout) as Array<{ code: string; file: string; line: number; message: string; hint?: string }>;
  }

  it("is an error on the update's target line when it orders another item", () => {
    copy = copyExampleRepo();
    copy.edit("requests/data-team/orders-db-upgrade.yaml", "target: requests/data-team/orders-db.yaml", "target: requests/product-team/customer-portal-web.yaml");
    const found = validate(copy.dir);
    expect(found.map((d) => [d.code, d.file, d.line])).toEqual([["request-target-invalid", "requests/data-team/orders-db-upgrade.yaml", 4]]);
    expect(found[0]!.message).toContain("postgres-database");
  });

  it("is an error on the update's target line when the target has no value for a required parameter", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/update-items/postgres-major-upgrade.yaml", "required_parameters: [database_name, current_version]", "required_parameters: [database_name, current_version, backup_start_date]");
    copy.edit("requests/data-team/orders-db.yaml", '  backup_start_date: "2025-09-01"\n', "");
    const found = validate(copy.dir);
    expect(found.map((d) => [d.code, d.file, d.line])).toEqual([["request-target-invalid", "requests/data-team/orders-db-upgrade.yaml", 4]]);
    expect(found[0]!.message).toContain("backup_start_date");
  });
});

describe("an update template reading a name found neither in the update nor in the target's required parameters", () => {
  it("is an error on the template's line in the catalog file", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/update-items/postgres-major-upgrade.yaml", 'identifier: "{{ database_name }}"', 'identifier: "{{ instance_class }}"');
    const { stdout } = pao(["validate", copy.dir, "--format", "json"]);
    const found = JSON.parse(stdout) as Array<{ code: string; file: string; line: number; hint?: string }>;
    expect(found.map((d) => [d.code, d.file, d.line])).toEqual([["template-unknown-field", "catalog/update-items/postgres-major-upgrade.yaml", 46]]);
  });
});
