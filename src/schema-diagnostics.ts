/**
 * Turns zod's issues into diagnostics that a platform engineer can act on: the path in the file, what was
 * expected in plain words, the line and column, and a hint (a likely misspelling, quoting a number).
 */
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "./diagnostic-codes.js";
import { printable, type Diagnostic } from "./diagnostics.js";
import type { LoadedYaml, PathSegment } from "./yaml/load.js";
import { dottedPath } from "./yaml/path.js";

export function schemaDiagnostics(issues: readonly z.core.$ZodIssue[], doc: LoadedYaml, schema?: z.ZodType): Diagnostic[] {
  const out: Diagnostic[] = [];
  // A misspelt field shows up twice, as unknown and as missing; the unknown one with its suggestion says it all.
  const misspelt = new Set<string>();
  const missingPaths: string[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p === "string" || typeof p === "number");
    if (issue.code === "unrecognized_keys") {
      const known = schema ? keysAt(schema, path) : missingKeys(issues, path);
      for (const key of issue.keys) {
        const at = doc.locate([...path, key], { key: true });
        const guess = suggestion(key, known);
        if (guess) misspelt.add(JSON.stringify([...path, guess]));
        out.push({
          code: "schema-unknown-field",
          severity: "error",
          message: `${where(path)}unknown field '${printable(key)}'`,
          file: doc.file,
          ...atOf(at),
          path: dottedPath([...path, key]),
          ...(guess ? { hint: `did you mean '${guess}'?` } : { hint: "remove it, or check the field names of this kind" }),
        });
      }
      continue;
    }
    const value = valueAt(doc.value, path);
    const at = doc.locate(path);
    const base = { severity: "error" as const, file: doc.file, ...atOf(at), path: dottedPath(path) };
    const last = path[path.length - 1];
    const versionKind = schema ? versionKindAt(schema, path) : undefined;
    if (value === undefined && path.length > 0 && issue.code !== "custom") {
      missingPaths[out.length] = JSON.stringify(path);
      const hint = versionKind ? missingVersionHint(versionKind, String(last), "1.0.0") : undefined;
      out.push({ ...base, code: "schema-missing-field", message: `${where(path.slice(0, -1))}missing required field '${String(last)}'`, ...(hint ? { hint } : {}) });
    } else if (issue.code === "invalid_type") {
      const expected = issue.expected === "int" ? "a whole number" : article(String(issue.expected));
      const written = printable(doc.source(path) ?? String(value));
      const scalar = typeof value === "number" || typeof value === "boolean";
      const hint =
        issue.expected === "string" && scalar
          ? versionKind && typeof value === "number"
            ? `write ${versionAdvice(versionKind, fullVersion(written))} (YAML reads unquoted ${written} as a number, and a version has three parts)`
            : `quote it: '${written}' (YAML reads unquoted ${written} as a ${typeof value})`
          : undefined;
      out.push({
        ...base,
        code: "schema-invalid-type",
        message: `${where(path)}expected ${expected}, got ${scalar ? `${typeof value} ${written}` : typeName(value)}`,
        ...(hint ? { hint } : {}),
      });
    } else if (issue.code === "invalid_value") {
      const options = issue.values.map((v) => String(v));
      const guess = typeof value === "string" ? suggestion(value, options) : undefined;
      out.push({
        ...base,
        code: "schema-invalid-value",
        message:
          options.length === 1
            ? `${where(path)}must be '${options[0]}', got ${show(value)}`
            : `${where(path)}${show(value)} is not one of: ${options.join(", ")}`,
        ...(guess ? { hint: `did you mean '${guess}'?` } : {}),
      });
    } else if (issue.code === "invalid_union" && "discriminator" in issue) {
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      out.push({ ...base, code: "schema-invalid-value", message: `${where(path)}${show(value)} is not one of: ${options.join(", ")}` });
    } else if (issue.code === "too_small" || issue.code === "too_big") {
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const limit = String((issue as { minimum?: unknown; maximum?: unknown }).minimum ?? (issue as { maximum?: unknown }).maximum);
      const unit =
        issue.origin === "array" ? " entries" : issue.origin === "string" ? " characters" : "";
      out.push({ ...base, code: "schema-invalid-value", message: `${where(path)}must be ${bound} ${limit}${unit}` });
    } else {
      // A refinement may name its own code (version-invalid, range-invalid).
      const own = issue.code === "custom" ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
      const code = typeof own === "string" && own in DIAGNOSTIC_CODES ? (own as DiagnosticCode) : "schema-invalid-value";
      const full = versionKind && typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim()) ? fullVersion(value.trim()) : undefined;
      const hint = full && versionKind ? `write ${versionAdvice(versionKind, full)}` : undefined;
      out.push({ ...base, code, message: `${where(path)}${lowerFirst(issue.message)}`, ...(hint ? { hint } : {}) });
    }
  }
  return out.filter((d, i) => !(d.code === "schema-missing-field" && misspelt.has(missingPaths[i] ?? "")));
}

