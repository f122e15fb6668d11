/**
 * The fulfilment state machine on its own (src/fulfillment/engine.ts, merge.ts, backoff.ts): records and facts made
 * by hand, the decision read back. The end-to-end files show the same behaviour against the simulator; these pin
 * each rule at the instant it changes (a grace period or a timeout ending) where a story can only pass through it.
 */
import { describe, expect, it } from "vitest";
import { backoffMs } from "../../src/fulfillment/backoff.js";
import type { Effect } from "../../src/fulfillment/effects.js";
import { advance, start, type FulfilmentFacts } from "../../src/fulfillment/engine.js";
import { sha256, type FrozenPlan, type FrozenStep } from "../../src/fulfillment/frozen-plan.js";
import { decideMerge } from "../../src/fulfillment/merge.js";
import { runTitle, type RunFacts, type RunObservation } from "../../src/fulfillment/run-facts.js";
import type { EngineSettings } from "../../src/fulfillment/settings.js";
import { StatusRecord, type StepRecord } from "../../src/fulfillment/status-record.js";

const ID = "req-0123456789ab";
const CATALOG_COMMIT = "c".repeat(40);
const HEAD = "a".repeat(40);
const T0 = "2026-01-10T10:00:00.000Z";
const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const settings: EngineSettings = { dispatchGraceMs: 600_000, merge: { enabled: true, method: "squash" } };

/** step-001 and step-002 are independent; step-003 needs both. */
function submitted(overrides: { verification?: StepRecord["verification"]; maxAttempts?: number } = {}): StatusRecord {
  const step = (id: string, depends_on: string[] = []) => ({ step_id: id, name: `do_${id.slice(-1)}`, type: "HttpPost", status: "pending", depends_on });
  return StatusRecord.parse({
    request_id: ID,
    status: "submitted",
    kind: "catalog_item",
    name: "webhook",
    version: "1.0.0",
    requester: { user_id: "dev-user" },
    created_at: T0,
    updated_at: T0,
    pull_request: 7,
    request_path: "requests/team/hook.yaml",
    fulfillment: {
      execution_mode: "automation",
      retry_policy: { max_attempts: 3, backoff_strategy: "exponential", initial_delay: "30s" },
      steps: [{ ...step("step-001"), verification: overrides.verification ?? null }, step("step-002"), step("step-003", ["step-001", "step-002"])],
      can_resume: false,
      can_abort: true,
    },
  });
}

function frozenPlan(options: { parallelLimit?: number; maxAttempts?: number; problem?: string; commit?: string } = {}): FrozenPlan {
  const steps = new Map<string, FrozenStep>();
  for (const id of ["step-001", "step-002", "step-003"]) {
    const text = JSON.stringify({ url: `https://hooks.example.test/${id}` });
    steps.set(id, {
      step_id: id,
      workflow: "pao-http.yml",
      payload: options.problem && id === "step-001" ? { problem: options.problem } : { text, sha256: sha256(text) },
      retry_policy: { max_attempts: options.maxAttempts ?? 2, backoff_strategy: "exponential", initial_delay: "30s" },
      timeout: "10m",
      queue_timeout: "5m",
    });
  }
  return { catalogCommit: options.commit ?? CATALOG_COMMIT, parallelLimit: options.parallelLimit ?? 4, steps };
}

function facts(frozen: FrozenPlan, runs: Record<string, RunObservation> = {}): FulfilmentFacts {
  return { frozen, runs: new Map(Object.entries(runs)), settings, defaultBranch: "main", repository: "acme/catalog", headSha: HEAD };
}

const key = (step: string, attempt = 1) => `${ID}/${step}/${attempt}`;

