/**
 * The Action's folder inputs (catalog-path, requests-path, workflows-path) and `pao validate`'s folder options read
 * inside the repository only: a relative path with '..', an absolute path and a symbolic link that lead outside it
 * are all refused with the same message, and an absolute path inside it is taken as the relative one.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pao } from "../helpers/cli.js";
import { edit, exampleRepository, removeRepository, REPO_ROOT, runAction } from "./harness.js";

const INPUTS = { "catalog-path": "catalog", "requests-path": "requests", "workflows-path": ".github/workflows" } as const;
type Input = keyof typeof INPUTS;
const FOLDER: Record<Input, string> = { "catalog-path": "catalog", "requests-path": "requests", "workflows-path": ".github/workflows" };
const CLI_OPTION: Record<Input, string> = { "catalog-path": "--catalog", "requests-path": "--requests", "workflows-path": "--workflows" };

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean();
});

/** A workspace, and beside it (outside it) a folder holding a broken copy of the example catalog, requests and workflows. */
function setUp(): { workspace: string; outside: string } {
  const parent = mkdtempSync(join(tmpdir(), "pao-paths-"));
  cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
  const workspace = exampleRepository();
  cleanups.push(() => removeRepository(workspace));
  const outside = join(parent, "outside");
  for (const folder of ["catalog", "requests", ".github"]) cpSync(join(REPO_ROOT, folder), join(outside, folder), { recursive: true });
  edit(outside, "catalog/messaging/kafka-topic.yaml", "version: 1.0.0", "version: 1.1");
  edit(outside, "requests/data-team/orders-db.yaml", "allocated_storage: 100", "allocated_storage: lots");
  return { workspace, outside };
}

/** Every way of naming the outside folder from the workspace. */
function escapes(workspace: string, outside: string, input: Input): Record<string, string> {
  const target = join(outside, FOLDER[input]);
  mkdirSync(join(workspace, "links"), { recursive: true });
  symlinkSync(target, join(workspace, "links", "to-outside"));
  symlinkSync(outside, join(workspace, "links", "parent"));
  return {
    "a relative path with ..": relative(workspace, target),
    "an absolute path": target,
    "a symbolic link out": "links/to-outside",
    "a path through a linked folder": `links/parent/${FOLDER[input]}`,
  };
}

describe("the Action's folder inputs stay inside the repository", () => {
  for (const input of Object.keys(INPUTS) as Input[]) {
    it(`${input}: refuses every way out the same way, and reads nothing outside`, () => {
      const { workspace, outside } = setUp();
      for (const [how, value] of Object.entries(escapes(workspace, outside, input))) {
        const run = runAction(workspace, { inputs: { ...INPUTS, [input]: value } });
        expect(run.status, how).toBe(1);
        const errors = run.commands.filter((c) => c.command === "error");
        expect(errors, how).toHaveLength(1);
        expect(errors[0]!.message, how).toMatch(new RegExp(`^${input} '${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}' (is outside|leads, through a symbolic link, outside) the repository \\(${workspace}\\)\\nhint: name a folder inside the repository, relative to its root`));
        expect(run.outputs.get("valid"), how).toBeUndefined();
      }
    });
  }

  it("takes an absolute path inside the workspace as the relative one", () => {
    const { workspace } = setUp();
    const run = runAction(workspace, { inputs: { "catalog-path": join(workspace, "catalog"), "requests-path": join(workspace, "requests"), "workflows-path": join(workspace, ".github/workflows") } });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.summary).toContain("The catalog is valid: 17 files checked");
  });
});

describe("pao validate's folder options stay inside the repository", () => {
  for (const input of Object.keys(INPUTS) as Input[]) {
    it(`${CLI_OPTION[input]}: refuses every way out the same way, with exit 2`, () => {
      const { workspace, outside } = setUp();
      for (const [how, value] of Object.entries(escapes(workspace, outside, input))) {
        const { code, stdout, stderr } = pao(["validate", workspace, CLI_OPTION[input], value]);
        expect(code, how).toBe(2);
        expect(stdout, how).toBe("");
        expect(stderr, how).toMatch(new RegExp(`^pao validate: ${CLI_OPTION[input]} '.*' (is outside|leads, through a symbolic link, outside) the repository \\(${workspace}\\)\\n    hint: `));
      }
    });
  }

  it("takes an absolute path inside the repository as the relative one", () => {
    const { workspace } = setUp();
    const { code, stdout } = pao(["validate", workspace, "--catalog", join(workspace, "catalog")]);
    expect(stdout).toMatch(/^0 errors, 0 warnings in 17 files$/m);
    expect(code).toBe(0);
  });
});