/**
 * Version fields, and what each accepts: an exact version, a range, or either. A hint then says what to write
 * instead of `1.0` (which YAML reads as the number 1, and which is not a full version even when quoted).
 */
export type VersionKind = "exact" | "range" | "either";
const VERSION_SCHEMAS = new WeakMap<object, VersionKind>();

/** Marks a schema as a version field (call it on the schema as exported, after describe and refine). */
export function versionField<T extends z.ZodType>(schema: T, kind: VersionKind): T {
  VERSION_SCHEMAS.set(schema, kind);
  return schema;
}

/** What to write for a version field, from a full version such as 1.0.0. */
export function versionAdvice(kind: VersionKind, full: string): string {
  if (kind === "exact") return `a full semantic version: ${full}`;
  if (kind === "range") return `a version range, quoted: '^${full}' or '>=${full}'`;
  return `a full version: ${full}, or a range such as '^${full}'`;
}

/** What to add for a missing version field, with `full` as the example. */
export function missingVersionHint(kind: VersionKind, key: string, full: string): string {
  if (kind === "exact") return `add ${key}: ${full}`;
  if (kind === "range") return `add ${key}: '^${full}' (a range, quoted)`;
  return `add ${key}: ${full} (an exact version), or a range such as ${key}: '^${full}'`;
}

/** `1` and `1.0` as the full version they most likely mean (1.0.0); anything else as 1.0.0. */
export function fullVersion(written: string): string {
  if (!/^\d+(\.\d+){0,2}$/.test(written)) return "1.0.0";
  const parts = written.split(".").map((p) => String(Number(p)));
  while (parts.length < 3) parts.push("0");
  return parts.join(".");
}

function versionKindAt(schema: z.ZodType, path: readonly PathSegment[]): VersionKind | undefined {
  for (const s of schemasAt(schema, path)) {
    const kind = VERSION_SCHEMAS.get(s);
    if (kind) return kind;
  }
  return undefined;
}

function atOf(p: { line: number; column: number }) {
  return { line: p.line, column: p.column };
}


/** `presentation.fields[2].max_length: `, or nothing at the top of the document. */
export function where(path: readonly PathSegment[]): string {
  return path.length === 0 ? "" : `${printable(dottedPath(path), 120)}: `;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function missingKeys(issues: readonly z.core.$ZodIssue[], path: readonly PathSegment[]): string[] {
  const prefix = JSON.stringify(path);
  return issues
    .filter((i) => i.code === "invalid_type" && JSON.stringify(i.path.slice(0, -1)) === prefix)
    .map((i) => String(i.path[i.path.length - 1]));
}

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType };

/** The field names an object schema accepts at `path`, looking through optional, default, array and union. */
function keysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  return [...new Set(leavesAt(schema, path).flatMap((s) => Object.keys((s as unknown as { _zod: { def: Def } })._zod.def.shape ?? {})))];
}

/** Every schema met at `path`, wrappers (optional, default, pipe, union) included, outermost first. */
function schemasAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType[] {
  const seen: z.ZodType[] = [];
  leavesAt(schema, path, seen);
  return seen;
}

/** The schemas at `path` with optional, default, pipe and union looked through; `seen` collects the wrappers too. */
function leavesAt(schema: z.ZodType, path: readonly PathSegment[], seen?: z.ZodType[]): z.ZodType[] {
  let current: z.ZodType[] = [schema];
  for (let depth = 0; depth <= path.length; depth++) {
    const expanded: z.ZodType[] = [];
    const queue = [...current];
    while (queue.length > 0) {
      const s = queue.pop()!;
      if (depth === path.length) seen?.push(s);
      const def = (s as unknown as { _zod: { def: Def } })._zod.def;
      if (def.innerType) queue.push(def.innerType);
      else if (def.in) queue.push(def.in);
      else if (def.options) queue.push(...def.options);
      else expanded.push(s);
    }
    if (depth === path.length) return expanded;
    const segment = path[depth]!;
    current = expanded.flatMap((s) => {
      const def = (s as unknown as { _zod: { def: Def } })._zod.def;
      if (typeof segment === "number") return def.element ? [def.element] : [];
      const child = def.shape?.[segment];
      return child ? [child] : [];
    });
  }
  return [];
}

export function suggestion(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, [...candidates]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function typeName(v: unknown): string {
  if (v === null) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${show(v)}`;
  return `${typeof v} ${String(v)}`;
}

function article(t: string): string {
  if (t === "object" || t === "record") return "a mapping";
  if (t === "array") return "a list";
  if (t === "boolean") return "true or false";
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

export function show(v: unknown): string {
  if (typeof v === "string") return `'${printable(v)}'`;
  if (v === undefined) return "nothing";
  return printable(JSON.stringify(v) ?? String(v));
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
