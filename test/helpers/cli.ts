/** Runs the `pao` command as a user does: the package's bin entry in a child process (`npm run build` first). */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./repo-copy.js";

const BIN = join(REPO_ROOT, "bin/pao.js");

export function pao(args: string[], cwd = REPO_ROOT): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