/** A run that may speak for the attempt `k`, as GitHub would report it; `changes` make it one that may not. */
function run(k: string, status: string, conclusion: string | null = null, changes: Partial<RunFacts> = {}): RunObservation {
  return {
    found: true,
    run: {
      id: 5000 + Number(k.slice(-1)) * 10 + Number(k.split("/")[1]!.slice(-1)),
      url: `https://github.test/acme/catalog/actions/runs/${k}`,
      workflowPath: ".github/workflows/pao-http.yml",
      event: "workflow_dispatch",
      headBranch: "main",
      repository: "acme/catalog",
      displayTitle: runTitle(k),
      status,
      conclusion,
      runAttempt: 1,
      createdAt: at(5),
      startedAt: status === "queued" ? null : at(10),
      updatedAt: at(60),
      ...changes,
    },
  };
}

const stepOf = (record: StatusRecord, id: string) => record.fulfillment.steps.find((s) => s.step_id === id)!;
const dispatched = (effects: Effect[]) => effects.filter((e) => e.type === "dispatch").map((e) => (e.type === "dispatch" ? e.inputs.pao_step : ""));

/** A started request with step-001 and step-002 dispatched at T0. */
function inFlight(frozen = frozenPlan(), record = submitted()): StatusRecord {
  const first = advance(start(record, frozen, HEAD, T0), facts(frozen), T0);
  expect(dispatched(first.effects)).toEqual([key("step-001"), key("step-002")]);
  return first.record;
}

describe("starting a request", () => {
  it("freezes the plan into the record: the catalog commit, head, and per step its workflow, payload digest, policy and timeouts", () => {
    const frozen = frozenPlan({ parallelLimit: 2 });
    const record = start(submitted(), frozen, HEAD, T0);
    expect(record).toMatchObject({ status: "in_progress", catalog_commit: CATALOG_COMMIT, head_sha: HEAD, started_at: T0, fulfillment: { parallel_limit: 2 } });
    const payload = JSON.stringify({ url: "https://hooks.example.test/step-002" });
    expect(stepOf(record, "step-002")).toMatchObject({
      workflow: "pao-http.yml",
      payload_sha256: sha256(payload),
      retry_policy: { max_attempts: 2, backoff_strategy: "exponential", initial_delay: "30s" },
      timeout: "10m",
      queue_timeout: "5m",
      next_attempt_at: null,
    });
    expect(StatusRecord.parse(record)).toEqual(record);
  });
});

describe("dispatching", () => {
  it("dispatches the ready steps once, with the intent in the record, exactly pao_step and pao_payload, on the default branch", () => {
    const frozen = frozenPlan();
    const { record, effects } = advance(start(submitted(), frozen, HEAD, T0), facts(frozen), T0);
    expect(effects).toEqual([
      { type: "dispatch", key: key("step-001"), workflow: "pao-http.yml", ref: "main", inputs: { pao_step: key("step-001"), pao_payload: '{"url":"https://hooks.example.test/step-001"}' } },
      { type: "dispatch", key: key("step-002"), workflow: "pao-http.yml", ref: "main", inputs: { pao_step: key("step-002"), pao_payload: '{"url":"https://hooks.example.test/step-002"}' } },
    ]);
    expect(stepOf(record, "step-001")).toMatchObject({ status: "dispatched", attempts: [{ attempt_number: 1, status: "dispatched", requested_at: T0, run_id: null }] });
    expect(stepOf(record, "step-003").status).toBe("pending");
    // Deciding again on what was committed, with nothing heard of the runs yet, dispatches nothing more.
    const again = advance(record, facts(frozen), at(1));
    expect(again.effects).toEqual([]);
    expect(again.record).toEqual(record);
  });

  it("keeps to the parallel limit, and dispatches a dependant only once everything it needs has completed", () => {
    const frozen = frozenPlan({ parallelLimit: 1 });
    let { record, effects } = advance(start(submitted(), frozen, HEAD, T0), facts(frozen), T0);
    expect(dispatched(effects)).toEqual([key("step-001")]);
    ({ record, effects } = advance(record, facts(frozen, { [key("step-001")]: run(key("step-001"), "completed", "success") }), at(60)));
    expect(dispatched(effects)).toEqual([key("step-002")]);
    expect(stepOf(record, "step-003").status).toBe("pending");
    ({ record, effects } = advance(record, facts(frozen, { [key("step-002")]: run(key("step-002"), "completed", "success") }), at(120)));
    expect(dispatched(effects)).toEqual([key("step-003")]);
  });

  it("dispatches nothing on facts rendered from another catalog commit than the frozen one", () => {
    const frozen = frozenPlan();
    const started = start(submitted(), frozen, HEAD, T0);
    const { record, effects } = advance(started, facts(frozenPlan({ commit: "d".repeat(40) })), T0);
    expect(effects).toEqual([]);
    expect(record.fulfillment.steps.every((s) => s.status === "pending")).toBe(true);
  });

  it("fails a step whose payload cannot be rendered without dispatching it", () => {
    const frozen = frozenPlan({ problem: "the rendered payload is 70000 characters" });
    const { record, effects } = advance(start(submitted(), frozen, HEAD, T0), facts(frozen), T0);
    expect(dispatched(effects)).toEqual([key("step-002")]);
    expect(stepOf(record, "step-001")).toMatchObject({ status: "failed", attempts: [{ status: "failed", error: { type: "payload_invalid" } }] });
  });
});

