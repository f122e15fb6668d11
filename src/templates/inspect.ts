/**
 * Static inspection of a Handlebars template: does it parse, which fields does it read, which helpers does it call,
 * and does it use anything we do not allow. The catalog check uses it so that a template mistake is reported when
 * the catalog is validated, not when a request is being fulfilled.
 */
import Handlebars from "handlebars";
import { KNOWN_HELPERS, SCOPING_HELPERS } from "./helpers.js";

type AST = hbs.AST.Node;

export interface TemplateReport {
  /** The parse error, when the template does not parse. */
  error?: { message: string; line: number };
  /** Root-level names the template reads (the first segment of each path). */
  fields: string[];
  unknownHelpers: string[];
  /** Features that are refused: partials, decorators. */
  notAllowed: string[];
}

/** Only strings that contain a mustache are templates; anything else is a literal and costs nothing to check. */
export function isTemplate(text: string): boolean {
  return text.includes("{{");
}

const cache = new Map<string, TemplateReport>();

/** The report is a pure function of the text, and catalogs repeat the same templates, so reports are memoised. */
export function inspectTemplate(source: string): TemplateReport {
  let report = cache.get(source);
  if (!report) {
    report = inspect(source);
    if (cache.size > 20_000) cache.clear();
    cache.set(source, report);
  }
  return report;
}

/** Deeper than any real template; beyond it the parser and the walk below would recurse without bound. */
export const MAX_TEMPLATE_DEPTH = 32;
export const MAX_TEMPLATE_LENGTH = 64 * 1024;

/** Block and sub-expression nesting, counted without parsing (linear, no recursion). */
function nesting(source: string): number {
  let blocks = 0;
  let parens = 0;
  let deepest = 0;
  let inMustache = false;
  for (let i = 0; i < source.length; i++) {
    if (source.startsWith("{{", i)) {
      inMustache = true;
      const sigil = source[i + 2] === "~" ? source[i + 3] : source[i + 2];
      if (sigil === "#" || sigil === "^") blocks++;
      else if (sigil === "/") blocks--;
      i++;
    } else if (source.startsWith("}}", i)) {
      inMustache = false;
      parens = 0;
      i++;
    } else if (inMustache && source[i] === "(") parens++;
    else if (inMustache && source[i] === ")") parens--;
    deepest = Math.max(deepest, blocks + parens);
  }
  return deepest;
}

function inspect(source: string): TemplateReport {
  const report: TemplateReport = { fields: [], unknownHelpers: [], notAllowed: [] };
  if (source.length > MAX_TEMPLATE_LENGTH || nesting(source) > MAX_TEMPLATE_DEPTH) {
    report.error = {
      message: source.length > MAX_TEMPLATE_LENGTH ? `template is longer than ${MAX_TEMPLATE_LENGTH} characters` : `blocks and sub-expressions nest deeper than ${MAX_TEMPLATE_DEPTH} levels`,
      line: 1,
    };
    return report;
  }
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parseWithoutProcessing(source);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const line = /line (\d+)/.exec(message);
    const got = /got '([^']+)'/.exec(message)?.[1];
    const near = /Parse error on line \d+:\n(.*)\n/.exec(message)?.[1]?.trim();
    // Handlebars lists every token it would have taken; the place and what it found say more.
    const plain = near
      ? `near '${near}'${got ? `: unexpected ${got === "EOF" ? "end of template" : got === "INVALID" ? "text (an unbalanced {{ or }}?)" : got.toLowerCase().replace(/_/g, " ")}` : ""}`
      : message.split("\n")[0]!;
    report.error = { message: plain, line: line ? Number(line[1]) : 1 };
    return report;
  }
  const fields = new Set<string>();
  const helpers = new Set<string>();
  walk(program, 0);
  report.fields = [...fields];
  report.unknownHelpers = [...helpers].filter((h) => !KNOWN_HELPERS.has(h));
  return report;

  function walk(node: AST | null | undefined, scope: number): void {
    if (!node) return;
    switch (node.type) {
      case "Program":
        for (const s of (node as hbs.AST.Program).body) walk(s, scope);
        return;
      case "MustacheStatement":
      case "SubExpression": {
        const n = node as hbs.AST.MustacheStatement;
        call(n.path, n.params, n.hash, scope);
        return;
      }
      case "BlockStatement": {
        const n = node as hbs.AST.BlockStatement;
        const name = pathName(n.path);
        if (name !== undefined) helpers.add(name);
        for (const p of n.params) walk(p, scope);
        walkHash(n.hash, scope);
        const inner = name !== undefined && SCOPING_HELPERS.has(name) ? scope + 1 : scope;
        walk(n.program, inner);
        walk(n.inverse, scope);
        return;
      }
      case "PathExpression":
        read(node as hbs.AST.PathExpression, scope);
        return;
      case "PartialStatement":
      case "PartialBlockStatement":
        report.notAllowed.push("partials");
        return;
      case "DecoratorBlock":
      case "Decorator":
        report.notAllowed.push("decorators");
        return;
      default:
        return;
    }
  }

  function call(path: hbs.AST.Expression, params: hbs.AST.Expression[], hash: hbs.AST.Hash | undefined, scope: number) {
    const name = pathName(path);
    const isCall = params.length > 0 || (hash?.pairs.length ?? 0) > 0 || (name !== undefined && KNOWN_HELPERS.has(name));
    if (isCall && name !== undefined) helpers.add(name);
    else walk(path, scope);
    for (const p of params) walk(p, scope);
    walkHash(hash, scope);
  }

  function walkHash(hash: hbs.AST.Hash | undefined, scope: number) {
    for (const pair of hash?.pairs ?? []) walk(pair.value, scope);
  }

  function read(path: hbs.AST.PathExpression, scope: number) {
    if (path.data) {
      // @root.x reads a field from anywhere; @index and friends only make sense inside a loop.
      if (path.parts[0] === "root" && path.parts[1] !== undefined) fields.add(path.parts[1]);
      return;
    }
    if (scope > 0 && path.depth < scope) return;
    const first = path.parts[0];
    if (first !== undefined) fields.add(first);
  }
}

function pathName(path: hbs.AST.Expression): string | undefined {
  if (path.type !== "PathExpression") return undefined;
  const p = path as hbs.AST.PathExpression;
  return p.data || p.parts.length !== 1 ? undefined : p.parts[0];
}
