/**
 * Random damage to the valid example requests must never throw out of validateRequestFile. Whatever the damage, the
 * result is either no errors or diagnostics that each name a known code, the file given, and a position inside it.
 * Text mutations break the YAML itself; structured mutations keep valid YAML and break the request instead; the
 * breaking mutations are ones that certainly make a request invalid, so they must yield at least one error; and
 * hostile values (templates, workflow expressions, shell, prototype keys) stay inert data.
 * 1,000 generated files in all: 300 text, 300 structured, 250 breaking, 100 hostile strings, 50 hostile keys.
 * The seed is fixed, so a failure is reproducible; fast-check prints the shrunk counterexample, and a counterexample
 * worth keeping goes into the "counterexamples" block at the end as a plain input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadCatalog, type SourceFile } from "../../src/catalog/load.js";
import type { Field } from "../../src/catalog/schema.js";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "../../src/diagnostic-codes.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { readTree } from "../../src/repo/fs-files.js";
import { validateRequestFile, type RequestValidation } from "../../src/requests/validate.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";
import { applyStructured, applyText, at, type Data, HOSTILE, hostileString, isObject, parseQuietly, paths, structuredMutations, textMutation, withKey } from "../helpers/yaml-mutations.js";

const SEED = 20250816;
const AUTHOR = "dev-user";

const { catalog, diagnostics: catalogDiagnostics } = loadCatalog(readTree(REPO_ROOT, ["catalog", ".github"]));
const EXAMPLES: readonly SourceFile[] = readTree(REPO_ROOT, ["requests"]).map(({ path, text }) => ({ path, text }));
const KNOWN = new Set(EXAMPLES.map((f) => f.path));
const CODES = new Set(Object.keys(DIAGNOSTIC_CODES));
const SHAPES = ["catalog_item", "catalog_bundle", "update_item", "update_operation"] as const;
type Shape = (typeof SHAPES)[number];

/** The keys each shape of request accepts at its top level (src/requests/schema.ts). */
const TOP_KEYS: Record<Shape, readonly string[]> = {
  catalog_item: ["catalog_item", "version", "parameters", "requester"],
  catalog_bundle: ["catalog_bundle", "version", "bundle_parameters", "item_selections", "requester"],
  update_item: ["update_item", "version", "target", "parameters", "requester"],
  update_operation: ["update_operation", "version", "target", "parameters", "requester"],
};
const REQUIRED_KEYS: Record<Shape, readonly string[]> = {
  catalog_item: ["catalog_item", "version"],
  catalog_bundle: ["catalog_bundle", "version"],
  update_item: ["update_item", "target"],
  update_operation: ["update_operation", "target"],
};
const MAPPING_KEYS = new Set(["parameters", "bundle_parameters", "item_selections", "requester"]);

/** The invariants every validation must keep, whatever it was given. Returns the first broken one, or null. */
function violation(file: SourceFile, result: RequestValidation): string | null {
  if (result.file !== file.path) return `result for ${result.file}, not ${file.path}`;
  if (result.request && result.request.file !== file.path) return `request for ${result.request.file}, not ${file.path}`;
  const lines = file.text.split("\n");
  for (const d of result.diagnostics) {
    const where = `${d.code} ${d.file}:${d.line}:${d.column} ${d.message}`;
    if (!CODES.has(d.code)) return `unknown code: ${where}`;
    if (d.severity !== "error" && d.severity !== "warning") return `unknown severity ${String(d.severity)}: ${where}`;
    if (typeof d.message !== "string" || d.message.trim() === "") return `empty message: ${where}`;
    if (d.file !== file.path) return `file that was not given: ${where}`;
    if (!Number.isInteger(d.line) || d.line < 1 || d.line > lines.length) return `line outside the file (${lines.length} lines): ${where}`;
    const lineLength = lines[d.line - 1]!.length;
    if (!Number.isInteger(d.column) || d.column < 1 || d.column > lineLength + 1) return `column outside line ${d.line} (${lineLength} characters): ${where}`;
  }
  return null;
}

