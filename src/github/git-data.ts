/**
 * The repository's git data and contents: branches, trees, blobs, and compare-and-swap commits. A git object never
 * changes, so what is read by sha is kept: blobs (those of the current snapshot, and the most recently used others
 * within a byte budget, such as the request files of open pull requests) and the trees of recent commits. Only
 * refs move; they are always read afresh.
 */
import { createHash } from "node:crypto";
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
/** How many commits' tree listings are kept. */
const MAX_KEPT_TREES = 32;
/** Bytes of blobs kept beyond the current snapshot's, most recently used first. */
const RECENT_BLOB_BYTES = 32 * 1024 * 1024;

/** The sha git gives a blob with this content: equal shas, equal content. */
export function gitBlobSha(text: string): string {
  const body = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${body.length}\0`).update(body).digest("hex");
}

/** What a successful compare-and-swap commit made: the commit and its root tree. */
export interface Committed {
  commit: string;
  tree: string;
}

/** What a single-file commit made: also the commit it went on top of. Null when the answer was lost and only the
 * file said the commit was made. */
export interface FileCommitted {
  commit: string;
  tree: string | null;
  parent: string | null;
}

export function gitDataArea({ octokit, owner, repo }: GitHubContext) {
  // Insertion order is recency: a hit is moved to the end, the oldest beyond the budget go first.
  const blobs = new Map<string, string>();
  const trees = new Map<string, TreeEntry[]>();
  const keepBlob = (sha: string, text: string) => {
    blobs.delete(sha);
    blobs.set(sha, text);
  };
  const fileShas = new Map<string, string | null>();
  /** The commit a branch points at now, or null when there is no such branch. Refs move: never kept. */
  const branchHead = (branch: string): Promise<string | null> =>
    orNone(async () => (await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner, repo, ref: `heads/${branch}` })).data.object.sha, null);
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
      return branchHead(branch);
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
      const key = `${commitSha}\0${folders.join("\0")}`;
      const kept = trees.get(key);
      if (kept) return kept;
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner, repo, tree_sha: commitSha, recursive: "1" });
      let out: TreeEntry[];
      if (!data.truncated) out = data.tree.map((e) => entry(e));
      else {
        out = [];
        for (const path of folders) out.push(...(await folder(commitSha, path)));
      }
      if (trees.size >= MAX_KEPT_TREES) trees.delete(trees.keys().next().value!);
      trees.set(key, out);
      return out;
    },

    /** A blob's text, fetched once per sha. */
    async blob(sha: string): Promise<string> {
      const cached = blobs.get(sha);
      if (cached !== undefined) {
        keepBlob(sha, cached);
        return cached;
      }
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { owner, repo, file_sha: sha });
      const text = data.encoding === "base64" ? Buffer.from(data.content, "base64").toString("utf8") : data.content;
      keepBlob(sha, text);
      return text;
    },

    /** Keeps content pao wrote itself, so reading it back costs nothing; returns its sha. */
    rememberBlob(text: string): string {
      const sha = gitBlobSha(text);
      keepBlob(sha, text);
      return sha;
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
    async commitFiles(branch: string, parent: string | null, files: ReadonlyMap<string, string>, message: string, parentTree?: string): Promise<Committed | "conflict"> {
      const base = parent ? (parentTree ?? (await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner, repo, commit_sha: parent })).data.tree.sha) : undefined;
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
        const head = await branchHead(branch).catch(() => undefined);
        if (head === commit.sha) return { commit: commit.sha, tree: tree.sha };
        if (head !== undefined && head === parent) return "conflict";
        throw error;
      }
      return { commit: commit.sha, tree: tree.sha };
    },

    /**
     * Commits one file on an existing branch in a single call (the contents API), compare-and-swap on the file: GitHub
     * refuses it (409) when the file is no longer at `expected`, or (422) when it was to be created and now exists;
     * both are "conflict". Other files may have moved meanwhile: the commit goes on top of whatever the branch holds,
     * and `parent` says what that was. One call instead of three (tree, commit, ref) for the common single change.
     */
    async commitFile(branch: string, path: string, content: string, expected: string | null, message: string): Promise<FileCommitted | "conflict"> {
      try {
        const { data } = await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", {
          owner,
          repo,
          path,
          branch,
          message,
          content: Buffer.from(content, "utf8").toString("base64"),
          ...(expected ? { sha: expected } : {}),
          // Our own compare-and-swap: a retry by the client would only repeat a refused swap.
          request: { retries: 0 },
        });
        return { commit: data.commit.sha!, tree: data.commit.tree!.sha!, parent: data.commit.parents?.[0]?.sha ?? null };
      } catch (error) {
        const status = statusOf(error);
        if (status === 409 || status === 422) return "conflict";
        // No clear answer: the file says whether GitHub made the commit — ours, or unmoved (redo on fresh state).
        const now = await orNone(async () => {
          const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path, ref: branch });
          return !Array.isArray(data) && data.type === "file" ? data.sha : null;
        }, null).catch(() => undefined);
        if (now === gitBlobSha(content)) {
          const head = await branchHead(branch).catch(() => null);
          // Made: a commit that holds it is all that is known (not its tree, nor what came before it).
          if (head) return { commit: head, tree: null, parent: null };
        }
        if (now !== undefined && now === expected) return "conflict";
        throw error;
      }
    },

    /**
     * Keeps every blob of these (the ones the current snapshot is made of) and, of the others, the most recently
     * used within a byte budget, so the cache cannot grow without bound.
     */
    retainBlobs(shas: ReadonlySet<string>): void {
      let budget = RECENT_BLOB_BYTES;
      for (const [sha, text] of [...blobs].reverse()) {
        if (shas.has(sha)) continue;
        budget -= text.length;
        if (budget < 0) blobs.delete(sha);
      }
    },

    /** How many blobs are cached (for tests and metrics). */
    cachedBlobs(): number {
      return blobs.size;
    },
  };
}

export type GitDataArea = ReturnType<typeof gitDataArea>;
