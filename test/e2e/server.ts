/**
 * Starts the real pao server — `node dist/main.js`, the entry of `npm start` — in a child process, and stops it.
 * `npm test` builds dist/ before the tests run. The server is told PORT=0 and the harness reads the address it
 * bound from its start-up line, so tests never fight over ports. Each server is a registered child (see
 * ../helpers/children.ts): stopped by its test, or else after its test file, whatever failed.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { signalGroup, spawnChild, stopChild } from "../helpers/children.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `http://127.0.0.1:PORT/api/v1` */
  api: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
  /** Kills it at once with SIGKILL, as a crash or the OOM killer would: no shutdown code runs. Resolves once it is gone. */
  kill(): Promise<void>;
}

/** Readiness waits: a loaded two-core machine starts Node slowly, and a start-up is a readiness signal, not a race. */
const START_TIMEOUT_MS = 60_000;

export async function startServer(env: Record<string, string | undefined> = {}, timeoutMs = START_TIMEOUT_MS): Promise<RunningServer> {
  const child: ChildProcess = spawnChild(process.execPath, [join(REPO_ROOT, "dist/main.js")], {
    cwd: REPO_ROOT,
    env: { PATH: process.env["PATH"], HOME: process.env["HOME"], PORT: "0", PAO_TIMEZONE: "America/Chicago", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not ready in time: stop it now rather than leave it running for nobody.
      void stopChild(child);
      reject(new Error(`pao did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      const match = /at (http:\/\/[^\s/]+)\/api\/v1/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", look);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pao exited with ${code} before it was ready:\n${output}`));
    });
  });

  return {
    origin,
    api: `${origin}/api/v1`,
    output: () => output,
    stop: () => stopChild(child),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        signalGroup(child.pid!, "SIGKILL");
      }),
  };
}

/** Runs the server with an environment that must make it refuse to start; resolves to its exit code and output. */
export function runUntilExit(env: Record<string, string | undefined>, timeoutMs = START_TIMEOUT_MS): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(process.execPath, [join(REPO_ROOT, "dist/main.js")], {
      cwd: REPO_ROOT,
      env: { PATH: process.env["PATH"], HOME: process.env["HOME"], PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      void stopChild(child, 0);
      reject(new Error(`pao did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