/** Validates the file and checks the invariants; a throw out of the validator fails the property with its stack. */
function check(file: SourceFile): RequestValidation {
  let result: RequestValidation;
  try {
    result = validateRequestFile(file, catalog, { knownRequestPaths: KNOWN, author: AUTHOR });
  } catch (e) {
    throw new Error(`validateRequestFile threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  const broken = violation(file, result);
  if (broken !== null) throw new Error(broken);
  return result;
}

function errors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === "error");
}

// ---------------------------------------------------------------------------------------------------------------
// Prototype pollution: whatever a request holds, the built-in prototypes stay as they were.

const PROTOTYPES = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype };
const PRISTINE = Object.fromEntries(Object.entries(PROTOTYPES).map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]));
const OBJECT_TO_STRING = Object.prototype.toString;

function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe["polluted"]).toBeUndefined();
  expect(probe["isAdmin"]).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>)["polluted"]).toBeUndefined();
  expect(Object.prototype.toString).toBe(OBJECT_TO_STRING);
  for (const [name, proto] of Object.entries(PROTOTYPES)) expect(Reflect.ownKeys(proto).map(String).sort(), name).toEqual(PRISTINE[name]);
}

// ---------------------------------------------------------------------------------------------------------------
// Structured mutations: parse, change the data, stringify back


/** n nested collections around a value, alternating mappings and lists. */
function nested(n: number, leaf: unknown = "x"): unknown {
  let v = leaf;
  for (let i = 0; i < n; i++) v = i % 2 === 0 ? { k: v } : [v];
  return v;
}

const PROTO_KEYS = ["__proto__", "constructor", "prototype"] as const;

const protoPayload = fc.constantFrom<unknown>({ polluted: "yes" }, { isAdmin: true }, "polluted", null, [{ polluted: 1 }]).map((v) => structuredClone(v));

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 12 }), weight: 3 },
  { arbitrary: fc.integer(), weight: 2 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.constant([]), weight: 1 },
  { arbitrary: fc.constant({}), weight: 1 },
  { arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxKeys: 2 }), weight: 1 },
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: fc.integer({ min: 64, max: 20_000 }).map((n) => "x".repeat(n)), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 90 }).map((n) => nested(n)), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(...PROTO_KEYS), protoPayload).map(([k, v]) => withKey(k, v)), weight: 1 },
  {
    arbitrary: fc.constantFrom("postgres-database", "redis-cache", "1.2.0", ">=1.0.0", "<0.0.1", "*", "x", "requests/data-team/orders-db.yaml", "requests/nope.yaml", "prod", "db.t3.large", "CHG-1", "2025-08-16"),
    weight: 2,
  },
);

const keyName = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom(...SHAPES, "version", "parameters", "bundle_parameters", "item_selections", "required_items", "optional_items", "enabled", "target", "requester", "user_id", "team", "app_name", "environment", "database_name", "toString", "hasOwnProperty", "valueOf", "0", ...PROTO_KEYS),
);

const structuredMutation = structuredMutations(keyName, jsonValue);


// ---------------------------------------------------------------------------------------------------------------
// Breaking mutations: each one certainly makes the request invalid, so validation must report an error.

interface Example {
  file: SourceFile;
  data: Data;
  shape: Shape;
  /** The key holding the request's own parameters. */
  parametersKey: "parameters" | "bundle_parameters";
  /** The fields those parameters are checked against. */
  fields: readonly Field[];
}

const PARSED: readonly Example[] = EXAMPLES.map((file) => {
  const data = parseQuietly(file.text) as Data;
  const shape = SHAPES.find((s) => s in data)!;
  const { request } = validateRequestFile(file, catalog, { knownRequestPaths: KNOWN, author: AUTHOR });
  const definition = request!.definition;
  const fields = definition.kind === "CatalogBundle" ? definition.body.presentation.bundle_fields : definition.body.presentation.fields;
  return { file, data, shape, parametersKey: shape === "catalog_bundle" ? "bundle_parameters" : "parameters", fields };
});

type Breaking =
  | { op: "drop-required"; pick: number }
  | { op: "retype-top"; pick: number; asString: unknown; asMapping: unknown }
  | { op: "unknown-top-key"; key: string; value: unknown }
  | { op: "unknown-parameter"; key: string; value: unknown }
  | { op: "parameter-mapping"; pick: number; value: Data }
  | { op: "hostile-name"; value: string }
  | { op: "hostile-selection"; pick: number; value: string }
  | { op: "forbidden-key"; pick: number; key: (typeof PROTO_KEYS)[number]; value: unknown }
  | { op: "deep"; pick: number; depth: number }
  | { op: "huge-name"; length: number }
  | { op: "huge-file"; length: number };

/** Not a string: what a name, version or target may not be. */
const notAString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), fc.constant({ a: 1 }), fc.constant(""));
/** Not a mapping: what parameters, selections and requester may not be. */
const notAMapping = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), hostileString);

const breaking: fc.Arbitrary<Breaking> = fc.oneof(
  fc.record({ op: fc.constant("drop-required" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("retype-top" as const), pick: fc.nat(), asString: notAString, asMapping: notAMapping }),
  fc.record({ op: fc.constant("unknown-top-key" as const), key: keyName, value: jsonValue }),
  fc.record({ op: fc.constant("unknown-parameter" as const), key: keyName, value: jsonValue }),
  fc.record({ op: fc.constant("parameter-mapping" as const), pick: fc.nat(), value: fc.oneof(fc.constant({}), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), jsonValue, { minKeys: 1, maxKeys: 3 })) }),
  fc.record({ op: fc.constant("hostile-name" as const), value: hostileString }),
  fc.record({ op: fc.constant("hostile-selection" as const), pick: fc.nat(), value: hostileString }),
  fc.record({ op: fc.constant("forbidden-key" as const), pick: fc.nat(), key: fc.constantFrom(...PROTO_KEYS), value: protoPayload }),
  fc.record({ op: fc.constant("deep" as const), pick: fc.nat(), depth: fc.integer({ min: 64, max: 400 }) }),
  fc.record({ op: fc.constant("huge-name" as const), length: fc.integer({ min: 64, max: 100_000 }) }),
  fc.record({ op: fc.constant("huge-file" as const), length: fc.integer({ min: 1024 * 1024 + 1, max: 1024 * 1024 + 50_000 }) }),
);

/** Applies a breaking mutation to a copy of the example; returns the data and the code it must produce, if one is certain. */
function applyBreaking(example: Example, m: Breaking): { data: Data; expect?: DiagnosticCode } {
  const data = structuredClone(example.data);
  const { shape, parametersKey, fields } = example;
  const params = data[parametersKey] as Data;
  switch (m.op) {
    case "drop-required": {
      const keys = REQUIRED_KEYS[shape];
      delete data[keys[m.pick % keys.length]!];
      return { data, expect: "schema-missing-field" };
    }
    case "retype-top": {
      const keys = Object.keys(data);
      const key = keys[m.pick % keys.length]!;
      data[key] = structuredClone(MAPPING_KEYS.has(key) ? m.asMapping : m.asString);
      return { data };
    }
    case "unknown-top-key": {
      // Any key the shape does not have: unknown, a second shape, or one the loader refuses.
      const key = TOP_KEYS[shape].includes(m.key) ? `${m.key}_extra` : m.key;
      return { data: withKey(key, structuredClone(m.value), data) };
    }
    case "unknown-parameter": {
      const key = fields.some((f) => f.name === m.key) ? `${m.key}_extra` : m.key;
      withKey(key, structuredClone(m.value), params);
      return { data };
    }
    case "parameter-mapping": {
      // No field type accepts a mapping.
      const names = Object.keys(params);
      params[names[m.pick % names.length]!] = structuredClone(m.value);
      return { data };
    }
    case "hostile-name":
      // A hostile string is never a valid definition name (lowercase letters, digits and hyphens).
      data[shape] = m.value;
      return { data };
    case "hostile-selection": {
      const selections = fields.filter((f) => f.type === "selection");
      if (selections.length === 0) {
        data[shape] = m.value;
        return { data };
      }
      params[selections[m.pick % selections.length]!.name] = m.value;
      return { data, expect: "request-parameter-invalid" };
    }
    case "forbidden-key": {
      const mappings = paths(data).containers.filter((p) => isObject(at(data, p)));
      withKey(m.key, structuredClone(m.value), at(data, mappings[m.pick % mappings.length]!) as Data);
      return { data, expect: "yaml-forbidden-key" };
    }
    case "deep": {
      const { entries } = paths(data);
      const path = entries[m.pick % entries.length]!;
      (at(data, path.slice(0, -1)) as Record<string | number, unknown>)[path[path.length - 1]!] = nested(m.depth);
      return { data, expect: "yaml-too-deep" };
    }
    case "huge-name":
      data[shape] = "a".repeat(m.length);
      return { data };
    case "huge-file":
      data[shape] = "a".repeat(m.length);
      return { data, expect: "yaml-too-large" };
  }
}

// ---------------------------------------------------------------------------------------------------------------

const fileIndex = fc.nat({ max: EXAMPLES.length - 1 });

describe("request validation survives damaged requests", () => {
  it("has example requests to damage, and they validate without errors against the example catalog", () => {
    expect(errors(catalogDiagnostics)).toEqual([]);
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(5);
    expect(new Set(PARSED.map((e) => e.shape))).toEqual(new Set(SHAPES));
    for (const file of EXAMPLES) {
      const result = check(file);
      expect(errors(result.diagnostics), file.path).toEqual([]);
      expect(result.request, file.path).toBeDefined();
    }
  });

  it("never throws and reports well-formed diagnostics after text mutations (300 files)", () => {
    fc.assert(
      fc.property(fileIndex, fc.array(textMutation, { minLength: 1, maxLength: 4 }), (index, mutations) => {
        const { path, text } = EXAMPLES[index]!;
        check({ path, text: mutations.reduce(applyText, text) });
      }),
      { seed: SEED, numRuns: 300 },
    );
    expectNoPollution();
  });

  it("never throws and reports well-formed diagnostics after structured mutations (300 files)", () => {
    fc.assert(
      fc.property(fileIndex, fc.array(structuredMutation, { minLength: 1, maxLength: 3 }), (index, mutations) => {
        const data = mutations.reduce(applyStructured, parseQuietly(EXAMPLES[index]!.text));
        check({ path: EXAMPLES[index]!.path, text: stringify(data) });
      }),
      { seed: SEED, numRuns: 300 },
    );
    expectNoPollution();
  });

  it("reports at least one error for a mutation that certainly breaks the request (250 files)", () => {
    fc.assert(
      fc.property(fileIndex, breaking, (index, mutation) => {
        const example = PARSED[index]!;
        const { data, expect: code } = applyBreaking(example, mutation);
        const result = check({ path: example.file.path, text: stringify(data) });
        const found = errors(result.diagnostics);
        expect(found.length, JSON.stringify(mutation).slice(0, 300)).toBeGreaterThan(0);
        if (code !== undefined) expect(found.map((d) => d.code)).toContain(code);
      }),
      { seed: SEED, numRuns: 250 },
    );
    expectNoPollution();
  });
});

describe("hostile values are inert", () => {
  /** Free-text places where any string is valid, and the request that holds it. */
  const FREE_TEXT = [
    {
      name: "dns-record target",
      request: (s: string): Data => ({ catalog_item: "dns-record", version: "1.0.0", parameters: { hostname: "www", zone: "example.com", target: s } }),
      read: (r: NonNullable<RequestValidation["request"]>) => r.parameters["target"],
    },
    {
      name: "application-monitoring runbook",
      request: (s: string): Data => ({ catalog_item: "application-monitoring", version: "1.0.0", parameters: { app_name: "web", runbook: s } }),
      read: (r: NonNullable<RequestValidation["request"]>) => r.parameters["runbook"],
    },
    {
      name: "requester team",
      request: (s: string): Data => ({ catalog_item: "dns-record", version: "1.0.0", parameters: { hostname: "www", zone: "example.com", target: "lb.example.com" }, requester: { team: s } }),
      read: (r: NonNullable<RequestValidation["request"]>) => r.requester?.team,
    },
  ] as const;

  it("a hostile string in a free-text value comes back verbatim, as data (100 files)", () => {
    fc.assert(
      fc.property(fc.nat({ max: FREE_TEXT.length - 1 }), hostileString, fc.constantFrom("plain", "double", "single", "literal"), (which, value, style) => {
        const place = FREE_TEXT[which]!;
        const data = place.request(value);
        const text = stringify(data, { defaultStringType: style === "plain" ? "PLAIN" : style === "double" ? "QUOTE_DOUBLE" : style === "single" ? "QUOTE_SINGLE" : "BLOCK_LITERAL" });
        // The text says what was meant: if YAML itself could not carry the string, the property would prove nothing.
        expect(parseQuietly(text)).toEqual(data);
        const result = check({ path: "requests/team/hostile.yaml", text });
        expect(errors(result.diagnostics)).toEqual([]);
        expect(place.read(result.request!)).toBe(value);
        expectNoPollution();
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it("each listed hostile string, as a free-text value, comes back verbatim", () => {
    for (const value of HOSTILE) {
      for (const place of FREE_TEXT) {
        const result = check({ path: "requests/team/hostile.yaml", text: stringify(place.request(value)) });
        expect(errors(result.diagnostics), `${place.name}: ${value}`).toEqual([]);
        expect(place.read(result.request!), `${place.name}: ${value}`).toBe(value);
      }
    }
    expectNoPollution();
  });

  /** Places a prototype key can be written: the top level, the parameters, a value inside them, the requester. */
  const KEY_PLACES: ReadonlyArray<(key: string, payload: unknown) => Data> = [
    (k, p) => withKey(k, p, { catalog_item: "dns-record", version: "1.0.0", parameters: { hostname: "www", zone: "example.com", target: "x" } }),
    (k, p) => ({ catalog_item: "dns-record", version: "1.0.0", parameters: withKey(k, p, { hostname: "www", zone: "example.com", target: "x" }) }),
    (k, p) => ({ catalog_item: "application-monitoring", version: "1.0.0", parameters: { app_name: "web", notification_channels: [withKey(k, p)] } }),
    (k, p) => ({ catalog_item: "dns-record", version: "1.0.0", parameters: { hostname: "www", zone: "example.com", target: "x" }, requester: withKey(k, p, { team: "t" }) }),
    (k, p) => ({ catalog_bundle: "full-stack-web-app", version: "2.1.0", bundle_parameters: { solution_name: "s" }, item_selections: { required_items: [withKey(k, p, { catalog_item: "postgres-database", parameters: { database_name: "abc" } })] } }),
  ];

  it("a prototype key is refused wherever it is written, and pollutes nothing (50 files)", () => {
    fc.assert(
      fc.property(fc.nat({ max: KEY_PLACES.length - 1 }), fc.constantFrom(...PROTO_KEYS), protoPayload, fc.boolean(), (where, key, payload, flow) => {
        const data = KEY_PLACES[where]!(key, payload);
        // Block style, or one JSON line (YAML flow style), as a hand-written exploit would be.
        const text = flow ? JSON.stringify(data) : stringify(data);
        expect(text).toContain(key);
        const result = check({ path: "requests/team/hostile.yaml", text });
        expect(result.request).toBeUndefined();
        expect(errors(result.diagnostics).map((d) => d.code)).toContain("yaml-forbidden-key");
        expectNoPollution();
      }),
      { seed: SEED, numRuns: 50 },
    );
  });
});
