/** `--help` on every subcommand, every option documented there and in the README. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/main.js";
import { optionsOf } from "../../src/cli/usage.js";
import { pao } from "../helpers/cli.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

describe("pao <command> --help", () => {
  it("knows the three commands", () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(["validate", "new", "plan"]);
  });

  for (const command of COMMANDS) {
    for (const args of [[command.name, "--help"], [command.name, "-h"], ["help", command.name], [command.name, "x", "--format", "--help"]]) {
      it(`pao ${args.join(" ")} prints the command's usage to stdout and exits 0`, () => {
        const { code, stdout, stderr } = pao(args);
        expect(stderr).toBe("");
        expect(code).toBe(0);
        expect(stdout.split("\n")[0]).toBe(`usage: pao ${command.name} ${command.synopsis}`);
        expect(stdout).toContain("exit codes: 0");
      });
    }

    it(`pao ${command.name} --help documents every option it accepts, and so does the README`, () => {
      const { stdout } = pao([command.name, "--help"]);
      const names = Object.keys(optionsOf(command));
      expect(names.length).toBeGreaterThan(1);
      for (const name of names) {
        expect(stdout).toMatch(new RegExp(`^  --${name}\\b.*\\S`, "m"));
        if (name !== "help") expect(README, `the README's synopsis of pao ${command.name} shows --${name}`).toMatch(new RegExp(`^npx pao ${command.name}\\b.*--${name}\\b`, "m"));
      }
    });

    it(`pao ${command.name} refuses an option it does not document, with exit 2 and a pointer to --help`, () => {
      const { code, stderr } = pao([command.name, "--bogus"]);
      expect(code).toBe(2);
      expect(stderr).toContain(`pao ${command.name} --help`);
    });
  }

  it("pao help names every command and how to get its options", () => {
    const { code, stdout } = pao(["help"]);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command.name} +\\S`, "m"));
    expect(stdout).toContain("pao <command> --help");
  });

  it("pao help <unknown> is a usage mistake", () => {
    const { code, stderr } = pao(["help", "frobnicate"]);
    expect(code).toBe(2);
    expect(stderr).toContain("there is no command 'frobnicate'");
  });
});
