/**
 * The repository's git data and contents: branches, trees, blobs, and compare-and-swap commits. Blobs are cached
 * by their sha: a git object never changes, so a snapshot refresh fetches only content it has not seen.
 */
import { orNone, statusOf, type GitHubContext } from "./client.js";

export interface TreeEntry {
  path: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size?: number;
  /** The git file mode; 120000 is a symbolic link. */
  mode?: string;
}

/** How many (commit, path) answers fileShaAt keeps. */
const MAX_KEPT_FILE_SHAS = 10_000;

export function gitDataArea({ octokit, owner, repo }: GitHubContext) {
  const blobs = new Map<string, string>();
  const fileShas = new Map<string, string | null>();
  const entry = (e: { path?: string; type?: string; sha?: string; size?: number; mode?: string }, prefix = ""): TreeEntry => ({
    path: `${prefix}${e.path!}`,
    type: e.type as TreeEntry["type"],
    sha: e.sha!,
    ...(e.size !== undefined ? { size: e.size } : {}),
    ...(e.mode !== undefined ? { mode: e.mode } : {}),
  });

  async function folder(commitSha: string, path: string): Promise<TreeEntry[]> {
    // Walk down to the folder one level at a time, then list it recursively.
    let sha = commitSha;
    for (const part of path.split("/")) {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner, repo, tree_sha: sha });
      const next = data.tree.find((e) => e.path === part && e.type === "tree");
      if (!next?.sha) return [];
      sha = next.sha;
    }
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner, repo, tree_sha: sha, recursive: "1" });
    return data.tree.map((e) => entry(e, `${path}/`));
  }

  return {
    async repository(): Promise<{ defaultBranch: string; htmlUrl: string }> {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner, repo });
      return { defaultBranch: data.default_branch, htmlUrl: data.html_url };
    },

    /** The commit a branch points at, or null when there is no such branch. */
    async branchCommit(branch: string): Promise<string | null> {
      return orNone(async () => (await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner, repo, ref: `heads/${branch}` })).data.object.sha, null);
    },

    async commitDate(sha: string): Promise<Date> {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner, repo, commit_sha: sha });
      return new Date(data.committer.date);
    },

    /**
     * Every entry of a commit's tree, in one recursive call. When GitHub truncates the listing (very large trees),
     * the folders that matter are listed one call each instead.
     */
    async tree(commitSha: string, folders: readonly string[]): Promise<TreeEntry[]> {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner, repo, tree_sha: commitSha, recursive: "1" });
      if (!data.truncated) return data.tree.map((e) => entry(e));
      const out: TreeEntry[] = [];
      for (const path of folders) out.push(...(await folder(commitSha, path)));
      return out;
    },

    /** A blob's text, fetched once per sha. */
    async blob(sha: string): Promise<string> {
      const cached = blobs.get(sha);
      if (cached !== undefined) return cached;
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { owner, repo, file_sha: sha });
      const text = data.encoding === "base64" ? Buffer.from(data.content, "base64").toString("utf8") : data.content;
      blobs.set(sha, text);
      return text;
    },

    /** A file's blob sha at a commit, or null when it has no such file. Commits never change, so answers are kept. */
    async fileShaAt(commitSha: string, path: string): Promise<string | null> {
      const key = `${commitSha}:${path}`;
      const known = fileShas.get(key);
      if (known !== undefined) return known;
      const sha = await orNone(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path, ref: commitSha });
        return !Array.isArray(data) && data.type === "file" ? data.sha : null;
      }, null);
      if (fileShas.size >= MAX_KEPT_FILE_SHAS) fileShas.delete(fileShas.keys().next().value!);
      fileShas.set(key, sha);
      return sha;
    },

    /**
     * Commits files on a branch as one commit, compare-and-swap: the ref moves only if it still points where it did
     * when the commit was made (no force), else GitHub answers 422 and this returns "conflict" for the caller to
     * retry on fresh state. A branch that does not exist yet is created with a root commit.
     */
    async commitFiles(branch: string, parent: string | null, files: ReadonlyMap<string, string>, message: string): Promise<string | "conflict"> {
      const base = parent ? (await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner, repo, commit_sha: parent })).data.tree.sha : undefined;
      const { data: tree } = await octokit.request("POST /repos/{owner}/{repo}/git/trees", {
        owner,
        repo,
        ...(base ? { base_tree: base } : {}),
        tree: [...files].map(([path, content]) => ({ path, mode: "100644" as const, type: "blob" as const, content })),
      });
      const { data: commit } = await octokit.request("POST /repos/{owner}/{repo}/git/commits", { owner, repo, message, tree: tree.sha, parents: parent ? [parent] : [] });
      try {
        // Our own compare-and-swap: a retry by the client would only repeat a refused swap.
        if (parent) {
          await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { owner, repo, ref: `heads/${branch}`, sha: commit.sha, force: false, request: { retries: 0 } });
        } else {
          await octokit.request("POST /repos/{owner}/{repo}/git/refs", { owner, repo, ref: `refs/heads/${branch}`, sha: commit.sha, request: { retries: 0 } });
        }
      } catch (error) {
        if (statusOf(error) === 422) return "conflict";
        // No clear answer (a 5xx, a 409, a time-out): GitHub may have moved the ref all the same. The ref says which —
        // ours, or not moved (nothing happened: redo on fresh state) — so a commit that landed is never taken for lost.
        const head = await orNone(async () => (await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner, repo, ref: `heads/${branch}` })).data.object.sha, null).catch(() => undefined);
        if (head === commit.sha) return commit.sha;
        if (head !== undefined && head === parent) return "conflict";
        throw error;
      }
      return commit.sha;
    },

    /** Forgets every cached blob but these (the ones the current snapshot is made of), so the cache cannot grow without bound. */
    retainBlobs(shas: ReadonlySet<string>): void {
      for (const sha of blobs.keys()) if (!shas.has(sha)) blobs.delete(sha);
    },

    /** How many blobs are cached (for tests and metrics). */
    cachedBlobs(): number {
      return blobs.size;
    },
  };
}

export type GitDataArea = ReturnType<typeof gitDataArea>;
