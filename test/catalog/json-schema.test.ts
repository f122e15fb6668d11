import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSchema } from "../../src/catalog/ajv.js";
import { FIELD_TYPES, FIELD_TYPE_NAMES } from "../../src/catalog/field-types.js";
import { fieldToJsonSchema, fieldsToJsonSchema } from "../../src/catalog/json-schema.js";
import type { Field } from "../../src/catalog/schema.js";

const check = (fields: Field[], params: Record<string, unknown>) => {
  const validate = compileSchema(fieldsToJsonSchema(fields));
  const copy = structuredClone(params);
  const ok = validate(copy);
  return { ok, params: copy, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`) };
};

describe("fields compile to a JSON Schema that ajv checks parameters against", () => {
  it("covers all eleven field types", () => {
    expect([...FIELD_TYPE_NAMES].sort()).toEqual(
      ["boolean", "date", "datetime", "integer", "multiselect", "number", "percentage", "selection", "string", "textarea", "time"].sort(),
    );
  });

  it("checks strings by length and pattern, counting characters as JSON Schema does", () => {
    const f: Field = { name: "app", type: "string", min_length: 3, max_length: 5, regexp: "^[a-z]+$" };
    expect(check([f], { app: "abc" }).ok).toBe(true);
    expect(check([f], { app: "ab" }).errors).toEqual(["/app minLength"]);
    expect(check([f], { app: "abcdef" }).errors).toEqual(["/app maxLength"]);
    expect(check([f], { app: "ab1" }).errors).toEqual(["/app pattern"]);
    expect(check([{ name: "t", type: "string", max_length: 2 }], { t: "😀😀" }).ok).toBe(true);
  });

  it("checks integers, numbers and percentages by range", () => {
    expect(check([{ name: "n", type: "integer", min_value: 1, max_value: 10 }], { n: 2.5 }).errors).toEqual(["/n type"]);
    expect(check([{ name: "n", type: "integer", min_value: 1, max_value: 10 }], { n: 11 }).errors).toEqual(["/n maximum"]);
    expect(check([{ name: "x", type: "number" }], { x: 2.5 }).ok).toBe(true);
    expect(check([{ name: "p", type: "percentage" }], { p: 100 }).ok).toBe(true);
    expect(check([{ name: "p", type: "percentage" }], { p: 100.5 }).errors).toEqual(["/p maximum"]);
    expect(check([{ name: "p", type: "percentage" }], { p: -1 }).errors).toEqual(["/p minimum"]);
  });

  it("checks dates, datetimes with an offset, and times as HH:MM or HH:MM:SS", () => {
    expect(check([{ name: "d", type: "date" }], { d: "2025-08-16" }).ok).toBe(true);
    expect(check([{ name: "d", type: "date" }], { d: "2025-02-30" }).ok).toBe(false);
    expect(check([{ name: "d", type: "datetime" }], { d: "2025-08-16T10:30:00-05:00" }).ok).toBe(true);
    expect(check([{ name: "d", type: "datetime" }], { d: "2025-08-16 10:30" }).ok).toBe(false);
    expect(check([{ name: "t", type: "time" }], { t: "10:30" }).ok).toBe(true);
    expect(check([{ name: "t", type: "time" }], { t: "10:30:59" }).ok).toBe(true);
    expect(check([{ name: "t", type: "time" }], { t: "24:00" }).ok).toBe(false);
  });

  it("checks selections against oneof and multiselects as lists of distinct choices", () => {
    const sel: Field = { name: "env", type: "selection", oneof: ["dev", "prod"] };
    expect(check([sel], { env: "dev" }).ok).toBe(true);
    expect(check([sel], { env: "qa" }).errors).toEqual(["/env enum"]);
    const multi: Field = { name: "ch", type: "multiselect", oneof: ["email", "slack"], min_length: 1 };
    expect(check([multi], { ch: ["email", "slack"] }).ok).toBe(true);
    expect(check([multi], { ch: ["email", "email"] }).errors).toEqual(["/ch uniqueItems"]);
    expect(check([multi], { ch: ["fax"] }).errors).toEqual(["/ch/0 enum"]);
    expect(check([multi], { ch: [] }).errors).toEqual(["/ch minItems"]);
  });

  it("applies defaults, refuses unknown parameters and requires required fields", () => {
    const fields: Field[] = [
      { name: "name", type: "string", required: true },
      { name: "replicas", type: "integer", default: 2 },
    ];
    const result = check(fields, { name: "x" });
    expect(result.ok).toBe(true);
    expect(result.params).toEqual({ name: "x", replicas: 2 });
    expect(check(fields, {}).errors).toEqual([" required"]);
    expect(check(fields, { name: "x", colour: "red" }).errors).toEqual([" additionalProperties"]);
  });

  it("requires a conditional field only while its condition holds", () => {
    const fields: Field[] = [
      { name: "environment", type: "selection", oneof: ["dev", "prod"], required: true },
      { name: "ticket", type: "string", required: true, conditional: { field: "environment", value: "prod" } },
    ];
    expect(check(fields, { environment: "dev" }).ok).toBe(true);
    expect(check(fields, { environment: "prod" }).ok).toBe(false);
    expect(check(fields, { environment: "prod", ticket: "CHG-1" }).ok).toBe(true);
    const schema = fieldsToJsonSchema(fields);
    expect(schema["allOf"]).toEqual([
      { if: { properties: { environment: { const: "prod" } }, required: ["environment"] }, then: { required: ["ticket"] } },
    ]);
  });

  it("annotates what a form renderer needs: type, help, default, readOnly, hidden", () => {
    expect(fieldToJsonSchema({ name: "notes", type: "textarea", help_text: "Why", hidden: true, readonly: true, default: "n/a" })).toEqual({
      type: "string",
      "x-pao-type": "textarea",
      description: "Why",
      default: "n/a",
      readOnly: true,
      "x-pao-hidden": true,
    });
  });

  it("never hands an unsafe pattern to ajv: the field is checked without it (the catalog reports the pattern)", () => {
    const field: Field = { name: "x", type: "string", regexp: "^(a+)+$", max_length: 60 };
    const schema = fieldToJsonSchema(field);
    expect(schema["pattern"]).toBeUndefined();
    expect(schema["x-pao-rejected-regexp"]).toBe("^(a+)+$");
    expect(check([field], { x: "a".repeat(50) + "!" }).ok).toBe(true);
    expect(check([field], { x: "a".repeat(61) }).ok).toBe(false);
  });
});

describe("the catalog's own value check agrees with ajv on every field type", () => {
  const value = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer({ min: -5, max: 120 }),
    fc.double({ min: -5, max: 120, noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom("dev", "prod", "10:30", "10:30:00", "25:61", "2025-08-16", "2025-13-01", "2025-08-16T10:30:00-05:00"),
    fc.array(fc.constantFrom("dev", "prod", "qa"), { maxLength: 3 }),
  );
  const field = fc.record({
    type: fc.constantFrom(...FIELD_TYPE_NAMES),
    min: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
    span: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  });

  it("accepts exactly what the JSON Schema accepts", () => {
    fc.assert(
      fc.property(field, value, ({ type, min, span }, v) => {
        const spec = FIELD_TYPES[type];
        const f: Field = { name: "f", type };
        if (spec.properties.includes("oneof")) f.oneof = ["dev", "prod"];
        if (spec.properties.includes("min_length")) {
          f.min_length = min !== undefined ? min % 4 : undefined;
          f.max_length = min !== undefined && span !== undefined ? (min % 4) + (span % 8) : undefined;
        }
        if (spec.properties.includes("regexp") && span !== undefined && span % 2 === 0) f.regexp = "^[a-z]*$";
        if (spec.properties.includes("min_value")) {
          f.min_value = min;
          f.max_value = min !== undefined && span !== undefined ? min + span : undefined;
        }
        const ours = spec.reject(f, v, true) === null;
        const validate = compileSchema({ ...fieldToJsonSchema(f) });
        expect(ours, `${JSON.stringify(f)} with ${JSON.stringify(v)}`).toBe(validate(v));
      }),
      { seed: 20261122, numRuns: 1500 },
    );
  });
});
