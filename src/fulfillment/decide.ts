/**
 * The state machine of a request's life in its pull request (DESIGN.md: `decide(snapshot, status, event)`).
 * Given the record as the status branch has it now and the facts of the pull request as GitHub has them now, it
 * says what the record should be. It reads the whole state rather than the event that woke it, so a redelivered,
 * late or reordered webhook reaches the same record, and the status writer may call it again on fresher state
 * after losing a race.
 *
 *   (none) ── valid ──▶ awaiting_approval ⇄ submitted        (approval given, or voided by a change)
 *      any of these ── invalid change ──▶ validating ── valid change ──▶ awaiting_approval | submitted
 *      any of these ── closed unmerged, or file taken out ──▶ cancelled ── reopened ──▶ as if new, created_at kept
 *   in_progress ── pull request closed unmerged ──▶ aborted
 *
 * `validating` is a request whose latest content does not validate: it waits for a fix and is not fulfilled.
 * Once fulfilment has started, the request content is fixed: a change is refused (see `changeRefusal`) and the
 * record is left as it is. A merged pull request leaves its records to fulfilment; forks and pull requests into
 * another branch than the default one get none (one retargeted away from it has its requests cancelled, and taken up
 * again when it comes back).
 */
import { isDeepStrictEqual } from "node:util";
import type { Diagnostic } from "../diagnostics.js";
import type { ApprovalState } from "./approval.js";
import type { RequestAssessment } from "./assess.js";
import type { Effect } from "./effects.js";
import { advance, cancelLiveRuns, start, type FulfilmentFacts } from "./engine.js";
import { newStatusRecord } from "./record.js";
import type { ApprovalRecord, RequestStatus, StatusRecord, StepStatus } from "./status-record.js";

export interface PullRequestFacts {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  /** From a fork: validated, never fulfilled, so never recorded. */
  fork: boolean;
  /** Into the default branch; a pull request into another branch is validated, never fulfilled nor recorded. */
  intoDefaultBranch: boolean;
  /** The requester. */
  author: string;
  headSha: string;
  /** A draft pull request is validated and recorded, but its requests start only once it is ready for review. */
  draft: boolean;
}

export interface DecideInput {
  pullRequest: PullRequestFacts;
  /** The request file as the pull request has it now; null when the pull request no longer adds or changes it. */
  request: RequestAssessment | null;
  /** Whether the current content is approved; null when the request needs no approval or is not valid. */
  approval: ApprovalState | null;
  /** ISO 8601 instant. */
  now: string;
  /** What fulfilment needs (the frozen plan, the runs); absent when the pass gathered none, so nothing starts or moves. */
  fulfilment?: FulfilmentFacts;
}

/** The record a request should have, and what the world must do for it (performed once the record is committed). */
export interface Decision {
  record: StatusRecord | null;
  effects: Effect[];
}

/** Statuses after which closing or changing the pull request no longer changes the record. */
const ENDED: ReadonlySet<RequestStatus> = new Set(["completed", "failed", "cancelled", "aborted"]);
/** Statuses a request reaches only once its fulfilment has started (whether it is still going or has ended). */
const REACHED_BY_FULFILMENT: ReadonlySet<RequestStatus> = new Set(["in_progress", "completed", "failed", "aborted"]);
const UNFINISHED_STEPS: ReadonlySet<StepStatus> = new Set(["pending", "dispatched", "running"]);

/** Fulfilment has begun: the record is in a status only fulfilment reaches, or some step was attempted. */
export function hasStarted(record: StatusRecord): boolean {
  return REACHED_BY_FULFILMENT.has(record.status) || record.fulfillment.steps.some((s) => s.attempts.length > 0);
}

export function decide(current: StatusRecord | null, input: DecideInput): Decision {
  let next = transition(current, input);
  const effects: Effect[] = [];
  if (current?.status === "in_progress" && next?.status === "aborted") effects.push(...cancelLiveRuns(current));
  const f = input.fulfilment;
  if (next !== null && f) {
    if (next.status === "submitted" && mayFulfil(input.pullRequest) && f.frozen && input.request?.valid) next = start(next, f.frozen, f.headSha, input.now);
    if (next.status === "in_progress") {
      const advanced = advance(next, f, input.now);
      next = advanced.record;
      effects.push(...advanced.effects);
    }
  }
  if (next === null || current === null) return { record: next, effects };
  if (sameRecord({ ...next, updated_at: current.updated_at }, current)) return { record: current, effects };
  return { record: { ...next, updated_at: input.now }, effects };
}

