/**
 * Safe YAML loading. Every catalog, request, workflow and status file goes through here, so this is where hostile
 * input is stopped: size and depth are bounded before the parser runs, aliases are refused (no billion laughs),
 * duplicate keys, multiple documents and prototype-polluting keys are errors. The result is plain data plus a way
 * to find the line and column of any path in it, so later layers can point at what they reject.
 *
 * Work stays linear in the size of the file, since a pull request can submit any file under the size cap: no check
 * compares a key with all the others (see `uniqueKeys` below), and locating keys indexes each mapping once.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import { printable, type Diagnostic, type Position } from "../diagnostics.js";
import { depthUpperBound, measureDepth } from "./depth.js";
import { dottedPath } from "./path.js";

export interface YamlLimits {
  /** Largest accepted file, in bytes of UTF-8. */
  maxBytes: number;
  /** Deepest accepted nesting of collections. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxDepth: 64 };

export type { PathSegment } from "./path.js";
import type { PathSegment } from "./path.js";

export interface LoadedYaml {
  file: string;
  value: unknown;
  /**
   * The position of the value at `path` (or of its key, with `key: true`). A path that does not exist resolves to
   * its deepest existing ancestor, so a missing field points at the mapping that should hold it.
   */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): Position;
  /** The text of the value at `path` exactly as written (so a hint can quote `1.10`, not the number 1.1). */
  source(path: readonly PathSegment[]): string | undefined;
}

export type YamlResult = { ok: true; doc: LoadedYaml } | { ok: false; diagnostics: Diagnostic[] };

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const PARSE_OPTIONS = {
  version: "1.2",
  schema: "core",
  // Off on purpose. The parser's check compares each key with every earlier key of its mapping (quadratic: seconds
  // for a request with tens of thousands of keys, a minute within the size cap), and it only ever adds a
  // DUPLICATE_KEY error. toValue refuses duplicates itself in linear time, and more of them (1 and "1").
  uniqueKeys: false,
  merge: false,
  prettyErrors: false,
  strict: true,
  keepSourceTokens: false,
  // YAML 1.1 tags (!!binary, !!timestamp, !!set, !!omap) would give Buffers, Dates or lose data: refuse them.
  resolveKnownTags: false,
} as const;

/**
 * `size` is the file's real size in bytes when `text` holds only its beginning (a reader stops just past the limit,
 * so that a huge file is never read whole); the message then says how large the file is, not how much was read.
 */
export function loadYaml(text: string, file: string, limits: YamlLimits = DEFAULT_LIMITS, size?: number): YamlResult {
  const fail = (code: Diagnostic["code"], message: string, at: Position, hint?: string): YamlResult => ({
    ok: false,
    diagnostics: [{ code, severity: "error", message, file, line: at.line, column: at.column, ...(hint ? { hint } : {}) }],
  });

  const bytes = Math.max(size ?? 0, Buffer.byteLength(text, "utf8"));
  if (bytes > limits.maxBytes) {
    const [is, limit] = byteSizes(bytes, limits.maxBytes);
    return fail(
      "yaml-too-large",
      `the file is ${is}; the limit is ${limit}`,
      { line: 1, column: 1 },
      "split the definition or move large content out of the file",
    );
  }
  const depth = depthUpperBound(text) <= limits.maxDepth ? { depth: 0, at: { line: 1, column: 1 } } : measureDepth(text, limits.maxDepth);
  if (depth.depth > limits.maxDepth) {
    return fail(
      "yaml-too-deep",
      `nesting is deeper than the limit of ${limits.maxDepth} levels`,
      depth.at,
      "flatten the structure; no catalog or request file needs this depth",
    );
  }

  const doc = parseDocument(text, PARSE_OPTIONS);
  // Positions come from the text itself: after an error the parser's own line count can lag behind.
  let starts: number[] | undefined;
  const at = (offset: number): Position => positionAt((starts ??= lineStarts(text)), offset);

  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const refined = refineError(text, error.pos[0], error.message);
    if (refined) {
      const p = at(refined.offset);
      diagnostics.push({ code: refined.code, severity: "error", message: refined.message, file, line: p.line, column: p.column, hint: refined.hint });
      continue;
    }
    // No DUPLICATE_KEY here: uniqueKeys is off, duplicates are found by toValue.
    const code = error.code === "MULTIPLE_DOCS" ? "yaml-multiple-documents" : error.code === "RESOURCE_EXHAUSTION" ? "yaml-too-deep" : "yaml-syntax";
    // The parser quotes the text it stumbled on; in a file of random bytes that is garbage, so bound and escape it.
    const message = code === "yaml-multiple-documents" ? "a file holds exactly one YAML document; found more than one" : printable(lowerFirst(error.message), 160);
    const hint = code === "yaml-multiple-documents" ? "put each definition in a file of its own" : undefined;
    const p = at(error.pos[0]);
    diagnostics.push({ code, severity: "error", message, file, line: p.line, column: p.column, ...(hint ? { hint } : {}) });
  }
  for (const warning of doc.warnings) {
    const p = at(warning.pos[0]);
    diagnostics.push({ code: "yaml-syntax", severity: "error", message: printable(lowerFirst(warning.message), 160), file, line: p.line, column: p.column });
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics: oneSyntaxError(diagnostics) };

  const path: PathSegment[] = [];
  const value = toValue(doc.contents as Node | null, limits.maxDepth, 1, path, (code, message, offset, hint) => {
    const p = at(offset);
    diagnostics.push({ code, severity: "error", message, file, line: p.line, column: p.column, ...(hint ? { hint } : {}), path: dottedPath(path) });
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics: oneAliasDiagnostic(diagnostics) };

  const { locate, source } = makeLocator(text);
  return { ok: true, doc: { file, value, locate, source } };
}

