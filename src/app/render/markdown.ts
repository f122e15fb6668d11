/**
 * The Handlebars environment for pao's own texts (check runs, the sticky comment): an isolated instance, so the
 * catalog's templates and these never share helpers, compiled strict (a missing value is a bug and throws) and with
 * known helpers only. Values in these texts come from users (paths, parameter values, logins), so every helper
 * below renders its argument inert for GitHub Markdown:
 *
 * - `text`: prose. HTML-significant characters become entities, Markdown punctuation is backslash-escaped, line breaks
 *   become spaces and `@mentions` get a zero-width joiner after the `@`, so nobody is pinged.
 * - `code`: an inline code span in prose, fenced with more backticks than the value holds (inside a code span `<`,
 *   `>`, `&` and `@` are literal text on GitHub).
 * - `cell`: the same, inside a table cell; a value holding `|` is shown as JSON, so the row keeps its columns.
 * - `json`: a value as JSON in a table-cell code span, shortened when long; JSON keeps newlines as `\n`, and pipes are
 *   written `\u007c` so no escaping of the table is needed.
 * - `jsonBlock`: a value as indented JSON in a fenced code block that nothing in it can close, shortened when long.
 * - `plural`: `1 error`, `2 errors`.
 *
 * A plain `{{value}}` still gets Handlebars' HTML escaping, and `{{{triple}}}`, `{{& raw}}` and partials are refused
 * when a template is compiled: there is no way to put a value in unescaped.
 */
import Handlebars from "handlebars";

const ZWJ = "\u200D";
/** Longest value shown in a table cell, in characters of its JSON. */
export const MAX_CELL_CHARS = 100;

class MarkdownTemplateError extends Error {
  override name = "MarkdownTemplateError";
}

function present(helper: string, value: unknown): void {
  if (value === undefined) throw new MarkdownTemplateError(`{{${helper}}} was given an undefined value: the view is missing a field`);
}

const asText = (value: unknown): string => (typeof value === "string" ? value : String(value));

export function neutraliseMentions(s: string): string {
  return s.replace(/@(?=[A-Za-z0-9_])/g, `@${ZWJ}`);
}

