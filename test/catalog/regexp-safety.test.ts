import { describe, expect, it } from "vitest";
import { checkRegexp } from "../../src/catalog/regexp-safety.js";

describe("regexp safety", () => {
  it("accepts the patterns a catalog needs", () => {
    for (const p of [
      "^[a-z][a-z0-9-]*$",
      "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
      "^CHG-[0-9]+$",
      "^(dev|staging|prod)$",
      "^(\\d{1,3}\\.){3}\\d{1,3}$",
      "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$",
      "^(?:[a-z0-9]+(?:-[a-z0-9]+)*)$",
    ]) {
      expect(checkRegexp(p), p).toEqual({ ok: true });
    }
  });

  it("refuses patterns that backtrack catastrophically", () => {
    for (const p of ["^(a+)+$", "^(\\w+\\s?)*$", "^([a-z]+)*\\d$", "(x+x+)+y", "^(a|aa)+$", "^(a|a)*$", "^(.*a){12}$"]) {
      const verdict = checkRegexp(p);
      expect(verdict.ok, p).toBe(false);
      expect(verdict.ok ? "" : verdict.code, p).toBe("regexp-unsafe");
    }
  });

  it("refuses backreferences and lookaround, which ajv's engine cannot bound", () => {
    for (const p of ["^(a)\\1$", "^(?=a)a$", "^(?!x)[a-z]+$", "(?<=a)b", "(?<!a)b", "^(?<n>a)\\k<n>$"]) {
      expect(checkRegexp(p).ok, p).toBe(false);
    }
  });

  it("reports patterns that do not compile as Unicode ECMAScript patterns", () => {
    for (const p of ["[", "(a", "a{2,1}", "\\p{Foo}", "\\-x"]) {
      const verdict = checkRegexp(p);
      expect(verdict.ok ? "" : verdict.code, p).toBe("regexp-invalid");
    }
  });

  it("warns about unanchored patterns that can take quadratic time", () => {
    const verdict = checkRegexp("[a-z]+\\d$");
    expect(verdict).toMatchObject({ ok: true, slow: expect.stringContaining("start it with ^") });
  });

  it("bounds the analysis itself: long and deeply nested patterns get an answer", () => {
    expect(checkRegexp("a".repeat(1001)).ok).toBe(false);
    const nested = "^" + "(?:".repeat(200) + "a" + ")?".repeat(200) + "$";
    expect(typeof checkRegexp(nested).ok).toBe("boolean");
    const quantified = "^" + "(?:a{1,50}){1,50}".repeat(10) + "$";
    expect(typeof checkRegexp(quantified).ok).toBe("boolean");
  });
});

describe("patterns at run time", () => {
  it("match in linear time even where static analysis cannot see the danger, as ajv runs them", async () => {
    const { patternMatcher } = await import("../../src/catalog/pattern-engine.js");
    const { compileSchema } = await import("../../src/catalog/ajv.js");
    // (a?){n}a{n} backtracks 2^n times in a backtracking engine; scslre does not flag bounded quantifiers.
    const sneaky = `^${"(?:a?)".repeat(40)}${"a".repeat(40)}$`;
    expect(patternMatcher(sneaky)("a".repeat(40))).toBe(true);
    expect(patternMatcher(sneaky)("a".repeat(39) + "b")).toBe(false);
    const validate = compileSchema({ type: "string", pattern: "^(a+)+$" });
    expect(validate("a".repeat(100_000) + "!")).toBe(false);
    expect(validate("a".repeat(100_000))).toBe(true);
  });

  it("keep JSON Schema's meaning: unanchored patterns match anywhere", async () => {
    const { patternMatcher } = await import("../../src/catalog/pattern-engine.js");
    expect(patternMatcher("[0-9]+")("abc123")).toBe(true);
    expect(patternMatcher("^[0-9]+$")("abc123")).toBe(false);
  });

  it("refuses, as invalid, syntax the linear-time engine does not support", () => {
    const verdict = checkRegexp("^(?<year>\\d{4})-\\k<year>$");
    expect(verdict.ok).toBe(false);
  });
});