type Report = (code: Diagnostic["code"], message: string, offset: number, hint?: string) => void;

/**
 * Converts the document to plain data, refusing what we never accept. Cheaper than `toJS` plus a separate walk.
 * It counts depth too, so nothing deeper than the limit is built even if the pre-scan were ever fooled.
 */
function toValue(node: Node | null, maxDepth: number, depth: number, path: PathSegment[], report: Report): unknown {
  if (node === null || node === undefined) return null;
  if ((isSeq(node) || isMap(node)) && depth > maxDepth) {
    report("yaml-too-deep", `nesting is deeper than the limit of ${maxDepth} levels`, node.range?.[0] ?? 0);
    return null;
  }
  if (isScalar(node)) return node.value;
  if (isAlias(node)) {
    report(
      "yaml-alias",
      `aliases (*${printable(node.source)}) are not allowed`,
      node.range?.[0] ?? 0,
      "write the value out in full; aliases make small files expand without bound",
    );
    return null;
  }
  if (isSeq(node)) {
    return node.items.map((item, i) => {
      path.push(i);
      const v = toValue(item as Node, maxDepth, depth + 1, path, report);
      path.pop();
      return v;
    });
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === "object") {
        report("yaml-complex-key", "mapping keys must be plain scalars", keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
        continue;
      }
      const key = String(keyNode.value);
      path.push(key);
      if (FORBIDDEN_KEYS.has(key)) {
        report("yaml-forbidden-key", `the key '${printable(key)}' is not allowed`, keyNode.range?.[0] ?? 0, "rename the key");
        path.pop();
        continue;
      }
      if (Object.hasOwn(out, key)) {
        // The only duplicate-key check (the parser's is off: quadratic). It compares keys as the properties they
        // become, so 1 and "1", or true and "true", different keys to YAML, are duplicates here as they are to
        // everything after this.
        const written = keyNode.source !== undefined && keyNode.source !== key ? `'${keyNode.source}' (read as '${key}')` : `'${key}'`;
        report(
          "yaml-duplicate-key",
          `the key ${printable(written, 120)} appears twice in this mapping`,
          keyNode.range?.[0] ?? 0,
          "remove one of the two entries; YAML would otherwise keep only one silently",
        );
        path.pop();
        continue;
      }
      out[key] = toValue(pair.value as Node | null, maxDepth, depth + 1, path, report);
      path.pop();
    }
    return out;
  }
  return null;
}

/**
 * Positions are needed only when something is wrong, so the located document is rebuilt on first use rather than
 * kept for every file: a catalog of thousands of valid files then holds only their text and values.
 *
 * Each mapping's keys are indexed on the first lookup in it, so that locating k keys of a mapping of n keys costs
 * n + k, not k × n: a request with thousands of unknown fields gets one diagnostic, and one lookup, per field.
 */
function makeLocator(text: string): Pick<LoadedYaml, "locate" | "source"> {
  let parsed: { doc: Document; starts: number[]; keys: WeakMap<YAMLMap, Map<string, Pair>> } | undefined;
  const ensure = () => {
    parsed ??= { doc: parseDocument(text, PARSE_OPTIONS), starts: lineStarts(text), keys: new WeakMap() };
    return parsed;
  };
  /** The pair of `map` whose key reads as `key`; the first one, as a search in order would find. */
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    const { keys } = ensure();
    let index = keys.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const k = String(pair.key.value);
        if (!index.has(k)) index.set(k, pair);
      }
      keys.set(map, index);
    }
    return index.get(key);
  };
  /** The node at `path`, or its deepest existing ancestor, and the offset of the key that led to it. */
  const find = (path: readonly PathSegment[]) => {
    let node: unknown = ensure().doc.contents;
    let keyOffset: number | undefined;
    let complete = true;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = pairOf(node, String(segment));
        if (!pair) {
          complete = false;
          break;
        }
        keyOffset = (pair.key as Node).range?.[0];
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined) {
          complete = false;
          break;
        }
        keyOffset = undefined;
        node = item;
      } else {
        complete = false;
        break;
      }
    }
    return { node: node as Node | null, keyOffset, complete };
  };
  return {
    locate: (path, options = {}) => {
      const { node, keyOffset } = find(path);
      const offset = options.key && keyOffset !== undefined ? keyOffset : (node?.range?.[0] ?? keyOffset ?? 0);
      return positionAt(ensure().starts, offset);
    },
    source: (path) => {
      const { node, complete } = find(path);
      const range = node?.range;
      return complete && range ? text.slice(range[0], range[1]) : undefined;
    },
  };
}

