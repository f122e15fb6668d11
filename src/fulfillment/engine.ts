/**
 * Fulfilment, the part of the state machine that runs a started request (DESIGN.md, "Fulfilment"): start it with
 * its plan frozen, settle in-flight attempts from what GitHub says of their runs, retry failed ones after a backoff,
 * dispatch the steps that are ready, and end the request completed or failed. Pure: every fact is given, the
 * intent of each dispatch is in the record it returns, and effects are data.
 *
 *   step:  pending ─ ready ─▶ dispatched ─ run in progress ─▶ running ─ success, verified ─▶ completed
 *                 ▲                 │                              │
 *                 └─ attempts left ◀┴──── failure, timeout, lost ──┴─▶ failed (attempts spent)
 */
import type { Attempt, StatusRecord, StepRecord } from "./status-record.js";
import { backoffMs } from "./backoff.js";
import { addMs, durationMs, isPast } from "./durations.js";
import type { Effect } from "./effects.js";
import type { FrozenPlan } from "./frozen-plan.js";
import { attemptKey, runMatches, type RunObservation } from "./run-facts.js";
import { DEFAULT_QUEUE_TIMEOUT, DEFAULT_TIMEOUT, type EngineSettings } from "./settings.js";
import { verify } from "./verify.js";

export interface FulfilmentFacts {
  /** The frozen plan rendered for this request; null when it could not be (the catalog at its commit is unreadable). */
  frozen: FrozenPlan | null;
  /** What GitHub says of the runs of in-flight attempts, by attempt key; an attempt not in here was not looked at. */
  runs: ReadonlyMap<string, RunObservation>;
  settings: EngineSettings;
  defaultBranch: string;
  /** owner/name of the catalog repository. */
  repository: string;
  /** The pull request's head now: what a started request is fulfilled for. */
  headSha: string;
}

export interface Fulfilled {
  record: StatusRecord;
  effects: Effect[];
}

const LIVE_ATTEMPT: ReadonlySet<Attempt["status"]> = new Set(["dispatched", "running"]);
const QUEUED_RUN = new Set(["queued", "requested", "waiting", "pending"]);

const latest = (step: StepRecord): Attempt | undefined => step.attempts[step.attempts.length - 1];
export const isLive = (step: StepRecord): boolean => LIVE_ATTEMPT.has(latest(step)?.status ?? "completed");

/** Starts a submitted request: the plan is frozen into the record, and it is in progress. */
export function start(record: StatusRecord, frozen: FrozenPlan, headSha: string, now: string): StatusRecord {
  return {
    ...record,
    status: "in_progress",
    catalog_commit: frozen.catalogCommit,
    head_sha: headSha,
    started_at: now,
    fulfillment: {
      ...record.fulfillment,
      parallel_limit: frozen.parallelLimit,
      can_abort: true,
      steps: record.fulfillment.steps.map((s) => {
        const f = frozen.steps.get(s.step_id);
        if (!f) return s;
        return {
          ...s,
          workflow: f.workflow,
          payload_sha256: "sha256" in f.payload ? f.payload.sha256 : null,
          retry_policy: { max_attempts: f.retry_policy.max_attempts, backoff_strategy: f.retry_policy.backoff_strategy, initial_delay: f.retry_policy.initial_delay ?? null },
          timeout: f.timeout,
          queue_timeout: f.queue_timeout,
          next_attempt_at: null,
        };
      }),
    },
  };
}

/** Moves an in-progress request on: settle what the runs say, retry, dispatch what is ready, and end it when done. */
export function advance(record: StatusRecord, facts: FulfilmentFacts, now: string): Fulfilled {
  const effects: Effect[] = [];
  let steps = record.fulfillment.steps.map((step) => settleStep(record, step, facts, now, effects));
  const spent = steps.some((s) => s.status === "failed");
  if (!spent) steps = dispatchReady(record, steps, facts, now, effects);
  for (const step of steps) {
    if (step.status === "pending" && step.next_attempt_at && !spent) effects.push({ type: "wake", key: `${record.request_id}/${step.step_id}/retry`, at: step.next_attempt_at });
  }

  const next: StatusRecord = { ...record, fulfillment: { ...record.fulfillment, steps } };
  if (steps.every((s) => s.status === "completed" || s.status === "skipped")) {
    return { record: { ...next, status: "completed", completed_at: now, fulfillment: { ...next.fulfillment, can_abort: false, can_resume: false } }, effects };
  }
  if (spent && !steps.some(isLive)) {
    // No new step starts once one has failed for good; the running ones finished, so the request has failed.
    return {
      record: {
        ...next,
        status: "failed",
        fulfillment: { ...next.fulfillment, steps: steps.map((s) => (s.status === "pending" ? { ...s, next_attempt_at: null } : s)), can_resume: true, can_abort: true },
      },
      effects,
    };
  }
  return { record: next, effects };
}

