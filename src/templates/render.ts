/**
 * Renders catalog templates with a request's parameters. Pure: the same template and data give the same result.
 *
 * - Every string of a template object is rendered (recursively through objects and lists); keys are not.
 * - Rendering uses an isolated Handlebars environment that knows exactly the helpers of helpers.ts: the built-ins
 *   `if`, `unless`, `each`, `with`, `lookup` and pao's `json`, `default`, `lower`, `upper`, `join`, `eq`. `log`,
 *   partials and decorators are gone; a template that calls anything else is refused before it runs.
 * - Output is not HTML-escaped (`noEscape`): payloads are JSON, not HTML.
 * - Values are data. A parameter whose value is `{{ x }}`, `${{ secrets.X }}` or `$(rm -rf /)` comes out verbatim:
 *   the output of a template is never rendered again, and no shell is involved.
 * - Handlebars' prototype protections stay on, and the data is copied into objects without a prototype, so
 *   `{{constructor}}`, `{{__proto__}}` and `{{lookup this "constructor"}}` read nothing.
 * - **Types of single mustaches.** A string that is exactly one mustache of a field, such as `"{{ replicas }}"` or
 *   `"{{ tags }}"`, renders to the field's value with its type: a number stays a number, a list stays a list, a
 *   boolean stays a boolean. When the field has no value it renders to `""`, as Handlebars would. Every other
 *   template string (text around the mustache, helpers, blocks, several mustaches) renders to a string.
 */
import Handlebars from "handlebars";
import { BUILTIN_HELPERS, PAO_HELPERS } from "./helpers.js";
import { inspectTemplate, isTemplate } from "./inspect.js";

/** The executor contract: `pao_payload` is at most this many characters of JSON. */

export type TemplateErrorCode = "template-invalid" | "template-unknown-helper" | "template-not-allowed";

/** A template that cannot be rendered: it does not parse, calls an unknown helper, or uses partials or decorators. */
export class TemplateError extends Error {
  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    readonly template: string,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

/** Handlebars passes its options object last; the helpers' own arguments are the ones before it. */
const args = (all: unknown[]): unknown[] => all.slice(0, -1);
const isEmpty = (v: unknown) => v === undefined || v === null || v === "";
/** How a value reads inside text: lists joined with commas (as Handlebars writes them), mappings as JSON. */
const text = (v: unknown): string =>
  v === undefined || v === null ? "" : Array.isArray(v) ? v.map(text).join(",") : typeof v === "object" ? JSON.stringify(v) : String(v);

const PAO_HELPER_IMPLEMENTATIONS: Record<keyof typeof PAO_HELPERS, (...all: unknown[]) => unknown> = {
  json: (...all) => JSON.stringify(args(all)[0] ?? null),
  default: (...all) => args(all).find((v) => !isEmpty(v)) ?? "",
  lower: (...all) => text(args(all)[0]).toLowerCase(),
  upper: (...all) => text(args(all)[0]).toUpperCase(),
  join: (...all) => {
    const [list, separator] = args(all);
    const sep = typeof separator === "string" ? separator : ", ";
    return Array.isArray(list) ? list.map(text).join(sep) : text(list);
  },
  eq: (...all) => {
    const [a, b] = args(all);
    return a === b;
  },
};

function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  for (const name of Object.keys(env.helpers)) {
    // Keep the built-ins pao allows, and Handlebars' own plumbing for missing helpers (it only throws or passes through).
    if (!(name in BUILTIN_HELPERS) && name !== "helperMissing" && name !== "blockHelperMissing") env.unregisterHelper(name);
  }
  for (const name of Object.keys(env.decorators)) env.unregisterDecorator(name);
  for (const name of Object.keys(env.partials)) env.unregisterPartial(name);
  for (const [name, fn] of Object.entries(PAO_HELPER_IMPLEMENTATIONS)) env.registerHelper(name, fn as Handlebars.HelperDelegate);
  env.registerHelper(TEXT_HELPER, (...all: unknown[]) => text(args(all)[0]));
  return env;
}

/**
 * Internal: every `{{ ... }}` is compiled as `{{ __pao_text (...) }}`. With `noEscape`, Handlebars joins the values
 * of adjacent mustaches with `+`, so `{{ a }}{{ b }}` with two numbers would add them; turning each value into text
 * first makes it concatenation, as it is with escaping on. Authors cannot call it: inspection refuses the name.
 */
const TEXT_HELPER = "__pao_text";

