/**
 * The core (catalog, requests, fulfillment, commands, and what they build on) decides; adapters do I/O. This test
 * follows every import from the core, transitively, and fails naming the chain that reaches an I/O module.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf } from "./imports.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CORE = ["src/catalog", "src/requests", "src/fulfillment", "src/commands"];
const FORBIDDEN = [
  /^(node:)?fs(\/promises)?$/,
  /^(node:)?child_process$/,
  /^(node:)?(http|https|net|dgram|worker_threads|cluster)$/,
  /^octokit$/,
  /^@octokit\//,
  /^express$/,
  /^probot$/,
];


function filesUnder(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    const path = join(abs, name);
    return statSync(path).isDirectory() ? filesUnder(relative(ROOT, path)) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every forbidden import reachable from `start`, with the chain of files that leads to it. */
function violations(start: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const queue: Array<{ file: string; chain: string[] }> = start.map((file) => ({ file, chain: [relative(ROOT, file)] }));
  while (queue.length > 0) {
    const { file, chain } = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
        if (existsSync(target)) queue.push({ file: target, chain: [...chain, relative(ROOT, target)] });
      } else if (FORBIDDEN.some((f) => f.test(spec))) {
        out.push(`${chain.join(" -> ")} imports ${spec}`);
      }
    }
  }
  return out;
}

describe("the core does no I/O", () => {
  it("finds the imports of a module, so the check below can fail", () => {
    const sample = `import { readFileSync } from "node:fs";\nimport type { X } from "./x.js";\nexport * from "probot";\nconst m = await import("express");`;
    expect(importsOf(sample)).toEqual(["node:fs", "./x.js", "probot", "express"]);
  });

  it("imports nothing that does I/O from catalog, requests, fulfillment or commands, directly or through other files", () => {
    const start = CORE.flatMap(filesUnder);
    expect(start.length).toBeGreaterThan(0);
    expect(violations(start)).toEqual([]);
  });
});
