/**
 * console.log and friends treat their first argument as a format string: a user's text there (a URL holding
 * `%f`, a file name holding `%s`) is rewritten in the log. So the first argument is always a plain literal, and
 * anything that varies is passed after it ('%s'). Probot's logger (pino) formats its message the same way.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

/** The first argument of each console.* and *.log.* call, as written. */
function firstArguments(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(?:console|log)\.(?:log|error|warn|info|debug|trace|fatal)\(\s*/g)) {
    found.push(text.slice(m.index + m[0].length, m.index + m[0].length + 120).split("\n")[0]!);
  }
  return found;
}

/** A literal that cannot carry a user's text: quoted, with no interpolation. For pino, an object comes first. */
const SAFE = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\{)/;

describe("log calls", () => {
  it("never take a user's text as their format string", () => {
    const offenders = ["src", "bin"].flatMap(sources).flatMap((file) =>
      firstArguments(readFileSync(join(ROOT, file), "utf8"))
        .filter((arg) => !SAFE.test(arg))
        .map((arg) => `${relative(ROOT, join(ROOT, file))}: ${arg}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the check sees a template literal as the first argument", () => {
    expect(firstArguments("console.error(`pao: ${url} failed`, e)").filter((a) => !SAFE.test(a))).toHaveLength(1);
    expect(firstArguments('console.error("pao: %s failed", url)').filter((a) => !SAFE.test(a))).toHaveLength(0);
  });
});
