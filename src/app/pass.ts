/**
 * One pass over a pull request: bring its requests up to date with GitHub's present state. It reads the pull request
 * as GitHub has it now (not as the webhook that woke it described it, which may be late, repeated or out of order),
 * then, in order:
 *
 *   1. gather facts — the request files assessed against the default branch's catalog, approvals, and for each
 *      request what fulfilment needs (its frozen plan, the runs of its attempts in flight);
 *   2. decide — the state machine runs inside the status writer, on each record as the branch holds it when the
 *      write happens, and returns the effects of the decision that was committed;
 *   3. interpret — the winner's effects are performed (dispatches, cancels, wake-ups), then the merge once every
 *      request of the pull request is completed;
 *   4. project — the check run and the sticky comment show the outcome.
 *
 * Running it twice in a row changes nothing the second time.
 */
import { DEFAULT_LAYOUT, isYamlUnder } from "../catalog/paths.js";
import type { ApprovalState } from "../fulfillment/approval.js";
import { assessRequestFiles, type RequestAssessment } from "../fulfillment/assess.js";
import { decide, type PullRequestFacts } from "../fulfillment/decide.js";
import type { Effect } from "../fulfillment/effects.js";
import type { RunObservation } from "../fulfillment/run-facts.js";
import { decideMerge } from "../fulfillment/merge.js";
import type { EngineSettings } from "../fulfillment/settings.js";
import type { StatusRecord } from "../fulfillment/status-record.js";
import type { GitHubGateway, PullRequestInfo } from "../github/gateway.js";
import type { GitHubSource } from "../repo/github-source.js";
import type { Snapshot } from "../repo/snapshot.js";
import { judgeApprovals, type ApprovalsPort } from "./approvals.js";
import type { DispatchAnswers } from "./dispatch-answers.js";
import { performEffects, type EffectsPort } from "./effects.js";
import { gatherFulfilment, observeRuns, type FactsPort } from "./fulfilment-facts.js";
import { publishPullRequest, type PublishPort, type RecordOutcome } from "./publish.js";
import type { StatusWriter } from "./status-writer.js";
import type { Timers } from "./timers.js";

export type PassPort = Pick<GitHubGateway, "pullRequest" | "pullRequestFiles" | "blob"> & ApprovalsPort & FactsPort & EffectsPort & PublishPort;

export interface PassDeps {
  gateway: PassPort;
  source: Pick<GitHubSource, "current" | "catalogAt">;
  writer: Pick<StatusWriter, "update">;
  /** The app's own login (`<slug>[bot]`): its comments are the sticky ones. */
  botLogin: string;
  now: () => Date;
  log: { warn(details: object, message: string): void };
  answers: DispatchAnswers;
  timers: Timers;
  /** How long a dispatched attempt may go without a run before it is lost. */
  dispatchGraceMs: number;
  /** Asks for another pass of a pull request (a wake-up came due). */
  schedule: (number: number) => void;
  /** Remembers which pull request a request belongs to, for events that name only the request (workflow runs). */
  remember: (requestId: string, pullRequest: number) => void;
}

const isRequestFile = (path: string) => isYamlUnder(path, DEFAULT_LAYOUT.requestsDir);

/**
 * Returns `again` when another pass is worth making at once: a record write raced another writer (whose facts may be
 * newer), or a dispatch went out whose run the next pass should record.
 */
export async function runPullRequestPass(deps: PassDeps, number: number): Promise<{ again: boolean }> {
  const { gateway } = deps;
  const snapshot = deps.source.current();
  // The runs of the records this pull request has are looked at while the pull request is read: one round trip
  // less between a run's event and the dispatch it makes possible.
  const observed = new Map<StatusRecord, Promise<Map<string, RunObservation>>>();
  for (const record of snapshot.records.values()) {
    if (record.pull_request !== number || !record.started_at) continue;
    const looking = observeRuns(deps, record, snapshot.repository.branch);
    looking.catch(() => undefined); // Seen by the caller that awaits it; a pass that fails before then drops it.
    observed.set(record, looking);
  }
  const pr = await gateway.pullRequest(number);
  const changed = await gateway.pullRequestFiles(pr);
  const files = await Promise.all(
    changed.filter((f) => f.status !== "removed" && isRequestFile(f.path)).map(async (f) => ({ path: f.path, sha: f.sha, text: await gateway.blob(f.sha) })),
  );
  const assessments = assessRequestFiles(snapshot.catalog, files, {
    repository: `${gateway.owner}/${gateway.repo}`,
    pullRequest: number,
    author: pr.author,
    defaultBranchRequests: snapshot.requestFiles.map((f) => f.path),
    targets: { files: snapshot.requestFiles, records: snapshot.records },
  });
  const approvals = await judgeApprovals(deps, pr, assessments);
  const settings: EngineSettings = { dispatchGraceMs: deps.dispatchGraceMs, merge: snapshot.catalog.config.merge };

  const decided = pr.fork ? { records: new Map<string, RecordOutcome>(), raced: false, effects: [] } : await recordRequests(deps, snapshot, pr, assessments, approvals, settings, observed);
  const outcomes = await performEffects(effectDeps(deps, number), decided.effects);
  if (!pr.fork) await mergeWhenDone(deps, pr, decided.records, settings);

  await publishPullRequest(deps, { snapshot, pr, changedPaths: changed.map((f) => f.path), assessments, approvals, records: decided.records });
  return { again: decided.raced || outcomes.dispatched };
}