describe("runs move steps on", () => {
  it("counts only a run of the attempt's workflow, dispatched on the default branch of this repository, titled after the attempt", () => {
    const record = inFlight();
    const k = key("step-001");
    const strangers: Array<[string, Partial<RunFacts>]> = [
      ["another workflow", { workflowPath: ".github/workflows/deploy.yml" }],
      ["another event", { event: "push" }],
      ["a pull request branch", { headBranch: "order-cache" }],
      ["another repository", { repository: "acme/catalog-other" }],
      ["another attempt's title", { displayTitle: runTitle(key("step-001", 7)) }],
      ["a title naming nothing", { displayTitle: "deploy everything" }],
    ];
    for (const [what, changes] of strangers) {
      const next = advance(record, facts(frozenPlan(), { [k]: run(k, "completed", "success", changes) }), at(60));
      expect(next.record, what).toEqual(record);
      expect(next.effects, what).toEqual([]);
    }
  });

  it("records a queued run as dispatched and a started one as running, with its id and link, waking at the deadlines", () => {
    const record = inFlight();
    const k = key("step-001");
    const queued = advance(record, facts(frozenPlan(), { [k]: run(k, "queued") }), at(5));
    expect(stepOf(queued.record, "step-001")).toMatchObject({ status: "dispatched", attempts: [{ run_id: expect.any(Number), run_url: expect.stringContaining("/runs/") }] });
    expect(queued.effects).toContainEqual({ type: "wake", key: `${k}/queue`, at: at(300) });
    const running = advance(queued.record, facts(frozenPlan(), { [k]: run(k, "in_progress") }), at(20));
    expect(stepOf(running.record, "step-001")).toMatchObject({ status: "running", attempts: [{ status: "running", started_at: at(10) }] });
    expect(running.effects).toContainEqual({ type: "wake", key: `${k}/timeout`, at: at(610) });
  });

  it("completes a step with the outputs of a successful run, and checks its verification", () => {
    const k = key("step-001");
    const verified = inFlight(frozenPlan(), submitted({ verification: { type: "http_status", expected: "200" } }));
    const ok = advance(verified, facts(frozenPlan(), { [k]: { ...run(k, "completed", "success"), outputs: { ok: true, values: { http_status: 200 } } } as RunObservation }), at(60));
    expect(stepOf(ok.record, "step-001")).toMatchObject({ status: "completed", outputs: { http_status: 200 }, verification: { actual: 200, verified: true }, attempts: [{ status: "completed", completed_at: at(60) }] });
    const bad = advance(verified, facts(frozenPlan(), { [k]: { ...run(k, "completed", "success"), outputs: { ok: true, values: { http_status: 500 } } } as RunObservation }), at(60));
    expect(stepOf(bad.record, "step-001")).toMatchObject({
      status: "pending",
      verification: { actual: 500, verified: false },
      attempts: [{ status: "failed", error: { type: "verification_failed", message: expect.stringContaining("expected HTTP status 200, the run reported 500") } }],
    });
  });

  it("fails the attempt of a run that could not publish readable outputs, naming why", () => {
    const k = key("step-001");
    const observation = { ...run(k, "completed", "success"), outputs: { ok: false, type: "outputs_invalid", message: "pao-outputs holds no outputs.json" } } as RunObservation;
    const next = advance(inFlight(), facts(frozenPlan(), { [k]: observation }), at(60));
    expect(stepOf(next.record, "step-001").attempts[0]!.error).toMatchObject({ type: "outputs_invalid", message: expect.stringContaining("no outputs.json") });
  });

  it("completes the request when every step has, and asks to merge the head fulfilment started from", () => {
    const frozen = frozenPlan();
    let { record } = advance(
      inFlight(frozen),
      facts(frozen, { [key("step-001")]: run(key("step-001"), "completed", "success"), [key("step-002")]: run(key("step-002"), "completed", "success") }),
      at(60),
    );
    ({ record } = advance(record, facts(frozen, { [key("step-003")]: run(key("step-003"), "completed", "success") }), at(120)));
    expect(record).toMatchObject({ status: "completed", completed_at: at(120), fulfillment: { can_abort: false, can_resume: false } });
    expect(decideMerge([record], { number: 7, state: "open", headSha: HEAD }, settings)).toEqual({
      type: "merge",
      effect: { type: "merge", key: `pull/7/${HEAD}`, pullRequest: 7, sha: HEAD, method: "squash" },
    });
  });
});

