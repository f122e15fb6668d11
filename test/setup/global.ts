/**
 * The run's last line of defence against processes left running (see test/helpers/children.ts): a folder where
 * every child is recorded, and a token each child carries in its environment. When the run ends, or vitest's own
 * process exits, every recorded child still running that carries the token is killed with its process group: this
 * catches the children of a worker that was killed and could not stop them itself.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PIDS_DIR_VAR, RUN_TOKEN_VAR, signalGroup } from "../helpers/children.js";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "pao-test-children-"));
  const token = randomUUID();
  process.env[PIDS_DIR_VAR] = dir;
  process.env[RUN_TOKEN_VAR] = token;

  let done = false;
  const killLeftovers = () => {
    if (done) return;
    done = true;
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const pid = Number(name);
      if (Number.isInteger(pid) && pid > 0 && ours(pid, token)) signalGroup(pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killLeftovers);
  return killLeftovers;
}

/** Whether the process carries this run's token (so a pid reused by another program is never killed). */
function ours(pid: number, token: string): boolean {
  const environ = `/proc/${pid}/environ`;
  if (!existsSync(`/proc/${process.pid}/environ`)) return true; // no /proc here: the pid file is all we have
  try {
    return readFileSync(environ, "latin1").split("\0").includes(`${RUN_TOKEN_VAR}=${token}`);
  } catch {
    return false; // gone
  }
}
