/**
 * Mappings with tens of thousands of keys, as a hostile pull request can submit (the size cap allows ~80,000).
 * Loading them must stay linear in the number of keys, and must refuse and locate exactly as for small files.
 *
 * Nothing here is timed (house rule). The sizes are chosen so that these tests take well under a second each with
 * linear loading and locating, while the quadratic versions they replace (the parser's `uniqueKeys` check, which
 * compares each key with all earlier ones, and a locator that scanned a mapping's keys on every lookup) needed
 * tens of seconds for them, beyond vitest's default 5 s timeout.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics.js";
import { DEFAULT_LIMITS, loadYaml, type LoadedYaml } from "../../src/yaml/load.js";

const FILE = "requests/team/huge.yaml";
const HEADER = ["# a request with very many parameters", "catalog_item: eks-container-app", "version: 1.2.0", "parameters:"];
/** Line of the first parameter. */
const FIRST = HEADER.length + 1;

function name(i: number): string {
  return `k${String(i).padStart(5, "0")}`;
}

/** A request whose `parameters` mapping holds `keys` entries (`  k00000: 0` ...), then `extra` lines inside it. */
function request(keys: number, extra: readonly string[] = []): string {
  const lines = [...HEADER];
  for (let i = 0; i < keys; i++) lines.push(`  ${name(i)}: ${i}`);
  lines.push(...extra, "requester:", "  team: product-team", "");
  const text = lines.join("\n");
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxBytes);
  return text;
}

function rejected(text: string): Diagnostic[] {
  const result = loadYaml(text, FILE);
  if (result.ok) throw new Error("expected the file to be rejected");
  return result.diagnostics;
}

function accepted(text: string): LoadedYaml {
  const result = loadYaml(text, FILE);
  if (!result.ok) throw new Error(`expected the file to load, got ${JSON.stringify(result.diagnostics.slice(0, 5), null, 2)}`);
  return result.doc;
}

describe("a mapping of 50,000 keys", () => {
  const N = 50_000;

  it("is refused for a duplicate key, a quoted number repeating a number key, and a forbidden key at its end", () => {
    // Keys k00000..k49999, with the number keys 1..3 first; three offenders after the last one.
    const text = request(N, [`  ${name(7)}: again`, `  "2": again`, "  __proto__: {polluted: true}"]).replace("parameters:\n", "parameters:\n  1: a\n  2: b\n  3: c\n");
    const last = FIRST + 3 + N;
    expect(rejected(text)).toEqual([
      expect.objectContaining({ code: "yaml-duplicate-key", line: last, column: 3, path: `parameters.${name(7)}`, file: FILE }),
      expect.objectContaining({ code: "yaml-duplicate-key", line: last + 1, column: 3, path: "parameters.2" }),
      expect.objectContaining({ code: "yaml-forbidden-key", line: last + 2, column: 3, path: "parameters.__proto__" }),
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("a mapping of 20,000 keys", () => {
  const N = 20_000;

  it("loads with every key, and locates every key, value and source, as a schema layer does for unknown fields", () => {
    const doc = accepted(request(N));
    const parameters = (doc.value as { parameters: Record<string, number> }).parameters;
    expect(Object.keys(parameters)).toEqual(Array.from({ length: N }, (_, i) => name(i)));
    // Compared in bulk: one expect per key would cost more than the lookups.
    const keys: string[] = [];
    const values: string[] = [];
    const sources: Array<string | undefined> = [];
    for (let i = 0; i < N; i++) {
      const key = doc.locate(["parameters", name(i)], { key: true });
      const value = doc.locate(["parameters", name(i)]);
      keys.push(`${key.line}:${key.column}`);
      values.push(`${value.line}:${value.column}`);
      sources.push(doc.source(["parameters", name(i)]));
    }
    expect(keys).toEqual(Array.from({ length: N }, (_, i) => `${FIRST + i}:3`));
    expect(values).toEqual(Array.from({ length: N }, (_, i) => `${FIRST + i}:${3 + name(i).length + 2}`));
    expect(sources).toEqual(Array.from({ length: N }, (_, i) => String(i)));
    // A missing key still resolves to the mapping that should hold it, and keys after the big mapping are found.
    expect(doc.locate(["parameters", "missing"], { key: true })).toEqual({ line: HEADER.length, column: 1 });
    expect(doc.locate(["parameters", "missing"])).toEqual({ line: FIRST, column: 3 });
    expect(doc.locate(["requester", "team"])).toEqual({ line: FIRST + N + 1, column: 9 });
  });

  it("is refused for a duplicate key at the end of a flow mapping", () => {
    const entries = Array.from({ length: N }, (_, i) => `${name(i)}: ${i}`);
    const text = `parameters: {${entries.join(", ")}, ${name(0)}: again}\n`;
    expect(rejected(text)).toEqual([expect.objectContaining({ code: "yaml-duplicate-key", line: 1, column: text.lastIndexOf(name(0)) + 1 })]);
  });
});

describe("mappings with thousands of bad keys", () => {
  const K = 5_000;

  it("reports each of 5,000 keys written twice at its second occurrence, plain or as a different number (1 and 1.0)", () => {
    // k00000..k04999 and the numbers 0..4999, then each again: names as they are, numbers as 0.0, 1.0, ...
    const again = Array.from({ length: K }, (_, i) => `  ${name(i)}: again`);
    const numbers = Array.from({ length: K }, (_, i) => `  ${i}: n`);
    const numbersAgain = Array.from({ length: K }, (_, i) => `  ${i}.0: again`);
    const diagnostics = rejected(request(K, [...numbers, ...again, ...numbersAgain]));
    const got = diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.path}`);
    const want = [
      ...Array.from({ length: K }, (_, i) => `yaml-duplicate-key ${FIRST + 2 * K + i}:3 parameters.${name(i)}`),
      ...Array.from({ length: K }, (_, i) => `yaml-duplicate-key ${FIRST + 3 * K + i}:3 parameters.${i}`),
    ];
    expect(got).toEqual(want);
  });
});