describe("when attempts fail", () => {
  it("retries a failed run after its backoff, as a fresh attempt, and wakes then", () => {
    const frozen = frozenPlan();
    const k = key("step-001");
    const failed = advance(inFlight(frozen), facts(frozen, { [k]: run(k, "completed", "failure") }), at(60));
    const step = stepOf(failed.record, "step-001");
    expect(step).toMatchObject({ status: "pending", attempts: [{ status: "failed", error: { type: "failure", message: expect.stringContaining("/runs/") } }] });
    const due = step.next_attempt_at!;
    expect(Date.parse(due) - Date.parse(at(60))).toBe(backoffMs({ backoff_strategy: "exponential", initial_delay: "30s" }, 1, k));
    expect(failed.effects).toContainEqual({ type: "wake", key: `${ID}/step-001/retry`, at: due });
    // Not before the backoff is over; then attempt 2, once.
    expect(dispatched(advance(failed.record, facts(frozen), at(61)).effects)).toEqual([]);
    const retried = advance(failed.record, facts(frozen), due);
    expect(dispatched(retried.effects)).toEqual([key("step-001", 2)]);
    expect(stepOf(retried.record, "step-001").attempts.map((a) => a.status)).toEqual(["failed", "dispatched"]);
  });

  it("waits for a run through the grace period, then fails the attempt as dispatch_lost", () => {
    const frozen = frozenPlan();
    const k = key("step-001");
    const waiting = advance(inFlight(frozen), facts(frozen, { [k]: { found: false } }), at(30));
    expect(stepOf(waiting.record, "step-001").status).toBe("dispatched");
    expect(waiting.effects).toContainEqual({ type: "wake", key: `${k}/lost`, at: at(600) });
    const lost = advance(waiting.record, facts(frozen, { [k]: { found: false } }), at(600));
    expect(stepOf(lost.record, "step-001").attempts[0]!.error).toMatchObject({ type: "dispatch_lost", message: expect.stringContaining(`"pao ${k}"`) });
  });

  it("fails the attempt GitHub refused to dispatch, saying why", () => {
    const k = key("step-001");
    const next = advance(inFlight(), facts(frozenPlan(), { [k]: { found: false, refused: "Unexpected inputs provided: [\"extra\"] (422)" } }), at(1));
    expect(stepOf(next.record, "step-001").attempts[0]!.error).toMatchObject({ type: "dispatch_refused", message: expect.stringContaining("Unexpected inputs") });
  });

  it("cancels a run past its timeout, or one queued past its queue timeout, and fails the attempt", () => {
    const k = key("step-001");
    const slow = advance(inFlight(), facts(frozenPlan(), { [k]: run(k, "in_progress") }), at(610));
    expect(slow.effects).toContainEqual({ type: "cancel-run", key: k, runId: expect.any(Number), force: false });
    expect(stepOf(slow.record, "step-001").attempts[0]!.error).toMatchObject({ type: "timeout", message: expect.stringContaining("longer than 10m") });
    const stuck = advance(inFlight(), facts(frozenPlan(), { [k]: run(k, "queued") }), at(300));
    expect(stuck.effects).toContainEqual({ type: "cancel-run", key: k, runId: expect.any(Number), force: false });
    expect(stepOf(stuck.record, "step-001").attempts[0]!.error).toMatchObject({ type: "queue_timeout" });
  });

  it("a spent step starts nothing new; the request fails, resumable, once its running siblings end", () => {
    const frozen = frozenPlan({ maxAttempts: 1 });
    const record = inFlight(frozen);
    const one = advance(record, facts(frozen, { [key("step-001")]: run(key("step-001"), "completed", "failure"), [key("step-002")]: run(key("step-002"), "in_progress") }), at(60));
    expect(one.record.status).toBe("in_progress");
    expect(stepOf(one.record, "step-001").status).toBe("failed");
    expect(dispatched(one.effects)).toEqual([]);
    const two = advance(one.record, facts(frozen, { [key("step-002")]: run(key("step-002"), "completed", "success") }), at(120));
    expect(two.record).toMatchObject({ status: "failed", fulfillment: { can_resume: true } });
    expect(stepOf(two.record, "step-003").status).toBe("pending");
    expect(dispatched(two.effects)).toEqual([]);
  });

  it("keeps a run re-run by hand as the same attempt, noting its run_attempt", () => {
    const k = key("step-001");
    const rerun = run(k, "completed", "success", { runAttempt: 2 });
    const next = advance(inFlight(), facts(frozenPlan(), { [k]: rerun }), at(60));
    expect(stepOf(next.record, "step-001").attempts).toEqual([expect.objectContaining({ attempt_number: 1, run_attempt: 2, status: "completed" })]);
  });

  it("takes back a failed attempt whose run someone re-ran during its backoff: the same attempt, no other dispatch", () => {
    const frozen = frozenPlan();
    const k = key("step-001");
    const failed = advance(inFlight(frozen), facts(frozen, { [k]: run(k, "completed", "failure") }), at(60));
    expect(stepOf(failed.record, "step-001").status).toBe("pending");
    // The same run, seen again at its first run attempt, changes nothing: the retry stays due.
    const same = advance(failed.record, facts(frozen, { [k]: run(k, "completed", "failure") }), at(61));
    expect(stepOf(same.record, "step-001")).toEqual(stepOf(failed.record, "step-001"));
    // Re-run by hand: queued again as run attempt 2. The attempt lives again; its retry is off.
    const rerun = advance(failed.record, facts(frozen, { [k]: run(k, "queued", null, { runAttempt: 2, startedAt: null }) }), at(62));
    expect(stepOf(rerun.record, "step-001")).toMatchObject({ status: "dispatched", next_attempt_at: null });
    expect(stepOf(rerun.record, "step-001").attempts).toEqual([expect.objectContaining({ attempt_number: 1, run_attempt: 2, status: "dispatched", error: null, completed_at: null })]);
    // Long after the backoff would have ended, nothing is dispatched: the re-run is that attempt.
    const later = advance(rerun.record, facts(frozen, { [k]: run(k, "in_progress", null, { runAttempt: 2, startedAt: at(70) }) }), at(400));
    expect(dispatched(later.effects)).toEqual([]);
    expect(stepOf(later.record, "step-001").attempts[0]).toMatchObject({ status: "running", started_at: at(70) });
    const done = advance(later.record, facts(frozen, { [k]: run(k, "completed", "success", { runAttempt: 2, startedAt: at(70), updatedAt: at(420) }) }), at(421));
    expect(stepOf(done.record, "step-001")).toMatchObject({ status: "completed", attempts: [{ attempt_number: 1, run_attempt: 2, status: "completed" }] });
  });
});

