/** Pull requests, their files and reviews, who may approve them, and merging them. */
import { allPages, orNone, PAGE_SIZE, statusOf, type GitHubContext } from "./client.js";

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
  /** A draft: validated and recorded, but not fulfilled until it is marked ready for review. */
  draft: boolean;
}

export interface ReviewInfo {
  id: number;
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  submittedAt: string;
  commitId: string;
}

export type MergeMethod = "merge" | "squash" | "rebase";

/** How a merge went: merged, or refused by GitHub with its reason (a moved head, branch protection, a merge queue). */
export type MergeOutcome = { merged: true; sha: string } | { merged: false; status: number; message: string };

/** How many pull requests' file lists are kept. */
const MAX_KEPT_FILE_LISTS = 1_000;

type ChangedFile = { path: string; status: string; sha: string };

export function pullsArea({ octokit, owner, repo }: GitHubContext) {
  // A pull request's files are the diff from where its head left the base branch to its head: a new head commit
  // changes them, and so does another base branch, but the base branch moving on (other pull requests merged) does
  // not. Kept by head commit and base branch.
  const fileLists = new Map<string, ChangedFile[]>();
  return {
    /** A pull request as GitHub has it now (webhooks may arrive late or twice; this is the truth). */
    async pullRequest(pullNumber: number): Promise<PullRequestInfo> {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: pullNumber });
      return {
        number: data.number,
        state: data.state === "closed" ? "closed" : "open",
        merged: data.merged,
        headSha: data.head.sha,
        base: data.base.ref,
        author: data.user.login,
        fork: data.head.repo?.full_name.toLowerCase() !== data.base.repo.full_name.toLowerCase(),
        draft: data.draft ?? false,
      };
    },

    /** The open pull requests into a branch, with when each last changed (one call per hundred). */
    async openPullRequests(base: string): Promise<Array<{ number: number; updatedAt: string }>> {
      const pulls = await allPages((page) => octokit.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, state: "open", base, per_page: PAGE_SIZE, page }));
      return pulls.map((p) => ({ number: p.number, updatedAt: p.updated_at }));
    },

    /**
     * The files a pull request changes: path, status and blob sha (GitHub lists at most 3,000). Listed once per head
     * commit and base branch.
     */
    async pullRequestFiles(pr: Pick<PullRequestInfo, "number" | "headSha" | "base">): Promise<ChangedFile[]> {
      const key = `${pr.number}:${pr.headSha}:${pr.base}`;
      const kept = fileLists.get(key);
      if (kept) return kept;
      const files = await allPages((page) => octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner, repo, pull_number: pr.number, per_page: PAGE_SIZE, page }));
      const out = files.map((f) => ({ path: f.filename, status: f.status, sha: f.sha ?? "" }));
      if (fileLists.size >= MAX_KEPT_FILE_LISTS) fileLists.delete(fileLists.keys().next().value!);
      fileLists.set(key, out);
      return out;
    },

    /** Every submitted review of a pull request, oldest first. */
    async reviews(pullNumber: number): Promise<ReviewInfo[]> {
      const reviews = await allPages((page) => octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { owner, repo, pull_number: pullNumber, per_page: PAGE_SIZE, page }));
      return reviews.flatMap((r) =>
        r.user && r.submitted_at && r.commit_id ? [{ id: Number(r.id), user: r.user.login, state: r.state as ReviewInfo["state"], submittedAt: r.submitted_at, commitId: r.commit_id }] : [],
      );
    },

    /**
     * Whether a user may write to the repository (write, maintain or admin), from the collaborator permission
     * endpoint; someone who is not a collaborator may not.
     */
    async canWrite(username: string): Promise<boolean> {
      return orNone(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner, repo, username });
        return data.permission === "admin" || data.permission === "write" || data.role_name === "maintain";
      }, false);
    },

    /** Whether a user is an active member of a team (org/team-slug). */
    async inTeam(team: string, username: string): Promise<boolean> {
      const [org, slug] = team.split("/") as [string, string];
      return orNone(async () => (await octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org, team_slug: slug, username })).data.state === "active", false);
    },

    /**
     * Merges a pull request if its head is still `sha`. GitHub answers 409 when the head moved and 405 when branch
     * protection or a merge queue refuses: both are outcomes for a person to see, not failures of pao. The client
     * must not retry a 409 here: the head will not move back.
     */
    async mergePullRequest(pullNumber: number, sha: string, method: MergeMethod): Promise<MergeOutcome> {
      try {
        const { data } = await octokit.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", { owner, repo, pull_number: pullNumber, sha, merge_method: method, request: { retries: 0 } });
        return { merged: true, sha: data.sha };
      } catch (error) {
        const status = statusOf(error);
        if (status === 405 || status === 409 || status === 422 || status === 403) {
          return { merged: false, status, message: (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message };
        }
        throw error;
      }
    },
  };
}

export type PullsArea = ReturnType<typeof pullsArea>;