/**
 * Fulfilment starts for pull requests of this repository into the default branch that are ready for review, or
 * were merged early (a merged pull request's requests go on, DESIGN.md "Merged early").
 */
function mayFulfil(pr: PullRequestFacts): boolean {
  return !pr.fork && pr.intoDefaultBranch && ((pr.state === "open" && !pr.draft) || pr.merged);
}

function transition(current: StatusRecord | null, input: DecideInput): StatusRecord | null {
  const { pullRequest: pr, request } = input;
  if (pr.fork) return current;
  // Retargeted away from the default branch: like a closed pull request until it comes back.
  if (!pr.intoDefaultBranch) return current === null || ENDED.has(current.status) || hasStarted(current) ? current : end(current, "cancelled");
  if (pr.state === "closed") {
    if (pr.merged && current !== null && (current.status === "awaiting_approval" || current.status === "validating")) {
      const why = current.status === "validating" ? "its request file did not validate" : "it had its approval";
      return { ...end(current, "cancelled"), status_reason: `the pull request was merged before ${why}; open a new pull request to order it` };
    }
    if (pr.merged || current === null || ENDED.has(current.status)) return current;
    return end(current, hasStarted(current) ? "aborted" : "cancelled");
  }
  if (current !== null && hasStarted(current)) return current;
  if (request === null) return current === null || current.status === "cancelled" ? current : end(current, "cancelled");
  if (request.valid === null) {
    if (current === null) return null;
    return { ...current, status: "validating", request_sha: request.sha, ...(current.approval ? { approval: unapproved(current.approval) } : {}) };
  }
  const { request: valid, plan, need } = request.valid;
  const approved = input.approval?.approved ? input.approval : null;
  const record = newStatusRecord({
    requestId: request.requestId,
    definition: valid.definition,
    parameters: valid.parameters,
    plan,
    requester: { user_id: pr.author, team: valid.requester?.team },
    pullRequest: pr.number,
    requestPath: request.path,
    now: current?.created_at ?? input.now,
    approval: need
      ? { reason: need.reason, teams: need.teams, approved_by: approved?.by ?? null, review_id: approved?.reviewId ?? null, approved_at: approved?.at ?? null }
      : null,
    requestSha: request.sha,
  });
  return record;
}

/** The record of a request that ends before or during fulfilment; steps that had not finished are cancelled. */
function end(record: StatusRecord, status: "cancelled" | "aborted"): StatusRecord {
  return {
    ...record,
    status,
    fulfillment: {
      ...record.fulfillment,
      steps: record.fulfillment.steps.map((s) =>
        UNFINISHED_STEPS.has(s.status)
          ? { ...s, status: "cancelled", next_attempt_at: null, attempts: s.attempts.map((a) => (a.status === "dispatched" || a.status === "running" ? { ...a, status: "cancelled" } : a)) }
          : s,
      ),
      can_resume: false,
      can_abort: false,
    },
  };
}

function unapproved(approval: ApprovalRecord): ApprovalRecord {
  return { ...approval, approved_by: null, review_id: null, approved_at: null };
}

/**
 * The refusal of a change to a request file after its fulfilment started — edited, or taken out of the pull
 * request (`request` null) — which the check fails with.
 */
export function changeRefusal(record: StatusRecord | null, request: RequestAssessment | null): Diagnostic | null {
  if (record === null || !hasStarted(record) || record.request_sha === request?.sha) return null;
  const over = ENDED.has(record.status);
  if (request === null && over) return null;
  const what = request === null ? "the request file was taken out of this pull request" : "this change to the request is not applied";
  return {
    code: "request-changed-after-start",
    severity: "error",
    file: request?.path ?? record.request_path,
    line: 1,
    column: 1,
    message: over
      ? `${record.request_id} has ended (status ${record.status}); ${what}`
      : `fulfilment of ${record.request_id} has started (status ${record.status}); ${what}`,
    hint: over
      ? "revert the change, and open a new pull request to order again"
      : request === null
        ? "put the file back as it was, or comment /abort on this pull request first"
        : "comment /abort on this pull request first, or revert the change to the request file",
  };
}

/** Equal content, whatever the order of keys and however absent values are spelled. */
function sameRecord(a: StatusRecord, b: StatusRecord): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}
