/**
 * The eleven field types of seed 000 section 6.1, declared once. Each entry says which validation properties apply,
 * how the field becomes JSON Schema (what ajv checks request parameters against, and what a form renderer reads),
 * and whether a value is acceptable (used for defaults and conditional values while the catalog is validated,
 * without compiling a schema per field). A test holds `accepts` and the JSON Schema to the same verdicts.
 */
import { FORMATS, TIME_PATTERN } from "./formats.js";
import { patternMatcher } from "./pattern-engine.js";

export const FIELD_TYPE_NAMES = [
  "string",
  "integer",
  "number",
  "boolean",
  "date",
  "datetime",
  "time",
  "selection",
  "multiselect",
  "percentage",
  "textarea",
] as const;

export type FieldType = (typeof FIELD_TYPE_NAMES)[number];

/** Properties every field may carry, whatever its type. */
export const COMMON_FIELD_PROPERTIES = [
  "name",
  "type",
  "required",
  "default",
  "help_text",
  "readonly",
  "hidden",
  "conditional",
] as const;

export type ValidationProperty = "min_length" | "max_length" | "regexp" | "min_value" | "max_value" | "oneof";

export interface FieldConstraints {
  min_length?: number | undefined;
  max_length?: number | undefined;
  regexp?: string | undefined;
  min_value?: number | undefined;
  max_value?: number | undefined;
  oneof?: ReadonlyArray<string | number> | undefined;
}

export type JsonSchema = Record<string, unknown>;

interface FieldTypeSpec {
  /** The validation properties this type accepts besides the common ones. */
  properties: readonly ValidationProperty[];
  /** The JSON Schema of one value, without annotations. */
  schema(field: FieldConstraints): JsonSchema;
  /** Why `value` is not acceptable, or null when it is. `regexp` is tested only when `testPattern` allows. */
  reject(field: FieldConstraints, value: unknown, testPattern: boolean): string | null;
}

const text: FieldTypeSpec = {
  properties: ["min_length", "max_length", "regexp"],
  schema: (f) => ({
    type: "string",
    ...(f.min_length !== undefined ? { minLength: f.min_length } : {}),
    ...(f.max_length !== undefined ? { maxLength: f.max_length } : {}),
    ...(f.regexp !== undefined ? { pattern: f.regexp } : {}),
  }),
  reject: (f, v, testPattern) => {
    if (typeof v !== "string") return `expected a string, got ${describe(v)}`;
    const length = codePoints(v);
    if (f.min_length !== undefined && length < f.min_length) return `shorter than min_length ${f.min_length}`;
    if (f.max_length !== undefined && length > f.max_length) return `longer than max_length ${f.max_length}`;
    if (testPattern && f.regexp !== undefined && !patternMatcher(f.regexp)(v)) {
      return `does not match regexp ${f.regexp}`;
    }
    return null;
  },
};

function numeric(type: "integer" | "number", floor?: number, ceiling?: number): FieldTypeSpec {
  const bounds = (f: FieldConstraints) => ({
    min: f.min_value ?? floor,
    max: f.max_value ?? ceiling,
  });
  return {
    properties: ["min_value", "max_value"],
    schema: (f) => {
      const { min, max } = bounds(f);
      return { type, ...(min !== undefined ? { minimum: min } : {}), ...(max !== undefined ? { maximum: max } : {}) };
    },
    reject: (f, v) => {
      if (typeof v !== "number" || !Number.isFinite(v)) return `expected a number, got ${describe(v)}`;
      if (type === "integer" && !Number.isInteger(v)) return `expected a whole number, got ${v}`;
      const { min, max } = bounds(f);
      if (min !== undefined && v < min) return `less than the minimum ${min}`;
      if (max !== undefined && v > max) return `greater than the maximum ${max}`;
      return null;
    },
  };
}

function formatted(format: keyof typeof FORMATS, example: string): FieldTypeSpec {
  return {
    properties: [],
    // JSON Schema's own `time` format needs seconds and an offset; seed 000's time is HH:MM or HH:MM:SS, so it is
    // a pattern, which every validator reads the same way.
    schema: () => (format === "time" ? { type: "string", pattern: TIME_PATTERN } : { type: "string", format }),
    reject: (_f, v) => {
      if (typeof v !== "string") return `expected a string such as ${example}, got ${describe(v)}`;
      return FORMATS[format](v) ? null : `'${v}' is not a valid ${format} (for example ${example})`;
    },
  };
}

export const FIELD_TYPES: Record<FieldType, FieldTypeSpec> = {
  string: text,
  textarea: text,
  integer: numeric("integer"),
  number: numeric("number"),
  percentage: numeric("number", 0, 100),
  boolean: {
    properties: [],
    schema: () => ({ type: "boolean" }),
    reject: (_f, v) => (typeof v === "boolean" ? null : `expected true or false, got ${describe(v)}`),
  },
  date: formatted("date", "2025-08-16"),
  datetime: formatted("date-time", "2025-08-16T10:30:00-05:00"),
  time: formatted("time", "10:30 or 10:30:00"),
  selection: {
    properties: ["oneof"],
    schema: (f) => ({ enum: [...(f.oneof ?? [])] }),
    reject: (f, v) => ((f.oneof ?? []).includes(v as string) ? null : `${describe(v)} is not one of ${list(f.oneof)}`),
  },
  multiselect: {
    properties: ["oneof", "min_length", "max_length"],
    schema: (f) => ({
      type: "array",
      items: { enum: [...(f.oneof ?? [])] },
      uniqueItems: true,
      ...(f.min_length !== undefined ? { minItems: f.min_length } : {}),
      ...(f.max_length !== undefined ? { maxItems: f.max_length } : {}),
    }),
    reject: (f, v) => {
      if (!Array.isArray(v)) return `expected a list, got ${describe(v)}`;
      const bad = v.find((x) => !(f.oneof ?? []).includes(x as string));
      if (bad !== undefined) return `${describe(bad)} is not one of ${list(f.oneof)}`;
      if (new Set(v).size !== v.length) return "lists the same choice twice";
      if (f.min_length !== undefined && v.length < f.min_length) return `fewer than min_length ${f.min_length} choices`;
      if (f.max_length !== undefined && v.length > f.max_length) return `more than max_length ${f.max_length} choices`;
      return null;
    },
  },
};

/** JSON Schema's string length counts code points, not UTF-16 units; so do we. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `'${v.length > 40 ? v.slice(0, 40) + "…" : v}'`;
  return String(v);
}

function list(values: ReadonlyArray<unknown> | undefined): string {
  return (values ?? []).map((v) => String(v)).join(", ");
}
