/**
 * Every process a test starts goes through `spawnChild`, and is stopped whatever happens to the test:
 * - by the test itself (its stop function, `stopChild`);
 * - after each test file (an afterAll hook in test/setup/stop-children.ts), also when a set-up hook failed or timed
 *   out half-way and the file never learned of the process;
 * - when the test worker exits (a process 'exit' handler);
 * - and when the whole run ends (test/setup/global.ts), for a worker that was killed and could run nothing: each
 *   child is recorded as a file in the run's folder, and is marked with the run's token in its environment so
 *   that only our own processes are ever killed.
 * Children run in their own process group (detached), so stopping one stops whatever it started in turn.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Set by test/setup/global.ts for the run: where children are recorded, and the mark they carry. */
export const PIDS_DIR_VAR = "PAO_TEST_PIDS_DIR";
export const RUN_TOKEN_VAR = "PAO_TEST_RUN";

const live = new Set<ChildProcess>();

export function spawnChild(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const token = process.env[RUN_TOKEN_VAR];
  const env = { ...(options.env ?? process.env), ...(token ? { [RUN_TOKEN_VAR]: token } : {}) };
  const child = spawn(command, args, { ...options, env, detached: true });
  if (child.pid === undefined) return child;
  const pid = child.pid;
  live.add(child);
  const dir = process.env[PIDS_DIR_VAR];
  const record = dir ? join(dir, String(pid)) : undefined;
  if (record) writeFileSync(record, "");
  child.once("exit", () => {
    live.delete(child);
    if (record) rmSync(record, { force: true });
  });
  return child;
}

/** Sends a signal to the child's whole process group; a group that is gone already is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

/** Stops a child: SIGTERM, then SIGKILL if it has not ended within `graceMs`. Resolves once it has exited. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
    const pid = child.pid;
    const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      // Whatever the child started in its group goes with it.
      signalGroup(pid, "SIGKILL");
      resolve();
    });
    signalGroup(pid, "SIGTERM");
  });
}

/** Stops every child still running in this process. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child)));
}

process.once("exit", () => {
  for (const child of live) if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
});