describe("the merge decision", () => {
  const completed = (head = HEAD, merge: StatusRecord["merge"] = null): StatusRecord => ({ ...submitted(), status: "completed", head_sha: head, merge });
  const open = { number: 7, state: "open" as const, headSha: HEAD };

  it("waits until every request of the pull request is completed", () => {
    expect(decideMerge([completed(), { ...completed(), status: "in_progress" }], open, settings)).toEqual({ type: "none" });
  });

  it("leaves a pull request whose head moved after the start to a person, saying why", () => {
    expect(decideMerge([completed("b".repeat(40))], open, settings)).toMatchObject({ type: "refuse", message: expect.stringContaining("changed after fulfilment started") });
  });

  it("does not try a merge again for a head GitHub already refused or merged, nor when merging is off or the pull request closed", () => {
    expect(decideMerge([completed(HEAD, { outcome: "refused", sha: HEAD, message: "405", at: T0 })], open, settings)).toEqual({ type: "none" });
    expect(decideMerge([completed()], open, { ...settings, merge: { enabled: false, method: "merge" } })).toEqual({ type: "none" });
    expect(decideMerge([completed()], { ...open, state: "closed" }, settings)).toEqual({ type: "none" });
  });

  it("records a merge that happened but was never recorded (pao stopped in between), and only then", () => {
    const mergedPr = { ...open, state: "closed" as const, merged: true };
    expect(decideMerge([completed()], mergedPr, settings)).toEqual({ type: "record-merged", sha: HEAD });
    expect(decideMerge([completed(HEAD, { outcome: "merged", sha: HEAD, message: null, at: T0 })], mergedPr, settings)).toEqual({ type: "none" });
    expect(decideMerge([completed(), { ...completed(), status: "in_progress" }], mergedPr, settings)).toEqual({ type: "none" });
  });
});

describe("backoff", () => {
  it("grows by the strategy within ±10 % jitter, the same for the same attempt, capped at an hour", () => {
    const k = key("step-001");
    const within = (ms: number, base: number) => ms >= base * 0.9 && ms <= base * 1.1;
    expect(within(backoffMs({ backoff_strategy: "exponential", initial_delay: "30s" }, 3, k), 120_000)).toBe(true);
    expect(within(backoffMs({ backoff_strategy: "linear", initial_delay: "30s" }, 3, k), 90_000)).toBe(true);
    expect(within(backoffMs({ backoff_strategy: "fixed", initial_delay: "30s" }, 3, k), 30_000)).toBe(true);
    expect(within(backoffMs({ backoff_strategy: "exponential", initial_delay: "30m" }, 10, k), 3_600_000)).toBe(true);
    expect(backoffMs({ backoff_strategy: "exponential" }, 2, k)).toBe(backoffMs({ backoff_strategy: "exponential" }, 2, k));
    expect(backoffMs({ backoff_strategy: "fixed" }, 1, key("step-001"))).not.toBe(backoffMs({ backoff_strategy: "fixed" }, 1, key("step-002")));
  });
});
