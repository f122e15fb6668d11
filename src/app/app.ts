/**
 * The Probot app: for each event of the route table (events.ts) about PAO_REPOSITORY, queues the work it asks for
 * and returns at once, so GitHub gets its answer within a second. Pull request work is coalesced per pull request
 * (work-queue.ts), so a burst of redeliveries costs one pass; a pass that asks for another (a write raced another
 * replica, a dispatch went out) gets one. Timers and the periodic reconciliation schedule passes the same way.
 */
import type { Probot } from "probot";
import type { StatusRecord } from "../fulfillment/status-record.js";
import type { GitHubGateway } from "../github/gateway.js";
import type { GitHubSource } from "../repo/github-source.js";
import { EVENT_ROUTES, type Work } from "./events.js";
import { runPullRequestPass, type PassDeps } from "./pass.js";
import { WorkQueue } from "./work-queue.js";

export interface AppDeps extends Omit<PassDeps, "source" | "schedule" | "remember" | "gateway"> {
  gateway: PassDeps["gateway"] & Pick<GitHubGateway, "openPullRequests">;
  owner: string;
  repo: string;
  source: GitHubSource;
  queue: WorkQueue;
}

export interface PaoApp {
  /** The Probot app function. */
  app: (probot: Probot) => void;
  /** Brings a pull request up to date (queued, coalesced). */
  schedule(number: number): void;
  /**
   * At start and now and then: a pass for every pull request with a request not ended or a completed one not yet
   * merged, and for every open pull request that changed since the last look (its webhook may never have come).
   */
  reconcile(): void;
}

const ENDED = new Set(["completed", "failed", "cancelled", "aborted"]);
/** How long after its completion pao still sees to the merge of a request's pull request (then a person does). */
const MERGE_WATCH_MS = 24 * 3600_000;

/**
 * A completed request whose merge pao has not recorded: the pass that was to merge it failed or was cut short (a
 * crash, GitHub failing), so the reconciler goes on bringing its pull request up for a day.
 */
function awaitsMerge(record: StatusRecord, mergeEnabled: boolean, now: number): boolean {
  return mergeEnabled && record.status === "completed" && !record.merge && now - Date.parse(record.updated_at) < MERGE_WATCH_MS;
}

export function createPaoApp(deps: AppDeps): PaoApp {
  const ours = (full: string | undefined) => full?.toLowerCase() === `${deps.owner}/${deps.repo}`.toLowerCase();
  // Which pull request a request belongs to, for events that name only the request (workflow runs).
  const pullRequests = new Map<string, number>();
  const pullRequestOf = (id: string) => pullRequests.get(id) ?? deps.source.current().records.get(id)?.pull_request ?? undefined;

  // When each open pull request had changed, as pao last listed them (the reconciler's sweep).
  let looked = new Map<number, string>();
  const schedule = (number: number): void =>
    deps.queue.coalesce(`pull/${number}`, async () => {
      const { again } = await runPullRequestPass(passDeps, number);
      if (again) schedule(number);
    });
  const passDeps: PassDeps = { ...deps, schedule, remember: (id, number) => pullRequests.set(id, number) };

  const perform = (work: Work): void => {
    if (work.type === "pull") schedule(work.number);
    else void deps.queue.enqueue("snapshot", () => deps.source.onPush(work.ref, work.after));
  };

  return {
    schedule,
    reconcile() {
      const open = new Set<number>();
      const snapshot = deps.source.current();
      const now = deps.now().getTime();
      for (const record of snapshot.records.values()) {
        if (typeof record.pull_request !== "number") continue;
        if (!ENDED.has(record.status) || awaitsMerge(record, snapshot.catalog.config.merge.enabled, now)) open.add(record.pull_request);
      }
      for (const number of open) schedule(number);
      // GitHub does not deliver again a webhook that failed (pao down, a network fault): a pull request opened or
      // pushed to meanwhile has no record to be found by. Open pull requests that changed since pao last looked at
      // them get a pass; at start that is each of them once.
      void deps.queue.enqueue("reconcile/pulls", async () => {
        const listed = new Map<number, string>();
        for (const pull of await deps.gateway.openPullRequests(snapshot.repository.branch)) {
          listed.set(pull.number, pull.updatedAt);
          if (looked.get(pull.number) !== pull.updatedAt && !open.has(pull.number)) schedule(pull.number);
        }
        looked = listed;
      });
    },
    app: (app: Probot) => {
      for (const route of EVENT_ROUTES) {
        app.on(route.events as never, async (context: { payload: Record<string, unknown> & { repository?: { full_name?: string }; sender?: { login?: string } } }) => {
          const payload = context.payload;
          if (!ours(payload.repository?.full_name)) return;
          if (route.fromPao === "ignore" && payload.sender?.login === deps.botLogin) return;
          for (const work of route.work(payload, { botLogin: deps.botLogin, pullRequestOf })) perform(work);
        });
      }
    },
  };
}
