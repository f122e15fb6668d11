/**
 * Field patterns run against whatever a requester types, so they run on RE2 (re2js): matching takes time linear
 * in the input whatever the pattern, which no static check of a backtracking pattern can promise. The catalog's
 * own check (regexp-safety.ts) still refuses patterns that would be catastrophic elsewhere, and JSON Schema's
 * semantics are kept: a pattern matches anywhere unless anchored.
 */
import { RE2JS } from "re2js";

type Matcher = (text: string) => boolean;

const compiled = new Map<string, Matcher>();

/** A linear-time test for the pattern; throws when RE2 cannot compile it (check with `re2Rejects` first). */
export function patternMatcher(pattern: string): Matcher {
  let matcher = compiled.get(pattern);
  if (!matcher) {
    const re = RE2JS.compile(pattern);
    matcher = (text) => re.matcher(text).find();
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, matcher);
  }
  return matcher;
}

/** Why RE2 cannot compile the pattern, or null when it can. */
export function re2Rejects(pattern: string): string | null {
  try {
    patternMatcher(pattern);
    return null;
  } catch (e) {
    return (e as Error).message.replace(/^error parsing regexp: /, "");
  }
}

/** ajv's regular expression engine: `new RegExp` replaced by RE2 for every `pattern` keyword. */
export const patternEngine = Object.assign(
  // ajv keys compiled patterns by their toString(), so each must say which pattern it is.
  (pattern: string) => ({ test: patternMatcher(pattern), toString: () => `re2:${pattern}` }),
  { code: "re2js" },
);
