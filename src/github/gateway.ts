/**
 * The only place that talks to GitHub's REST API. It takes an Octokit (Probot's, authenticated as the app's
 * installation) and offers what pao needs in pao's terms. Blobs are cached by their sha: a git object never
 * changes, so a snapshot refresh fetches only content it has not seen.
 */
import type { Octokit } from "@octokit/core";

export interface TreeEntry {
  path: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size?: number;
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  title?: string;
  message: string;
}

export interface CheckRunContent {
  name: string;
  title: string;
  summary: string;
  /** Absent while work is in progress. */
  conclusion?: "success" | "failure" | "neutral" | "action_required";
  annotations: CheckAnnotation[];
}

export interface PullRequestInfo {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
  /** The branch it would merge into. */
  base: string;
  author: string;
  /** The head branch lives in another repository. */
  fork: boolean;
}

export interface ReviewInfo {
  id: number;
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  submittedAt: string;
  commitId: string;
}

export interface CommentInfo {
  id: number;
  author: string;
  body: string;
}

/** How many (commit, path) answers fileShaAt keeps. */
const MAX_KEPT_FILE_SHAS = 10_000;

const PAGE_SIZE = 100;
/** At most this many pages of a list (3,000 entries: as many files as GitHub lists for a pull request). */
const MAX_PAGES = 30;

/** Every entry of a paged list, fetching page after page until a short one. */
async function allPages<T>(fetchPage: (page: number) => Promise<{ data: T[] }>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await fetchPage(page);
    out.push(...data);
    if (data.length < PAGE_SIZE) break;
  }
  return out;
}

/** Whether a check run as GitHub lists it already shows this content. */
function sameCheck(
  run: { status: string; conclusion: string | null; output: { title: string | null; summary: string | null; annotations_count: number } },
  check: CheckRunContent,
): boolean {
  const status = check.conclusion ? "completed" : "in_progress";
  return (
    run.status === status &&
    (run.conclusion ?? undefined) === check.conclusion &&
    run.output.title === check.title &&
    run.output.summary === check.summary &&
    run.output.annotations_count === check.annotations.length
  );
}

/** The REST calls pao makes, as Octokit's request function takes them. */
type Requester = Pick<Octokit, "request">;

export class GitHubGateway {
  private readonly blobs = new Map<string, string>();
  private readonly fileShas = new Map<string, string | null>();

  constructor(
    private readonly octokit: Requester,
    readonly owner: string,
    readonly repo: string,
    /** The app's id: its check runs are told apart from any other's of the same name. */
    private readonly appId?: number,
  ) {}

