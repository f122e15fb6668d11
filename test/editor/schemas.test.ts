import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { editorSchemas } from "../../src/editor-schemas.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { COMPLETED, FAILED } from "../helpers/status-fixtures.js";

const ROOT = resolve(import.meta.dirname, "../..");

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const SCHEMA_LINE = /^# yaml-language-server: \$schema=(\S+)\n/;
const examples = [...yamlFiles("catalog"), ...yamlFiles("requests")];

function schemaOf(file: string): Record<string, unknown> {
  const match = SCHEMA_LINE.exec(readFileSync(join(ROOT, file), "utf8"));
  if (!match) throw new Error(`${file} has no $schema line`);
  const target = resolve(dirname(join(ROOT, file)), match[1]!);
  return JSON.parse(readFileSync(target, "utf8")) as Record<string, unknown>;
}

describe("editor JSON Schemas", () => {
  it("are what the zod schemas generate now (run npm run generate when this fails)", () => {
    for (const [file, text] of Object.entries(editorSchemas())) {
      const committed = readFileSync(join(ROOT, "schemas", file), "utf8");
      expect(committed, `schemas/${file} is stale: run npm run generate`).toBe(text);
    }
  });

  it("are named by the first line of every example file, with the path resolving to the right schema", () => {
    expect(examples.length).toBeGreaterThan(10);
    for (const file of examples) {
      const text = readFileSync(join(ROOT, file), "utf8");
      const match = SCHEMA_LINE.exec(text);
      expect(match, `${file} must start with a yaml-language-server $schema line`).not.toBeNull();
      const target = relative(ROOT, resolve(dirname(join(ROOT, file)), match![1]!));
      const kind = (parse(text) as { kind?: string }).kind;
      const expected = file.startsWith("requests/")
        ? "schemas/request.schema.json"
        : `schemas/${{ CatalogItem: "catalog-item", CatalogBundle: "catalog-bundle", UpdateItem: "update-item", UpdateOperation: "update-operation" }[kind!]}.schema.json`;
      expect(target, file).toBe(expected);
    }
  });

  it("accept every example file, as an editor would", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const file of examples) {
      const validate = ajv.compile(schemaOf(file));
      const ok = validate(parse(readFileSync(join(ROOT, file), "utf8")));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("flag a misspelt field and a wrong field type, as an editor would", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const file = "catalog/compute/eks-container-app.yaml";
    const validate = ajv.compile(schemaOf(file));
    const item = parse(readFileSync(join(ROOT, file), "utf8")) as Record<string, unknown>;
    const { description, ...rest } = item;
    expect(validate({ ...rest, descripton: description })).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toContain("additionalProperties");
    const fields = (item["presentation"] as { fields: Record<string, unknown>[] }).fields;
    expect(validate({ ...item, presentation: { fields: [{ ...fields[0], type: "colour" }] } })).toBe(false);
  });
});

describe("the status record JSON Schema", () => {
  const schema = JSON.parse(readFileSync(join(ROOT, "schemas", "status-record.schema.json"), "utf8")) as Record<string, unknown>;
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

  it("accepts the records pao writes, as written (JSON round trip)", () => {
    for (const input of [FAILED, COMPLETED]) {
      const written = JSON.parse(JSON.stringify(StatusRecord.parse({ ...input, started_at: input.created_at, catalog_commit: "c".repeat(40) })));
      expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("refuses a record with an unknown field, a status pao does not have, or a step without its id", () => {
    const written = JSON.parse(JSON.stringify(StatusRecord.parse(FAILED))) as Record<string, any>;
    expect(validate({ ...written, colour: "blue" })).toBe(false);
    expect(validate({ ...written, status: "done" })).toBe(false);
    const { step_id, ...stepless } = written["fulfillment"].steps[0];
    expect(step_id).toBe("step-001");
    expect(validate({ ...written, fulfillment: { ...written["fulfillment"], steps: [stepless] } })).toBe(false);
  });
});