/** Prose: inert in Markdown and HTML, on one line. */
export function escapeText(value: unknown): string {
  const s = asText(value)
    .replace(/\r\n?|\n/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`);
  return neutraliseMentions(s);
}

/**
 * An inline code span holding `value` literally, on one line. In a table cell a `|` would end the cell, and escaping
 * it as `\|` is ambiguous after a backslash, so a value holding one is shown as JSON instead (see jsonCell).
 */
export function codeSpan(value: unknown, inTable = false): string {
  const content = asText(value).replace(/\r\n?|\n/g, "⏎");
  if (inTable && content.includes("|")) return jsonCell(asText(value));
  if (content === "") return inTable ? "" : "(empty)";
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = content.startsWith("`") || content.endsWith("`") || (content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "");
  return pad ? `${fence} ${content} ${fence}` : `${fence}${content}${fence}`;
}

/** A value as JSON in a table cell: exact, one line, no pipes; shortened past MAX_CELL_CHARS. */
export function jsonCell(value: unknown): string {
  const json = (JSON.stringify(value) ?? "null").replace(/\|/g, "\\u007c");
  if (json.length <= MAX_CELL_CHARS) return codeSpan(json, true);
  return `${codeSpan(`${json.slice(0, MAX_CELL_CHARS - 1)}…`, true)} (${json.length} characters)`;
}

/** Longest JSON shown in a code block, in characters. */
export const MAX_BLOCK_CHARS = 2_000;

/**
 * A value as indented JSON in a fenced code block, fenced with more backticks than the JSON holds in a row, so
 * nothing in it can close the block; shortened past MAX_BLOCK_CHARS. Inside a code block GitHub renders nothing:
 * no HTML, no mentions.
 */
export function jsonBlock(value: unknown): string {
  const full = JSON.stringify(value, null, 2) ?? "null";
  const json = full.length <= MAX_BLOCK_CHARS ? full : `${full.slice(0, MAX_BLOCK_CHARS)}\n… (${full.length} characters)`;
  const longest = Math.max(0, ...[...json.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}json\n${json}\n${fence}`;
}

/**
 * A link whose text is `label`: only an http(s) URL with nothing that could end the link early is linked; anything
 * else is shown as code, so a hostile URL cannot inject Markdown.
 */
export function markdownLink(label: unknown, url: unknown): string {
  const href = asText(url);
  if (!/^https?:\/\/[^\s()<>\[\]"'`\\]+$/.test(href)) return codeSpan(href, true);
  return `[${escapeText(label)}](${href})`;
}

const hb = Handlebars.create();
const safe = (s: string) => new hb.SafeString(s);

const HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  text: (value) => (present("text", value), safe(escapeText(value))),
  code: (value) => (present("code", value), safe(codeSpan(value))),
  cell: (value) => (present("cell", value), safe(codeSpan(value, true))),
  json: (value) => (present("json", value), safe(jsonCell(value))),
  jsonBlock: (value) => (present("jsonBlock", value), safe(jsonBlock(value))),
  link: (label, url) => (present("link", url), safe(markdownLink(label, url))),
  plural: (n, singular, ...rest) => {
    present("plural", n);
    if (typeof n !== "number" || typeof singular !== "string") throw new MarkdownTemplateError("{{plural}} takes a number and a word");
    const plural = typeof rest[0] === "string" ? rest[0] : `${singular}s`;
    return `${n} ${n === 1 ? singular : plural}`;
  },
};
for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn);

// Strict mode checks `{{path}}` but not the argument of a block helper: make `if`, `unless`, `each` and `with` throw
// on a field the view does not have, as the rest does.
for (const name of ["if", "unless", "each", "with"]) {
  const builtin = hb.helpers[name] as (this: unknown, ...args: unknown[]) => unknown;
  hb.registerHelper(name, function (this: unknown, ...args: unknown[]) {
    if (args.length < 2 || args[0] === undefined) throw new MarkdownTemplateError(`{{#${name}}} was given an undefined value: the view is missing a field`);
    return builtin.apply(this, args);
  });
}
hb.unregisterHelper("log");
hb.unregisterHelper("lookup");

const COMPILE_OPTIONS = {
  strict: true,
  noEscape: false,
  knownHelpersOnly: true,
  knownHelpers: { ...Object.fromEntries(Object.keys(HELPERS).map((n) => [n, true])), log: false, lookup: false },
} as const;

type Node = { type: string; loc?: { start: { line: number } } } & Record<string, unknown>;

/** Refuses what could put a value in unescaped or pull in outside text. */
function guard(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(guard);
  if (typeof node !== "object" || node === null || typeof (node as Node).type !== "string") return;
  const n = node as Node;
  const where = n.loc ? ` (line ${n.loc.start.line})` : "";
  if ((n.type === "MustacheStatement" && n.escaped === false) || n.type === "PartialStatement" || n.type === "PartialBlockStatement" || n.type === "DecoratorBlock" || n.type === "Decorator") {
    throw new MarkdownTemplateError(`${n.type === "MustacheStatement" ? "an unescaped {{{value}}}" : "a partial or decorator"} is not allowed in a Markdown template${where}`);
  }
  for (const [key, value] of Object.entries(n)) if (key !== "loc") guard(value);
}

/** Compiles one of pao's Markdown templates; throws at once on a syntax error, an unknown helper or a raw value. */
export function compileMarkdown<T>(source: string): (view: T) => string {
  guard(hb.parse(source));
  // compile() is lazy; precompiling surfaces an unknown helper now rather than at the first render.
  hb.precompile(source, COMPILE_OPTIONS);
  const template = hb.compile<T>(source, COMPILE_OPTIONS);
  return (view: T) => template(view);
}

/** The most characters GitHub takes in a check run summary or a comment body. */
export const GITHUB_TEXT_LIMIT = 65_535;

/**
 * Text cut to what GitHub takes, at a line end, with a last line saying so: the templates already bound each list,
 * so this only bites on values no bound foresaw.
 */
export function fitGitHubText(text: string, limit = GITHUB_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  const note = "\n\n… (cut here: the text was longer than GitHub takes)\n";
  const room = text.slice(0, limit - note.length);
  const end = room.lastIndexOf("\n");
  return `${end > 0 ? room.slice(0, end) : room}${note}`;
}
