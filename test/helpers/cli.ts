/** Runs the `pao` command as a user does: the package's bin entry in a child process (`npm run build` first). */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { spawnChild, stopChild } from "./children.js";
import { REPO_ROOT } from "./repo-copy.js";

const BIN = join(REPO_ROOT, "bin/pao.js");

export function pao(args: string[], cwd = REPO_ROOT): { code: number | null; stdout: string; stderr: string } {
  // Bounded, so a command that hangs fails its test instead of outliving it.
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs `pao` with its stdout (and, if asked, stderr) pipe closed by the reader before the command writes, as
 * `pao validate | head -2` does once head has read its lines.
 */
export function paoIntoClosedPipe(args: string[], options: { cwd?: string; closeStderr?: boolean } = {}): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.destroy();
    if (options.closeStderr) child.stderr!.destroy();
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      void stopChild(child, 0);
      reject(new Error(`pao ${args.join(" ")} did not end within 30 s`));
    }, 30_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}
