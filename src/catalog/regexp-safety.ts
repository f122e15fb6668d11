/**
 * pao itself runs field patterns on RE2 (pattern-engine.ts), where no pattern can hang; this check keeps the
 * catalog portable to the backtracking engines that editors, portals and form renderers use with the served JSON
 * Schema. A pattern is accepted only when it compiles as a Unicode ECMAScript pattern and on RE2, uses no
 * backreferences or lookaround, and scslre finds no super-linear backtracking in it. Unanchored patterns that may still take
 * quadratic time on long input are reported as warnings. The verdict is a pure function of the pattern, so it is
 * memoised: catalogs reuse the same few patterns everywhere.
 */
import { RegExpParser, visitRegExpAST, type AST } from "@eslint-community/regexpp";
import { getFirstConsumedChar } from "regexp-ast-analysis";
import { analyse } from "scslre";
import { re2Rejects } from "./pattern-engine.js";

export type RegexpVerdict =
  | { ok: true; slow?: string }
  | { ok: false; code: "regexp-invalid" | "regexp-unsafe"; reason: string; hint: string };

const MAX_PATTERN = 1000;
const cache = new Map<string, RegexpVerdict>();

export function checkRegexp(pattern: string): RegexpVerdict {
  let verdict = cache.get(pattern);
  if (verdict === undefined) {
    verdict = judge(pattern);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, verdict);
  }
  return verdict;
}

function judge(pattern: string): RegexpVerdict {
  if (pattern.length > MAX_PATTERN) {
    return { ok: false, code: "regexp-unsafe", reason: `is longer than ${MAX_PATTERN} characters`, hint: "use a shorter pattern" };
  }
  try {
    new RegExp(pattern, "u");
  } catch (e) {
    return {
      ok: false,
      code: "regexp-invalid",
      reason: `does not compile: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`,
      hint: "patterns are ECMAScript regular expressions with the u flag, as JSON Schema uses them",
    };
  }
  const parser = new RegExpParser({ ecmaVersion: 2024 });
  // The pattern alone, not a /literal/: slashes and line breaks in it are then just characters.
  const parsed = { pattern: parser.parsePattern(pattern, 0, pattern.length, { unicode: true }), flags: parser.parseFlags("u") };
  const refused: string[] = [];
  let ambiguous = false;
  visitRegExpAST(parsed.pattern, {
    onBackreferenceEnter: () => void refused.push("backreferences"),
    onAssertionEnter: (node) => {
      if (node.kind === "lookahead" || node.kind === "lookbehind") refused.push(node.kind);
    },
    onQuantifierEnter: (node) => {
      if (node.max === Infinity && hasAmbiguousAlternation(node.element, parsed.flags)) ambiguous = true;
    },
  });
  if (refused.length > 0) {
    return {
      ok: false,
      code: "regexp-unsafe",
      reason: `uses ${[...new Set(refused)].join(" and ")}, which can make matching take exponential time`,
      hint: "rewrite the pattern without them; split the rule into min_length, max_length and a simpler pattern",
    };
  }
  const unsupported = re2Rejects(pattern);
  if (unsupported !== null) {
    return {
      ok: false,
      code: "regexp-invalid",
      reason: `uses syntax that pao's linear-time pattern engine (RE2) does not support: ${unsupported}`,
      hint: "use plain classes, groups, alternation and quantifiers",
    };
  }
  if (ambiguous) {
    return {
      ok: false,
      code: "regexp-unsafe",
      reason: "repeats a choice whose alternatives can match the same text, which backtracks exponentially",
      hint: "make the alternatives start with different characters, e.g. (a|b)* rather than (a|ab)*",
    };
  }
  const { reports } = analyse(parsed, { maxReports: 1, reportTypes: { Move: false } });
  const report = reports[0];
  if (report) {
    const fix = report.fix();
    return {
      ok: false,
      code: "regexp-unsafe",
      reason: `can backtrack catastrophically (${report.exponential ? "exponential" : "polynomial"} time) on input such as '${report.character.pick.repeat(3)}…'`,
      hint: fix ? `an equivalent safe pattern is ${fix.source}` : "remove nested or adjacent quantifiers over the same characters",
    };
  }
  const moves = analyse(parsed, { maxReports: 1, reportTypes: { Self: false, Trade: false, Move: true } }).reports;
  if (moves.length > 0 && !pattern.startsWith("^")) {
    return { ok: true, slow: "is not anchored, so matching can take quadratic time on long input; start it with ^" };
  }
  return { ok: true };
}

/**
 * scslre looks at quantifiers, not at choices: `(a|aa)*` repeats a choice whose branches overlap, and that alone
 * backtracks exponentially. A repeated group is refused when two of its alternatives can begin with the same
 * character or one can match nothing.
 */
function hasAmbiguousAlternation(element: AST.QuantifiableElement, flags: AST.Flags): boolean {
  if (element.type !== "Group" && element.type !== "CapturingGroup") return false;
  const alternatives = element.alternatives;
  if (alternatives.length < 2) return false;
  const firsts = alternatives.map((a) => getFirstConsumedChar(a, "ltr", flags));
  if (firsts.some((f) => f.empty)) return true;
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) {
      if (!firsts[i]!.char.isDisjointWith(firsts[j]!.char)) return true;
    }
  }
  return false;
}