function effectDeps(deps: PassDeps, number: number) {
  return { gateway: deps.gateway, answers: deps.answers, timers: deps.timers, wake: () => deps.schedule(number), now: deps.now, log: deps.log };
}

/**
 * Lets the state machine decide the record of each of the pull request's requests — the files it has now, and any
 * recorded earlier that it no longer has — on the records as the status branch holds them when the write happens.
 */
async function recordRequests(
  deps: PassDeps,
  snapshot: Snapshot,
  pr: PullRequestInfo,
  assessments: readonly RequestAssessment[],
  approvals: ReadonlyMap<string, ApprovalState>,
  settings: EngineSettings,
  observed: ReadonlyMap<StatusRecord, Promise<Map<string, RunObservation>>>,
): Promise<{ records: Map<string, RecordOutcome>; raced: boolean; effects: Effect[] }> {
  const now = deps.now().toISOString();
  const pullRequest: PullRequestFacts = {
    number: pr.number,
    state: pr.state,
    merged: pr.merged,
    fork: pr.fork,
    intoDefaultBranch: pr.base === snapshot.repository.branch,
    author: pr.author,
    headSha: pr.headSha,
    draft: pr.draft,
  };
  const requests = new Map<string, RequestAssessment | null>(assessments.map((a) => [a.requestId, a]));
  for (const record of snapshot.records.values()) {
    if (record.pull_request === pr.number && !requests.has(record.request_id)) requests.set(record.request_id, null);
  }
  const records = new Map<string, RecordOutcome>();
  const effects: Effect[] = [];
  let raced = false;
  // One request's failure (an unreadable record, GitHub failing) must not keep the others from being recorded.
  await Promise.all(
    [...requests].map(async ([id, request]) => {
      deps.remember(id, pr.number);
      const approval = request ? (approvals.get(request.path) ?? null) : null;
      try {
        const known = snapshot.records.get(id) ?? null;
        const fulfilment = await gatherFulfilment({ ...deps, settings }, snapshot, known, request, { pullRequest: pr.number, author: pr.author, headSha: pr.headSha }, known ? observed.get(known) : undefined);
        const written = await deps.writer.update(id, (current) => decide(current, { pullRequest, request, approval, now, fulfilment }));
        records.set(id, written.record);
        effects.push(...written.effects);
        raced ||= written.raced;
      } catch (error) {
        deps.log.warn({ err: error, requestId: id }, "pao: could not decide or write a status record");
        records.set(id, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  return { records, raced, effects };
}

/**
 * Merges the pull request once every request it orders is completed, and records how that went on each record (a
 * refusal is for a person to see, and is not tried again for the same head). The outcomes are updated in place, so
 * what the pass publishes says how the merge went.
 */
async function mergeWhenDone(deps: PassDeps, pr: PullRequestInfo, outcomes: Map<string, RecordOutcome>, settings: EngineSettings): Promise<void> {
  const records = [...outcomes.values()].filter((r): r is StatusRecord => r !== null && !(r instanceof Error));
  if (records.length !== outcomes.size) return;
  const decision = decideMerge(records, pr, settings);
  if (decision.type === "none") return;
  const at = deps.now().toISOString();
  let merge: NonNullable<StatusRecord["merge"]>;
  if (decision.type === "refuse") merge = { outcome: "refused", sha: decision.sha, message: decision.message, at };
  else if (decision.type === "record-merged") merge = { outcome: "merged", sha: decision.sha, message: null, at };
  else {
    const { merge: result } = await performEffects(effectDeps(deps, pr.number), [decision.effect]);
    const outcome = result!.outcome;
    // A refusal may only mean someone merged it first (a second replica of pao, or a person): GitHub says which.
    const mergedMeanwhile = !outcome.merged && (await deps.gateway.pullRequest(pr.number)).merged;
    if (outcome.merged || mergedMeanwhile) merge = { outcome: "merged", sha: decision.effect.sha, message: null, at };
    else {
      merge = { outcome: "refused", sha: decision.effect.sha, message: `GitHub answered ${outcome.status}: ${outcome.message}`, at };
      deps.log.warn({ pullRequest: pr.number, status: outcome.status }, "pao: GitHub refused to merge a fulfilled pull request; a person merges it");
    }
  }
  for (const record of records) {
    // A merge recorded for this head stays recorded, whatever a slower writer learnt.
    const keep = (current: StatusRecord) => current.merge?.outcome === "merged" && current.merge.sha === merge.sha;
    const written = await deps.writer.update(record.request_id, (current) => ({ record: current ? (keep(current) ? current : { ...current, merge }) : current, effects: [] }));
    outcomes.set(record.request_id, written.record);
  }
}
