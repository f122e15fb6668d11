/**
 * The only place that talks to GitHub's REST API, split by area: git data and contents, pull requests and
 * reviews, check runs, comments, and Actions. Each consumer takes a narrow port — a `Pick` of the methods it calls —
 * so what it may do to GitHub is written in its signature, and its tests give it only that.
 */
import type { GitHubContext, Requester } from "./client.js";
import { actionsArea } from "./actions.js";
import { checksArea } from "./checks.js";
import { commentsArea } from "./comments.js";
import { gitDataArea } from "./git-data.js";
import { pullsArea } from "./pulls.js";

export type { TreeEntry } from "./git-data.js";
export type { PullRequestInfo, ReviewInfo, MergeMethod, MergeOutcome } from "./pulls.js";
export type { CheckAnnotation, CheckRunContent } from "./checks.js";
export type { CommentInfo } from "./comments.js";
export type { RunInfo, DispatchAnswer, ArtifactFile } from "./actions.js";

export type GitHubGateway = { readonly owner: string; readonly repo: string } & ReturnType<typeof gitDataArea> &
  ReturnType<typeof pullsArea> &
  ReturnType<typeof checksArea> &
  ReturnType<typeof commentsArea> &
  ReturnType<typeof actionsArea>;

export function createGitHubGateway(octokit: Requester, owner: string, repo: string, options: { appId?: number | undefined; dispatchTimeoutMs?: number } = {}): GitHubGateway {
  const context: GitHubContext = { octokit, owner, repo, ...options };
  return { owner, repo, ...gitDataArea(context), ...pullsArea(context), ...checksArea(context), ...commentsArea(context), ...actionsArea(context) };
}
