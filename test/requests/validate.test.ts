/**
 * Request validation as a developer meets it: each of the eleven field types takes a good value and refuses a bad
 * one on its own line; conditional fields are required only when their condition holds; read-only fields may not be
 * set and get the catalog's value; an update's target must be a request of this repository.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { FIELD_TYPES } from "../../src/catalog/field-types.js";
import { readTree } from "../../src/repo/fs-files.js";
import { validateRequestFile } from "../../src/requests/validate.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const EVERY_FIELD = `kind: CatalogItem
name: every-field
version: 1.0.0
description: One field of each type
owner: platform-team
presentation:
  fields:
    - { name: a_string, type: string, max_length: 5 }
    - { name: a_textarea, type: textarea, max_length: 10 }
    - { name: an_integer, type: integer, max_value: 10 }
    - { name: a_number, type: number, min_value: 0.5 }
    - { name: a_percentage, type: percentage }
    - { name: a_boolean, type: boolean }
    - { name: a_date, type: date }
    - { name: a_datetime, type: datetime }
    - { name: a_time, type: time }
    - { name: a_selection, type: selection, oneof: [small, large] }
    - { name: a_multiselect, type: multiselect, oneof: [email, slack] }
fulfillment:
  execution_mode: automation
  actions:
    - name: provision
      type: TerraformFile
      template:
        module_source: ./modules/x
`;

const files = [...readTree(REPO_ROOT, ["catalog", ".github"]), { path: "catalog/compute/every-field.yaml", text: EVERY_FIELD }];
const { catalog, diagnostics } = loadCatalog(files);
const known = new Set(readTree(REPO_ROOT, ["requests"]).map((f) => f.path));

const GOOD: Record<string, string> = {
  a_string: "abc",
  a_textarea: '"two\\nlines"',
  an_integer: "7",
  a_number: "2.5",
  a_percentage: "42",
  a_boolean: "true",
  a_date: "2025-08-16",
  a_datetime: "2025-08-16T10:30:00-05:00",
  a_time: '"10:30"',
  a_selection: "small",
  a_multiselect: "[email, slack]",
};
const BAD: Record<string, string> = {
  a_string: "toolong",
  a_textarea: "this is more than ten",
  an_integer: "7.5",
  a_number: "0.1",
  a_percentage: "101",
  a_boolean: "maybe",
  a_date: "2025-13-45",
  a_datetime: "yesterday",
  a_time: "25:99",
  a_selection: "medium",
  a_multiselect: "[email, fax]",
};

const request = (values: Record<string, string>) => `catalog_item: every-field\nversion: 1.0.0\nparameters:\n${Object.entries(values).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n`;
const validate = (text: string, path = "requests/t/r.yaml") => validateRequestFile({ path, text }, catalog, { knownRequestPaths: known, author: "dev-user" });

describe("parameters of every field type", () => {
  it("the scratch item uses each of the eleven types, and the catalog takes it", () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(Object.keys(GOOD).length).toBe(Object.keys(FIELD_TYPES).length);
  });

  it("takes a good value of each type", () => {
    const result = validate(request(GOOD));
    expect(result.diagnostics).toEqual([]);
    expect(result.request!.parameters).toMatchObject({ an_integer: 7, a_boolean: true, a_multiselect: ["email", "slack"], a_time: "10:30" });
  });

  for (const [field, bad] of Object.entries(BAD)) {
    it(`refuses a bad ${field} on its line, and nothing else`, () => {
      const values = { ...GOOD, [field]: bad };
      const line = 4 + Object.keys(values).indexOf(field);
      const result = validate(request(values));
      expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([["request-parameter-invalid", line]]);
      expect(result.diagnostics[0]!.message).toContain(field);
    });
  }
});

describe("conditional fields", () => {
  const app = (environment: string, ticket?: string) =>
    `catalog_item: eks-container-app\nversion: 1.2.0\nparameters:\n  app_name: shop\n  environment: ${environment}\n${ticket ? `  prod_change_ticket: ${ticket}\n` : ""}`;

  it("are required only when their condition holds", () => {
    const missing = validate(app("prod"));
    // A missing parameter is reported where the parameters mapping starts.
    expect(missing.diagnostics.map((d) => [d.code, d.line])).toEqual([["request-parameter-invalid", 4]]);
    expect(missing.diagnostics[0]!.message).toContain("prod_change_ticket");
    expect(validate(app("prod", "CHG-42")).diagnostics).toEqual([]);
    expect(validate(app("staging")).diagnostics).toEqual([]);
  });
});

describe("read-only fields", () => {
  const monitoring = (extra = "") => `catalog_item: application-monitoring\nversion: 1.0.0\nparameters:\n  app_name: shop\n${extra}`;

  it("may not be set by a request, on the key's line", () => {
    const result = validate(monitoring("  dashboard_id: my-own\n"));
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([["request-parameter-invalid", 5]]);
    expect(result.diagnostics[0]!.message).toContain("read-only");
  });

  it("get the catalog's value when left out", () => {
    const result = validate(monitoring());
    expect(result.diagnostics).toEqual([]);
    expect(result.request!.parameters["dashboard_id"]).toBe("standard-service-v2");
  });
});

describe("update targets", () => {
  const scale = (target: string) => `update_operation: postgres-scale-update\nversion: 1.1.0\ntarget: ${target}\nparameters:\n  instance_class: db.t3.large\n  allocated_storage: 200\n`;

  it("must name a request file of this repository (or a request id)", () => {
    expect(validate(scale("requests/data-team/orders-db.yaml")).diagnostics).toEqual([]);
    expect(validate(scale("req-0123456789ab")).diagnostics).toEqual([]);
    const unknown = validate(scale("requests/data-team/nope.yaml"));
    expect(unknown.diagnostics.map((d) => [d.code, d.line])).toEqual([["request-unknown-item", 3]]);
  });
});
