/**
 * The Probot app: unpacks webhook events for PAO_REPOSITORY, queues the work, and returns at once so GitHub gets
 * its answer within a second. Every pull request event, whatever its action, and "Re-run" on pao's check lead to
 * the same work: bring that pull request up to date with GitHub's present state (pull-request.ts). That work is
 * coalesced per pull request (work-queue.ts), so a burst of redeliveries costs one pass; a pass whose record writes
 * raced another writer (a second replica) is followed by one more, on fresh facts. Events the app caused itself
 * (its comments, its check runs) are ignored.
 */
import type { Probot } from "probot";
import type { GitHubSource } from "../repo/github-source.js";
import { reconcilePullRequest, type PullRequestDeps } from "./pull-request.js";
import { CHECK_NAME } from "./render/check-run.js";
import { WorkQueue } from "./work-queue.js";

export interface AppDeps extends Omit<PullRequestDeps, "source"> {
  owner: string;
  repo: string;
  source: GitHubSource;
  queue: WorkQueue;
}

export function createPaoApp(deps: AppDeps) {
  const ours = (full: string | undefined) => full?.toLowerCase() === `${deps.owner}/${deps.repo}`.toLowerCase();
  const schedule = (number: number): void =>
    deps.queue.coalesce(`pull/${number}`, async () => {
      const { again } = await reconcilePullRequest(deps, number);
      if (again) schedule(number);
    });

  return (app: Probot) => {
    app.on("push", async (context) => {
      if (!ours(context.payload.repository.full_name)) return;
      void deps.queue.enqueue("snapshot", () => deps.source.onPush(context.payload.ref));
    });

    app.on(
      ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.closed"],
      async (context) => {
        if (!ours(context.payload.repository.full_name) || context.payload.sender.login === deps.botLogin) return;
        schedule(context.payload.pull_request.number);
      },
    );

    // A new base branch changes whether the requests are on their way into the default branch.
    app.on("pull_request.edited", async (context) => {
      if (!ours(context.payload.repository.full_name) || context.payload.sender?.login === deps.botLogin || !context.payload.changes.base) return;
      schedule(context.payload.pull_request.number);
    });

    app.on(["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"], async (context) => {
      if (!ours(context.payload.repository.full_name) || context.payload.sender.login === deps.botLogin) return;
      schedule(context.payload.pull_request.number);
    });

    // "Re-run" on pao's check: do the pull request's work again (after GitHub or pao had a bad moment).
    app.on("check_run.rerequested", async (context) => {
      const run = context.payload.check_run;
      if (!ours(context.payload.repository.full_name) || run.name !== CHECK_NAME || `${run.app?.slug ?? ""}[bot]` !== deps.botLogin) return;
      for (const pull of run.pull_requests) schedule(pull.number);
    });
  };
}
