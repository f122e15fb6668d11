/**
 * How the modules of src/ depend on each other: no module reaches itself through its imports (a circle makes
 * load order matter and the parts impossible to read alone), and the GitHub adapter serves the app and the API
 * without knowing either.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf } from "./imports.js";

const ROOT = resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Each module of src/ and the modules of src/ it imports (type imports too). */
const graph = new Map(
  sources("src").map((file) => {
    const local = importsOf(readFileSync(join(ROOT, file), "utf8"))
      .filter((spec) => spec.startsWith("."))
      .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, ".ts"));
    return [file, local] as const;
  }),
);

/** The circles of the graph, each as the chain of modules that closes it. */
function circles(): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, chain: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      found.push([...chain.slice(chain.indexOf(file)), file].join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) visit(next, [...chain, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

describe("module dependencies", () => {
  it("has no import circle in src/", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(circles()).toEqual([]);
  });

  it("keeps the GitHub adapter free of the app and the API", () => {
    const upward = [...graph].flatMap(([file, deps]) => (file.startsWith("src/github/") ? deps.filter((d) => d.startsWith("src/app/") || d.startsWith("src/api/")).map((d) => `${file} -> ${d}`) : []));
    expect(upward).toEqual([]);
  });
});