/** Settles a step's live attempt from its run (or the absence of one), and schedules a retry when it failed. */
function settleStep(record: StatusRecord, current: StepRecord, facts: FulfilmentFacts, now: string, effects: Effect[]): StepRecord {
  const last = latest(current);
  if (!last) return current;
  const key = attemptKey(record.request_id, current.step_id, last.attempt_number);
  const observation = facts.runs.get(key);
  const revived = reviveRerun(current, last, observation);
  if (!revived && !LIVE_ATTEMPT.has(last.status)) return current;
  const { step, attempt } = revived ?? { step: current, attempt: last };
  const requestedAt = attempt.requested_at ?? attempt.started_at ?? now;
  const queueDeadline = addMs(requestedAt, durationMs(step.queue_timeout ?? DEFAULT_QUEUE_TIMEOUT));

  if (!observation) return step;
  if (!observation.found) {
    if (observation.refused) return failAttempt(record, step, attempt, { type: "dispatch_refused", message: `GitHub refused to dispatch ${step.workflow ?? "the workflow"}: ${observation.refused}` }, now);
    const lostAt = addMs(requestedAt, facts.settings.dispatchGraceMs);
    if (isPast(lostAt, now)) {
      return failAttempt(record, step, attempt, { type: "dispatch_lost", message: `no run of ${step.workflow ?? "its workflow"} titled "pao ${key}" appeared within ${Math.round(facts.settings.dispatchGraceMs / 1000)} s of the dispatch` }, now);
    }
    effects.push({ type: "wake", key: `${key}/lost`, at: lostAt });
    return step;
  }

  const run = observation.run;
  if (!runMatches(run, { key, workflow: step.workflow ?? "", defaultBranch: facts.defaultBranch, repository: facts.repository })) return step;
  const seen: Attempt = { ...attempt, run_id: run.id, run_url: run.url, run_attempt: run.runAttempt };

  if (run.status === "completed") {
    const done = { ...seen, started_at: seen.started_at ?? run.startedAt ?? run.createdAt, completed_at: run.updatedAt };
    if (run.conclusion !== "success") {
      return failAttempt(record, step, done, { type: run.conclusion ?? "unknown", message: `the run ended ${run.conclusion ?? "without a conclusion"}: ${run.url}` }, now);
    }
    const outputs = observation.outputs ?? { ok: true as const, values: {} };
    if (!outputs.ok) return failAttempt(record, step, done, { type: outputs.type, message: `${outputs.message} (${run.url})` }, now);
    const checked = step.verification ? verify(step.verification, outputs.values) : null;
    const withOutputs: StepRecord = { ...step, outputs: outputs.values, ...(checked ? { verification: checked.verification } : {}) };
    if (checked?.failure) return failAttempt(record, withOutputs, done, { type: "verification_failed", message: `${checked.failure} (${run.url})` }, now);
    return replaceLatest({ ...withOutputs, status: "completed", next_attempt_at: null }, { ...done, status: "completed", error: null });
  }

  if (QUEUED_RUN.has(run.status)) {
    if (isPast(queueDeadline, now)) {
      effects.push({ type: "cancel-run", key, runId: run.id, force: false });
      return failAttempt(record, step, seen, { type: "queue_timeout", message: `the run waited for a runner longer than ${step.queue_timeout ?? DEFAULT_QUEUE_TIMEOUT}: ${run.url}` }, now);
    }
    effects.push({ type: "wake", key: `${key}/queue`, at: queueDeadline });
    return replaceLatest({ ...step, status: "dispatched" }, { ...seen, status: "dispatched" });
  }

  // In progress (or a status GitHub adds later): the attempt runs, bounded by the step's timeout from its start.
  const startedAt = seen.started_at ?? run.startedAt ?? now;
  const deadline = addMs(startedAt, durationMs(step.timeout ?? DEFAULT_TIMEOUT));
  if (isPast(deadline, now)) {
    effects.push({ type: "cancel-run", key, runId: run.id, force: false });
    return failAttempt(record, step, { ...seen, started_at: startedAt }, { type: "timeout", message: `the run took longer than ${step.timeout ?? DEFAULT_TIMEOUT}: ${run.url}` }, now);
  }
  effects.push({ type: "wake", key: `${key}/timeout`, at: deadline });
  return replaceLatest({ ...step, status: "running" }, { ...seen, status: "running", started_at: startedAt });
}

