/** action/action.yml is the contract workflows use; its inputs, outputs and runtime are what users write against. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./harness.js";

const ACTION_DIR = join(REPO_ROOT, "action");
const action = parse(readFileSync(join(ACTION_DIR, "action.yml"), "utf8")) as {
  name?: unknown;
  description?: unknown;
  runs?: { using?: unknown; main?: unknown };
  inputs?: Record<string, { default?: unknown; required?: unknown; description?: unknown }>;
  outputs?: Record<string, { description?: unknown }>;
};

describe("action/action.yml", () => {
  it("has a name and a description", () => {
    expect(typeof action.name === "string" && action.name.length > 0).toBe(true);
    expect(typeof action.description === "string" && action.description.length > 0).toBe(true);
  });

  it("runs the committed bundle on node24, as an ES module", () => {
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.js" });
    expect(existsSync(join(ACTION_DIR, "dist", "index.js"))).toBe(true);
    expect(JSON.parse(readFileSync(join(ACTION_DIR, "package.json"), "utf8"))).toEqual({ type: "module" });
  });

  it("takes the three folders as optional inputs with this repository's layout as defaults", () => {
    expect(Object.keys(action.inputs ?? {}).sort()).toEqual(["catalog-path", "requests-path", "workflows-path"]);
    expect(action.inputs?.["catalog-path"]?.default).toBe("catalog");
    expect(action.inputs?.["requests-path"]?.default).toBe("requests");
    expect(action.inputs?.["workflows-path"]?.default).toBe(".github/workflows");
    for (const input of Object.values(action.inputs ?? {})) {
      expect(input.required).toBe(false);
      expect(typeof input.description).toBe("string");
    }
  });

  it("declares the outputs valid and error-count", () => {
    expect(Object.keys(action.outputs ?? {}).sort()).toEqual(["error-count", "valid"]);
    for (const output of Object.values(action.outputs ?? {})) expect(typeof output.description).toBe("string");
  });
});
