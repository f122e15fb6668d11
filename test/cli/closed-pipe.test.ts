/**
 * `pao ... | head -2`: when the reader closes the pipe early, every subcommand ends quietly (no stack trace) with
 * the exit code it would have had.
 */
import { afterEach, describe, expect, it } from "vitest";
import { paoIntoClosedPipe } from "../helpers/cli.js";
import { copyExampleRepo, type RepoCopy } from "../helpers/repo-copy.js";

let copy: RepoCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

describe("pao writing into a closed pipe", () => {
  const cases: Array<{ args: (dir: string) => string[]; code: number }> = [
    { args: () => ["help"], code: 0 },
    { args: () => ["validate", "--help"], code: 0 },
    { args: (dir) => ["validate", dir], code: 0 },
    { args: (dir) => ["validate", dir, "--format", "json"], code: 0 },
    { args: () => ["validate", "--codes"], code: 0 },
    { args: (dir) => ["new", "redis-cache", "--team", "web-team", "--dir", dir], code: 0 },
    { args: (dir) => ["new", "--help", dir], code: 0 },
    { args: (dir) => ["plan", `${dir}/requests/data-team/orders-db.yaml`, "--dir", dir], code: 0 },
    { args: (dir) => ["plan", `${dir}/requests/data-team/orders-db.yaml`, "--dir", dir, "--format", "json"], code: 0 },
  ];
  for (const { args, code } of cases) {
    it(`pao ${args("<repo>").join(" ")} ends with ${code} and no stack trace`, async () => {
      copy = copyExampleRepo();
      const run = await paoIntoClosedPipe(args(copy.dir));
      expect(run.stderr).not.toMatch(/EPIPE|Error|at .*\(/);
      expect(run.signal).toBeNull();
      expect(run.code).toBe(code);
    });
  }

  it("keeps exit code 1 for problems when the reader of the report has gone", async () => {
    copy = copyExampleRepo();
    copy.edit("catalog/databases/redis-cache.yaml", "version: 1.1.0", "version: 1.1");
    const run = await paoIntoClosedPipe(["validate", copy.dir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
  });

  it("keeps exit code 2 for a usage error when stderr is closed too", async () => {
    const run = await paoIntoClosedPipe(["validate", "--format", "xml"], { closeStderr: true });
    expect(run.code).toBe(2);
    expect(run.signal).toBeNull();
  });
});