/**
 * Some of the parser's errors point where it gave up rather than where the mistake is, or speak of its internals.
 * These say what a person would look for: the bracket that is never closed, the key that is a collection.
 */
function refineError(text: string, offset: number, message: string): { code: Diagnostic["code"]; message: string; offset: number; hint: string } | null {
  const unclosed = /^Flow (sequence|mapping) in block collection must be sufficiently indented and end with a ([\]}])/.exec(message);
  if (unclosed) {
    const open = unclosed[2] === "]" ? "[" : "{";
    let depth = 0;
    for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
      const c = text[i];
      if (c === unclosed[2]) depth++;
      else if (c === open && depth-- === 0) {
        return { code: "yaml-syntax", message: `this ${unclosed[1]} is never closed with '${unclosed[2]}'`, offset: i, hint: `add the closing '${unclosed[2]}' on the same line` };
      }
    }
    return null;
  }
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const lineEnd = text.indexOf("\n", offset);
  const line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  if (message.startsWith("Map comment with trailing content") && /^\s*[[{].*[\]}]\s*:/.test(line)) {
    return {
      code: "yaml-complex-key",
      message: "mapping keys must be plain scalars; this key is a flow collection",
      offset: lineStart + line.search(/\S/),
      hint: "use a plain name as the key",
    };
  }
  return null;
}

/** Offsets at which each line starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset. */
function positionAt(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** Two sizes as a person reads them (3.2 MiB, 1 MiB); in bytes when rounding would make them look the same. */
export function byteSizes(size: number, limit: number): [string, string] {
  const human = (n: number): string => {
    if (n < 1024) return `${n} bytes`;
    const [value, unit] = n < 1024 * 1024 ? [n / 1024, "KiB"] : [n / (1024 * 1024), "MiB"];
    return `${value.toFixed(1).replace(/\.0$/, "")} ${unit}`;
  };
  const a = human(size);
  const b = human(limit);
  return a === b ? [`${size} bytes`, `${limit} bytes (${b})`] : [a, b];
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

const TAB_INDENT = "tabs are not allowed as indentation";

/**
 * One mistake, one diagnostic. After a syntax error the parser loses its place and reports the lines that follow
 * as mistakes too (one tab gave up to fifteen errors), so only the first syntax error is kept; tabs, the most common
 * cause, are one diagnostic that lists every line they indent. Other codes (several documents) stay as they are.
 */
function oneSyntaxError(diagnostics: Diagnostic[]): Diagnostic[] {
  const syntax = diagnostics.filter((d) => d.code === "yaml-syntax");
  const others = diagnostics.filter((d) => d.code !== "yaml-syntax");
  const tabs = syntax.filter((d) => d.message.startsWith(TAB_INDENT));
  const first = tabs[0] ?? syntax[0];
  if (!first) return others;
  const lines = [...new Set(tabs.map((d) => d.line))];
  const kept: Diagnostic =
    tabs.length > 0
      ? {
          ...first,
          message: lines.length > 1 ? `${TAB_INDENT} (lines ${listLines(lines)})` : TAB_INDENT,
          hint: "indent with spaces; YAML does not accept tabs for indentation (most editors can convert them)",
        }
      : { ...first, hint: first.hint ?? syntaxHint(first.message) };
  return [kept, ...others];
}

function listLines(lines: readonly number[]): string {
  return lines.length > 10 ? `${lines.slice(0, 10).join(", ")} and ${lines.length - 10} more` : lines.join(", ");
}

/** What usually causes a parser message, in the words of someone editing the file. */
function syntaxHint(message: string): string {
  if (/indent|same column|compact mapping|implicit map key|block sequence/i.test(message)) {
    return "check this line's indentation against the lines above: the keys of one mapping start in the same column, and list items ('- ') line up";
  }
  if (/single line|unexpected|flow|quote/i.test(message)) {
    return "check the quoting on this line: quote a value that contains ': ' or ' #', or that starts with one of @ ` * & ! | > % { [";
  }
  return "check the indentation and quoting on this line and the one above it";
}

/** Aliases are refused whatever they point at; an alias bomb uses hundreds, and one diagnostic says it. */
function oneAliasDiagnostic(diagnostics: Diagnostic[]): Diagnostic[] {
  const aliases = diagnostics.filter((d) => d.code === "yaml-alias");
  if (aliases.length <= 1) return diagnostics;
  const names = [...new Set(aliases.map((d) => /\((\*[^)]*)\)/.exec(d.message)?.[1] ?? "*"))];
  const shown = names.length > 5 ? `${names.slice(0, 5).join(", ")}, ...` : names.join(", ");
  const first = { ...aliases[0]!, message: `aliases are not allowed; this file uses ${aliases.length} (${shown})` };
  return diagnostics.filter((d) => d.code !== "yaml-alias" || d === aliases[0]).map((d) => (d === aliases[0] ? first : d));
}