/**
 * Someone re-ran a failed attempt's run by hand while its retry waited (GitHub keeps the run id and counts its
 * run_attempt up): that run is the attempt again — live, its error and end cleared, the retry called off — so the
 * step is not run twice at once. Once the next attempt is dispatched, a re-run of an older one is not followed.
 */
function reviveRerun(step: StepRecord, attempt: Attempt, observation: RunObservation | undefined): { step: StepRecord; attempt: Attempt } | null {
  if (step.status !== "pending" || attempt.status !== "failed" || !observation?.found) return null;
  const run = observation.run;
  if (run.id !== attempt.run_id || run.runAttempt <= (attempt.run_attempt ?? 1)) return null;
  return {
    step: { ...step, next_attempt_at: null },
    attempt: { ...attempt, status: "dispatched", error: null, started_at: null, completed_at: null },
  };
}

/** The attempt failed: retried after a backoff while attempts are left, else the step has failed. */
function failAttempt(record: StatusRecord, step: StepRecord, attempt: Attempt, error: { type: string; message: string }, now: string): StepRecord {
  const failed: Attempt = { ...attempt, status: "failed", completed_at: attempt.completed_at ?? now, error };
  const policy = step.retry_policy ?? record.fulfillment.retry_policy;
  if (step.attempts.length < policy.max_attempts) {
    const key = attemptKey(record.request_id, step.step_id, attempt.attempt_number);
    return replaceLatest({ ...step, status: "pending", next_attempt_at: addMs(now, backoffMs(policy, step.attempts.length, key)) }, failed);
  }
  return replaceLatest({ ...step, status: "failed", next_attempt_at: null }, failed);
}

function replaceLatest(step: StepRecord, attempt: Attempt): StepRecord {
  return { ...step, attempts: [...step.attempts.slice(0, -1), attempt] };
}

/**
 * Dispatches the steps that are ready — pending, every step they depend on completed, any backoff over — up to the
 * request's parallel limit. The intent (a new attempt, `dispatched`, `requested_at`) is in the returned record, which
 * is committed before the dispatch effect is performed.
 */
function dispatchReady(record: StatusRecord, steps: StepRecord[], facts: FulfilmentFacts, now: string, effects: Effect[]): StepRecord[] {
  // Facts rendered from another commit's catalog than the one frozen (gathered before another writer started the
  // request) are not what this request runs: dispatch nothing on them, the next pass has the right ones.
  if (!facts.frozen || facts.frozen.catalogCommit !== record.catalog_commit) return steps;
  const done = new Set(steps.filter((s) => s.status === "completed" || s.status === "skipped").map((s) => s.step_id));
  let room = (record.fulfillment.parallel_limit ?? facts.frozen.parallelLimit) - steps.filter(isLive).length;
  return steps.map((step) => {
    if (room <= 0 || step.status !== "pending" || !step.depends_on.every((d) => done.has(d))) return step;
    if (step.next_attempt_at && !isPast(step.next_attempt_at, now)) return step;
    const frozen = facts.frozen!.steps.get(step.step_id);
    // A step with no workflow is manual work, which pao does not dispatch.
    if (!frozen || frozen.workflow === null) return step;
    const number = step.attempts.length + 1;
    const key = attemptKey(record.request_id, step.step_id, number);
    const attempt: Attempt = { attempt_number: number, status: "dispatched", requested_at: now, run_id: null, run_url: null, started_at: null, completed_at: null, error: null };
    if ("problem" in frozen.payload || (step.payload_sha256 && frozen.payload.sha256 !== step.payload_sha256)) {
      // Nothing can be sent: the attempt fails without a dispatch, and the step with it (a retry would send the same).
      const message = "problem" in frozen.payload ? `the payload cannot be rendered: ${frozen.payload.problem}` : "the payload rendered now differs from the one frozen when fulfilment started";
      return { ...step, status: "failed", next_attempt_at: null, attempts: [...step.attempts, { ...attempt, status: "failed", completed_at: now, error: { type: "payload_invalid", message } }] };
    }
    room -= 1;
    effects.push({ type: "dispatch", key, workflow: frozen.workflow, ref: facts.defaultBranch, inputs: { pao_step: key, pao_payload: frozen.payload.text } });
    return { ...step, status: "dispatched", next_attempt_at: null, attempts: [...step.attempts, attempt] };
  });
}

/** Live runs of a request that ends (its pull request closed, or aborted): each is cancelled. */
export function cancelLiveRuns(record: StatusRecord): Effect[] {
  return record.fulfillment.steps.flatMap((s): Effect[] => {
    const a = latest(s);
    return a && LIVE_ATTEMPT.has(a.status) && a.run_id ? [{ type: "cancel-run", key: attemptKey(record.request_id, s.step_id, a.attempt_number), runId: a.run_id, force: false }] : [];
  });
}
