/**
 * A definition's fields as one JSON Schema (draft 2020-12). ajv validates request parameters against it, and the
 * REST API serves it so a portal can render a form: `x-pao-type` keeps the catalog's field type (textarea,
 * percentage, ...), `readOnly` and `x-pao-hidden` carry the presentation flags, and `conditional` becomes if/then.
 */
import { FIELD_TYPES, type JsonSchema } from "./field-types.js";
import { checkRegexp } from "./regexp-safety.js";
import type { Field } from "./schema.js";

export const PAO_KEYWORDS = ["x-pao-type", "x-pao-hidden", "x-pao-rejected-regexp"] as const;

export function fieldToJsonSchema(field: Field): JsonSchema {
  // A pattern that failed the safety check never reaches ajv: the field is checked without it. The catalog reports
  // the pattern once; refusing every request's value instead would blame each request for the catalog's mistake.
  const unsafe = field.regexp !== undefined && !checkRegexp(field.regexp).ok;
  const { regexp, ...rest } = field;
  return {
    ...FIELD_TYPES[field.type].schema(unsafe ? rest : field),
    ...(unsafe ? { "x-pao-rejected-regexp": regexp } : {}),
    "x-pao-type": field.type,
    ...(field.help_text !== undefined ? { description: field.help_text } : {}),
    ...(field.default !== undefined ? { default: field.default } : {}),
    ...(field.readonly ? { readOnly: true } : {}),
    ...(field.hidden ? { "x-pao-hidden": true } : {}),
  };
}

export function fieldsToJsonSchema(fields: readonly Field[], title?: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const conditions: JsonSchema[] = [];
  for (const field of fields) {
    properties[field.name] = fieldToJsonSchema(field);
    if (field.conditional) {
      // The field applies only when the other field holds the value: required then, and only then.
      if (field.required) {
        conditions.push({
          if: { properties: { [field.conditional.field]: { const: field.conditional.value } }, required: [field.conditional.field] },
          then: { required: [field.name] },
        });
      }
    } else if (field.required) {
      required.push(field.name);
    }
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...(title !== undefined ? { title } : {}),
    type: "object",
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    ...(conditions.length > 0 ? { allOf: conditions } : {}),
  };
}