function asText(program: hbs.AST.Program): hbs.AST.Program {
  const helperPath = (loc: hbs.AST.SourceLocation): hbs.AST.PathExpression =>
    ({ type: "PathExpression", data: false, depth: 0, parts: [TEXT_HELPER], original: TEXT_HELPER, loc }) as hbs.AST.PathExpression;
  const visit = (node: hbs.AST.Program | undefined): void => {
    for (const statement of node?.body ?? []) {
      if (statement.type === "MustacheStatement") {
        const m = statement as hbs.AST.MustacheStatement;
        const isCall = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
        const inner: hbs.AST.Expression = isCall
          ? ({ type: "SubExpression", path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression)
          : m.path;
        m.path = helperPath(m.loc);
        m.params = [inner];
        (m as { hash?: hbs.AST.Hash }).hash = undefined;
      } else if (statement.type === "BlockStatement") {
        const b = statement as hbs.AST.BlockStatement;
        visit(b.program);
        visit(b.inverse);
      }
    }
  };
  visit(program);
  return program;
}

const env = createEnvironment();

const KNOWN_HELPERS: KnownHelpers = {
  ...Object.fromEntries([...Object.keys(BUILTIN_HELPERS), ...Object.keys(PAO_HELPERS)].map((n) => [n, true])),
  log: false,
  helperMissing: false,
  blockHelperMissing: false,
  [TEXT_HELPER]: true,
};
type KnownHelpers = Record<string, boolean>;

const COMPILE_OPTIONS: CompileOptions = {
  noEscape: true,
  strict: false,
  knownHelpersOnly: true,
  knownHelpers: KNOWN_HELPERS,
};

/** A template compiled once: its render function, and the field path when it is a lone mustache. */
interface Compiled {
  render: (data: unknown) => string;
  field: string[] | undefined;
}
const compiled = new Map<string, Compiled>();

function compile(source: string): Compiled {
  let fn = compiled.get(source);
  if (fn) return fn;
  const report = inspectTemplate(source);
  if (report.error) throw new TemplateError("template-invalid", `template does not parse: ${report.error.message}`, source);
  if (report.notAllowed.length > 0) throw new TemplateError("template-not-allowed", `templates may not use ${[...new Set(report.notAllowed)].join(" or ")}`, source);
  if (report.unknownHelpers.length > 0) {
    throw new TemplateError("template-unknown-helper", `unknown helper ${report.unknownHelpers.map((h) => `'${h}'`).join(", ")}`, source);
  }
  let template: HandlebarsTemplateDelegate;
  try {
    template = env.compile(asText(env.parse(source)), COMPILE_OPTIONS);
    template({}); // compilation is lazy; force it now so a compile error is a TemplateError, not a render-time surprise
  } catch (e) {
    throw new TemplateError("template-invalid", (e as Error).message.split("\n")[0]!, source);
  }
  fn = { render: (data) => template(data), field: singleField(source) };
  if (compiled.size > 5_000) compiled.clear();
  compiled.set(source, fn);
  return fn;
}

/** The field path of a string that is exactly one plain mustache (`{{ a }}`, `{{ a.b }}`, `{{{ a }}}`), else undefined. */
function singleField(source: string): string[] | undefined {
  if (!/^\s*\{\{\{?[^{}]*\}?\}\}\s*$/.test(source) || source.trim() !== source) return undefined;
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parseWithoutProcessing(source);
  } catch {
    return undefined;
  }
  if (program.body.length !== 1 || program.body[0]!.type !== "MustacheStatement") return undefined;
  const m = program.body[0] as hbs.AST.MustacheStatement;
  if (m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || m.path.type !== "PathExpression") return undefined;
  const path = m.path as hbs.AST.PathExpression;
  if (path.data || path.depth > 0 || path.parts.length === 0) return undefined;
  if (path.parts.length === 1 && (path.parts[0]! in BUILTIN_HELPERS || path.parts[0]! in PAO_HELPERS)) return undefined;
  return path.parts;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function lookupOwn(data: unknown, parts: readonly string[]): unknown {
  let value: unknown = data;
  for (const part of parts) {
    if (FORBIDDEN_KEYS.has(part) || typeof value !== "object" || value === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A deep copy whose objects have no prototype, so nothing reachable from the data leads to Object.prototype. */
function inert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inert);
  if (typeof value === "object" && value !== null) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = inert(v);
    return out;
  }
  return value;
}

/**
 * Renders every string of `template` with `data` (see the module comment for the rules). Throws TemplateError for a
 * template that cannot be rendered.
 */
export function renderTemplate(template: unknown, data: Record<string, unknown>): unknown {
  const context = inert(data);
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return renderString(node, context);
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === "object" && node !== null) {
      // fromEntries defines own properties, so a key named __proto__ stays a key and never becomes a prototype.
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return walk(template);
}

function renderString(source: string, context: unknown): unknown {
  if (!isTemplate(source)) return source;
  const { render, field } = compile(source); // validates the template even when the typed path below answers
  if (field) {
    const value = lookupOwn(context, field);
    if (value !== undefined && value !== null) return structuredClone(value);
  }
  return render(context);
}
