/**
 * What the README promises on a fresh clone: `npm ci` installs quietly (no engine or install-script warnings) and
 * `npx pao validate` works right after it, with no other step. The clone is the repository's files as git has
 * them (tracked and not ignored: no node_modules, no dist) in a fresh folder.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const clone = mkdtempSync(join(tmpdir(), "pao-clone-"));
afterAll(() => rmSync(clone, { recursive: true, force: true }), 120_000);

/** The environment of a person's shell: none of the npm_* variables `npm test` sets for its scripts. */
const shell = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD" && k !== "NODE_OPTIONS" && !k.startsWith("VITEST")));

describe("a fresh clone", () => {
  it("installs with npm ci without warnings, and npx pao validate works right after", { timeout: 600_000 }, () => {
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of files) {
      if (!existsSync(join(REPO_ROOT, file))) continue;
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(REPO_ROOT, file), join(clone, file));
    }
    expect(existsSync(join(clone, "dist"))).toBe(false);

    // --prefer-offline only spares the network what npm has cached already; it changes nothing npm prints. An install
    // and a build beside the rest of the suite take minutes on a loaded machine (229 s seen), hence the long bounds.
    const install = spawnSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: clone, env: shell, encoding: "utf8", timeout: 540_000 });
    const printed = `${install.stdout}\n${install.stderr}`;
    expect(install.status, printed).toBe(0);
    expect(printed.split("\n").filter((line) => /^npm (warn|WARN)/.test(line))).toEqual([]);

    const run = spawnSync("npx", ["--no-install", "pao", "validate"], { cwd: clone, env: shell, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^0 errors, 0 warnings in 17 files$/m);
    expect(run.status).toBe(0);
  });
});
