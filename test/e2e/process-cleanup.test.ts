/**
 * A failed test run leaves no server running: a child vitest with the suite's configuration runs fixture files
 * that start the real server and then fail, time out in their set-up hook, or have their worker killed; once that
 * run has ended, no server it started is left.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const mark = randomUUID();
const started = mkdtempSync(join(tmpdir(), "pao-leak-"));

/** The pao servers (node dist/main.js) that carry this test's mark, found in /proc. */
function markedServers(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "latin1");
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1");
      if (cmdline.includes("dist/main.js") && environ.split("\0").includes(`PAO_LEAK_MARK=${mark}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

afterAll(() => {
  // Should this test fail, it leaves nothing behind itself.
  for (const pid of markedServers()) process.kill(pid, "SIGKILL");
  rmSync(started, { recursive: true, force: true });
});

describe.runIf(existsSync("/proc/self/environ"))("a failing test run", () => {
  it("leaves no server process behind, however its files failed", { timeout: 240_000 }, async () => {
    // A person's shell: none of the variables of the vitest running this test.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && !k.startsWith("PAO_TEST") && k !== "NODE_OPTIONS"));
    const child = spawn(process.execPath, [join(REPO_ROOT, "node_modules/vitest/vitest.mjs"), "run", "--config", "test/fixtures/leaky/vitest.config.ts"], {
      cwd: REPO_ROOT,
      env: { ...env, PAO_LEAK_MARK: mark, PAO_LEAK_DIR: started, CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));

    expect(code, output).not.toBe(0);
    expect(readdirSync(started).sort(), output).toEqual(["fails-after-start", "hook-timeout", "worker-killed"]);
    // Stopping takes a moment (SIGTERM, then the process ends); a leftover would stay.
    const deadline = Date.now() + 10_000;
    while (markedServers().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(markedServers()).toEqual([]);
  });
});
