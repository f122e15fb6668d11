/**
 * The few git plumbing commands local mode needs, run with execFile (no shell) and a time limit. Used to read the
 * status branch of a local clone without checking it out.
 */
import { execFile } from "node:child_process";

const TIMEOUT_MS = 10_000;

export async function git(cwd: string, args: readonly string[], input?: string): Promise<string> {
  return (await gitBytes(cwd, args, input)).toString("utf8");
}

function gitBytes(cwd: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile("git", [...args], { cwd, timeout: TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024, encoding: "buffer" }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The commit a branch points at, or null when the directory is not a git repository or has no such branch. */
export async function branchCommit(cwd: string, branch: string): Promise<string | null> {
  try {
    return (await git(cwd, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

/** The blobs below `folder` in a commit, as path and content. */
export async function readFolderAt(cwd: string, commit: string, folder: string): Promise<Array<{ path: string; sha: string; text: string }>> {
  const listing = await git(cwd, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", folder]);
  const entries = listing
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split("\t") as [string, string];
      const [, type, sha] = meta.split(" ") as [string, string, string];
      return { type, sha, path };
    })
    .filter((e) => e.type === "blob");
  if (entries.length === 0) return [];
  // --batch answers "<sha> <type> <size>\n<content>\n" for each object, in order; sizes are in bytes.
  const buffer = await gitBytes(cwd, ["cat-file", "--batch"], entries.map((e) => e.sha).join("\n") + "\n");
  const result: Array<{ path: string; sha: string; text: string }> = [];
  let offset = 0;
  for (const entry of entries) {
    const headerEnd = buffer.indexOf(10, offset);
    const header = buffer.subarray(offset, headerEnd).toString("utf8");
    const size = Number(header.split(" ")[2]);
    const start = headerEnd + 1;
    result.push({ path: entry.path, sha: entry.sha, text: buffer.subarray(start, start + size).toString("utf8") });
    offset = start + size + 1;
  }
  return result;
}

export async function gitOutput(cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    return (await git(cwd, args)).trim() || null;
  } catch {
    return null;
  }
}

/**
 * When each file below `folder` was added, as the commit that added it says (its committer date), from one
 * `git log` over the history of HEAD. Newest first, so a file deleted and added again gets its latest addition.
 * Renames count as additions of the new path. Empty when the folder is not in a git repository.
 */
export async function addedDates(cwd: string, folder: string): Promise<Map<string, Date>> {
  const dates = new Map<string, Date>();
  let out: string;
  try {
    out = await git(cwd, ["log", "--no-renames", "--diff-filter=A", "--relative", "--format=%x01%cI", "--name-only", "-z", "HEAD", "--", folder]);
  } catch {
    return dates;
  }
  // Each commit: "\x01<date>\0\n<path>\0<path>\0…"
  for (const chunk of out.split("\x01")) {
    const end = chunk.indexOf("\0");
    if (end < 0) continue;
    const date = new Date(chunk.slice(0, end));
    if (Number.isNaN(date.getTime())) continue;
    for (const path of chunk.slice(end + 1).replace(/^\n/, "").split("\0")) {
      if (path !== "" && !dates.has(path)) dates.set(path, date);
    }
  }
  return dates;
}
