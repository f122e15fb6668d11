/**
 * Runners execute the committed action/dist/index.js, not the sources: a change to action/src or to anything it
 * imports (src/, dependencies) must come with a rebuilt bundle.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleAction, OUTFILE, REPO_ROOT } from "../../scripts/build-action.js";

const STALE = "action/dist/index.js is stale: run npm run build:action";

describe("action/dist/index.js", () => {
  it("is what npm run build:action builds from the current sources", async () => {
    const path = join(REPO_ROOT, OUTFILE);
    expect(existsSync(path), `action/dist/index.js is missing: run npm run build:action`).toBe(true);
    const committed = readFileSync(path, "utf8");
    const built = await bundleAction();
    expect(committed === built, STALE).toBe(true);
  });

  it("builds the same bytes every time, with nothing that depends on the machine it was built on", async () => {
    const [first, second] = await Promise.all([bundleAction(), bundleAction()]);
    expect(first === second, "two builds of the action differ").toBe(true);
    expect(first).not.toContain(REPO_ROOT);
    expect(first).not.toMatch(/sourceMappingURL/);
  });

  it("is one ESM file that gives bundled CommonJS code a require for node builtins", async () => {
    const built = await bundleAction();
    expect(built.split("\n").slice(1, 3)).toEqual([
      'import { createRequire as __paoCreateRequire } from "node:module";',
      "const require = __paoCreateRequire(import.meta.url);",
    ]);
    // Everything but node builtins is inside: a runner installs nothing.
    const imports = [...built.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    expect(imports.filter((specifier) => !specifier.startsWith("node:") && !/^[a-z_]+$/.test(specifier))).toEqual([]);
  });
});