  async repository(): Promise<{ defaultBranch: string; htmlUrl: string }> {
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}", { owner: this.owner, repo: this.repo });
    return { defaultBranch: data.default_branch, htmlUrl: data.html_url };
  }

  /** The commit a branch points at, or null when there is no such branch. */
  async branchCommit(branch: string): Promise<string | null> {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner: this.owner, repo: this.repo, ref: `heads/${branch}` });
      return data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  }

  async commitDate(sha: string): Promise<Date> {
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner: this.owner, repo: this.repo, commit_sha: sha });
    return new Date(data.committer.date);
  }

  /**
   * Every entry of a commit's tree, in one recursive call. When GitHub truncates the listing (very large trees),
   * the folders that matter are listed one call each instead.
   */
  async tree(commitSha: string, folders: readonly string[]): Promise<TreeEntry[]> {
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", {
      owner: this.owner,
      repo: this.repo,
      tree_sha: commitSha,
      recursive: "1",
    });
    const entries = data.tree.map((e) => ({ path: e.path!, type: e.type as TreeEntry["type"], sha: e.sha!, ...(e.size !== undefined ? { size: e.size } : {}) }));
    if (!data.truncated) return entries;
    const out: TreeEntry[] = [];
    for (const folder of folders) out.push(...(await this.folder(commitSha, folder)));
    return out;
  }

  private async folder(commitSha: string, folder: string): Promise<TreeEntry[]> {
    // Walk down to the folder one level at a time, then list it recursively.
    let sha = commitSha;
    for (const part of folder.split("/")) {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner: this.owner, repo: this.repo, tree_sha: sha });
      const next = data.tree.find((e) => e.path === part && e.type === "tree");
      if (!next?.sha) return [];
      sha = next.sha;
    }
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner: this.owner, repo: this.repo, tree_sha: sha, recursive: "1" });
    return data.tree.map((e) => ({ path: `${folder}/${e.path!}`, type: e.type as TreeEntry["type"], sha: e.sha!, ...(e.size !== undefined ? { size: e.size } : {}) }));
  }

  /** A blob's text, fetched once per sha. */
  async blob(sha: string): Promise<string> {
    const cached = this.blobs.get(sha);
    if (cached !== undefined) return cached;
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { owner: this.owner, repo: this.repo, file_sha: sha });
    const text = data.encoding === "base64" ? Buffer.from(data.content, "base64").toString("utf8") : data.content;
    this.blobs.set(sha, text);
    return text;
  }

  /** The files a pull request changes: path, status and blob sha (GitHub lists at most 3,000). */
  async pullRequestFiles(pullNumber: number): Promise<Array<{ path: string; status: string; sha: string }>> {
    const files = await allPages((page) =>
      this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: this.owner, repo: this.repo, pull_number: pullNumber, per_page: PAGE_SIZE, page }),
    );
    return files.map((f) => ({ path: f.filename, status: f.status, sha: f.sha ?? "" }));
  }


  /**
   * Publishes the check run of a head commit: updated in place when this app's run with this name already carries
   * the same annotations, created anew otherwise. GitHub appends the annotations of every update to those already on
   * a run and offers no way to remove them, so changed annotations need a new run (GitHub shows the latest). A run
   * that already says all of this is not written again. Annotations go out 50 per call, as GitHub requires.
   */
  async publishCheckRun(headSha: string, check: CheckRunContent): Promise<number> {
    const { data: existing } = await this.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      owner: this.owner,
      repo: this.repo,
      ref: headSha,
      check_name: check.name,
      ...(this.appId !== undefined ? { app_id: this.appId } : {}),
    });
    const fields = {
      status: check.conclusion ? ("completed" as const) : ("in_progress" as const),
      ...(check.conclusion ? { conclusion: check.conclusion, completed_at: new Date().toISOString() } : {}),
    };
    const current = existing.check_runs.find((run) => this.appId === undefined || run.app?.id === this.appId);
    if (current && current.output.annotations_count === check.annotations.length && (await this.hasAnnotations(current.id, check.annotations))) {
      // Writes are what GitHub's secondary limits count: a run that already says this is left alone.
      if (sameCheck(current, check)) return Number(current.id);
      await this.octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner: this.owner,
        repo: this.repo,
        check_run_id: current.id,
        ...fields,
        output: { title: check.title, summary: check.summary },
      });
      return Number(current.id);
    }
    const batches: CheckAnnotation[][] = [];
    for (let i = 0; i < check.annotations.length; i += 50) batches.push(check.annotations.slice(i, i + 50));
    const output = (annotations: CheckAnnotation[]) => ({ title: check.title, summary: check.summary, ...(annotations.length > 0 ? { annotations } : {}) });
    const { data } = await this.octokit.request("POST /repos/{owner}/{repo}/check-runs", {
      owner: this.owner,
      repo: this.repo,
      name: check.name,
      head_sha: headSha,
      ...fields,
      output: output(batches[0] ?? []),
    });
    for (const batch of batches.slice(1)) {
      await this.octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner: this.owner,
        repo: this.repo,
        check_run_id: data.id,
        output: output(batch),
      });
    }
    return Number(data.id);
  }

  /** Whether a check run carries exactly these annotations, in any order. */
  private async hasAnnotations(checkRunId: number | bigint, wanted: readonly CheckAnnotation[]): Promise<boolean> {
    if (wanted.length === 0) return true;
    const present = await allPages((page) =>
      this.octokit.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", { owner: this.owner, repo: this.repo, check_run_id: checkRunId, per_page: PAGE_SIZE, page }),
    );
    const key = (a: { path: string; start_line: number; end_line: number; annotation_level: string | null; title?: string | null; message: string | null }) =>
      JSON.stringify([a.path, a.start_line, a.end_line, a.annotation_level, a.title ?? null, a.message]);
    const have = present.map(key).sort();
    const want = wanted.map(key).sort();
    return have.length === want.length && have.every((k, i) => k === want[i]);
  }

  /**
   * Commits files on a branch as one commit, compare-and-swap: the ref moves only if it still points where it did
   * when the commit was made (no force), else GitHub answers 422 and this returns "conflict" for the caller to
   * retry on fresh state. A branch that does not exist yet is created with a root commit.
   */
  async commitFiles(branch: string, parent: string | null, files: ReadonlyMap<string, string>, message: string): Promise<string | "conflict"> {
    const base = parent ? (await this.octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner: this.owner, repo: this.repo, commit_sha: parent })).data.tree.sha : undefined;
    const { data: tree } = await this.octokit.request("POST /repos/{owner}/{repo}/git/trees", {
      owner: this.owner,
      repo: this.repo,
      ...(base ? { base_tree: base } : {}),
      tree: [...files].map(([path, content]) => ({ path, mode: "100644" as const, type: "blob" as const, content })),
    });
    const { data: commit } = await this.octokit.request("POST /repos/{owner}/{repo}/git/commits", {
      owner: this.owner,
      repo: this.repo,
      message,
      tree: tree.sha,
      parents: parent ? [parent] : [],
    });
    try {
      // Our own compare-and-swap: a retry by the client would only repeat a refused swap.
      if (parent) {
        await this.octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
          owner: this.owner,
          repo: this.repo,
          ref: `heads/${branch}`,
          sha: commit.sha,
          force: false,
          request: { retries: 0 },
        });
      } else {
        await this.octokit.request("POST /repos/{owner}/{repo}/git/refs", {
          owner: this.owner,
          repo: this.repo,
          ref: `refs/heads/${branch}`,
          sha: commit.sha,
          request: { retries: 0 },
        });
      }
    } catch (error) {
      if ((error as { status?: number }).status === 422) return "conflict";
      throw error;
    }
    return commit.sha;
  }

  /** A pull request as GitHub has it now (webhooks may arrive late or twice; this is the truth). */
  async pullRequest(pullNumber: number): Promise<PullRequestInfo> {
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: this.owner, repo: this.repo, pull_number: pullNumber });
    return {
      number: data.number,
      state: data.state === "closed" ? "closed" : "open",
      merged: data.merged,
      headSha: data.head.sha,
      base: data.base.ref,
      author: data.user.login,
      fork: data.head.repo?.full_name.toLowerCase() !== data.base.repo.full_name.toLowerCase(),
    };
  }

  /** Every submitted review of a pull request, oldest first. */
  async reviews(pullNumber: number): Promise<ReviewInfo[]> {
    const reviews = await allPages((page) =>
      this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { owner: this.owner, repo: this.repo, pull_number: pullNumber, per_page: PAGE_SIZE, page }),
    );
    return reviews.flatMap((r) =>
      r.user && r.submitted_at && r.commit_id ? [{ id: Number(r.id), user: r.user.login, state: r.state as ReviewInfo["state"], submittedAt: r.submitted_at, commitId: r.commit_id }] : [],
    );
  }


  /**
   * Whether a user may write to the repository (write, maintain or admin), from the collaborator permission
   * endpoint; someone who is not a collaborator may not.
   */
  async canWrite(username: string): Promise<boolean> {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner: this.owner, repo: this.repo, username });
      return data.permission === "admin" || data.permission === "write" || data.role_name === "maintain";
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }

  /** Whether a user is an active member of a team (org/team-slug). */
  async inTeam(team: string, username: string): Promise<boolean> {
    const [org, slug] = team.split("/") as [string, string];
    try {
      const { data } = await this.octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org, team_slug: slug, username });
      return data.state === "active";
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }

  /** A file's blob sha at a commit, or null when it has no such file. Commits never change, so answers are kept. */
  async fileShaAt(commitSha: string, path: string): Promise<string | null> {
    const key = `${commitSha}:${path}`;
    const known = this.fileShas.get(key);
    if (known !== undefined) return known;
    let sha: string | null = null;
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: this.owner, repo: this.repo, path, ref: commitSha });
      sha = !Array.isArray(data) && data.type === "file" ? data.sha : null;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
    if (this.fileShas.size >= MAX_KEPT_FILE_SHAS) this.fileShas.delete(this.fileShas.keys().next().value!);
    this.fileShas.set(key, sha);
    return sha;
  }

  /** The comments of an issue or pull request, oldest first. */
  async issueComments(issueNumber: number): Promise<CommentInfo[]> {
    const comments = await allPages((page) =>
      this.octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: this.owner, repo: this.repo, issue_number: issueNumber, per_page: PAGE_SIZE, page }),
    );
    return comments.map((c) => ({ id: Number(c.id), author: c.user?.login ?? "", body: c.body ?? "" }));
  }


  async createComment(issueNumber: number, body: string): Promise<number> {
    const { data } = await this.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: this.owner, repo: this.repo, issue_number: issueNumber, body });
    return Number(data.id);
  }

  async updateComment(commentId: number, body: string): Promise<void> {
    await this.octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: this.owner, repo: this.repo, comment_id: commentId, body });
  }

  async deleteComment(commentId: number): Promise<void> {
    await this.octokit.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: this.owner, repo: this.repo, comment_id: commentId });
  }

  /** Forgets every cached blob but these (the ones the current snapshot is made of), so the cache cannot grow without bound. */
  retainBlobs(shas: ReadonlySet<string>): void {
    for (const sha of this.blobs.keys()) if (!shas.has(sha)) this.blobs.delete(sha);
  }

  /** How many blobs are cached (for tests and metrics). */
  get cachedBlobs(): number {
    return this.blobs.size;
  }
}
