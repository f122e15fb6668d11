/**
 * A run re-run by hand (GitHub's "Re-run all jobs": the same run id and inputs, a new run_attempt) stays the attempt
 * it was dispatched for: pao follows the run's latest run attempt, notes it in the record, and dispatches nothing for
 * it — neither while the failed attempt's retry was waiting, nor when the re-run came before pao saw the failure.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../sim/index.js";
import { completeRun, startRun } from "../sim/groups/actions.js";
import { NAME, OWNER } from "./github-world.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit } from "./fulfilment-kit.js";

const world = useRequestWorld({ PAO_WRITE_INTERVAL_MS: "0" });
const { recordOn, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step } = fulfilmentKit(world, recordOn);

/** An order for a cache, and the run pao dispatched for its one step. */
async function order(name: string) {
  const path = `requests/product-team/${name}.yaml`;
  const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: name, title: "Order", files: { [path]: CACHE(name) } });
  const id = idOf(path, pull.number);
  return { id, run: await runOf(`${id}/step-001/1`) };
}

/** A maintainer presses "Re-run all jobs" on the run. */
async function rerunByHand(runId: number): Promise<void> {
  const answer = await world().as("ops-dev").request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun", { owner: OWNER, repo: NAME, run_id: runId });
  expect(answer.status).toBe(201);
}

describe("runs re-run by hand", { timeout: 240_000 }, () => {
  it("takes back a failed attempt whose run is re-run while its retry waits: completed as attempt 1, no attempt 2 ever", async () => {
    const { id, run } = await order("rerun-in-backoff");
    startRun(world().sim, world().repo, run.id);
    completeRun(world().sim, world().repo, run.id, { conclusion: "failure" });
    // The item's policy: three attempts, 30 s exponential backoff. The retry is due in about 30 s.
    const failed = await recordWhen(id, "attempt 1 failed, its retry due", (r) => step(r, "step-001").attempts[0]?.status === "failed");
    const due = Date.parse(step(failed, "step-001").next_attempt_at!);

    await rerunByHand(run.id);
    const revived = await recordWhen(id, "attempt 1 live again as run attempt 2", (r) => step(r, "step-001").attempts[0]?.run_attempt === 2);
    expect(step(revived, "step-001")).toMatchObject({ status: "dispatched", next_attempt_at: null, attempts: [{ attempt_number: 1, status: "dispatched", error: null }] });

    startRun(world().sim, world().repo, run.id);
    completeRun(world().sim, world().repo, run.id, { conclusion: "success", outputs: { endpoint: "rerun-in-backoff.cache.example.test:6379" } });
    const done = await recordWhen(id, "completed", (r) => r.status === "completed");
    expect(step(done, "step-001")).toMatchObject({
      status: "completed",
      outputs: { endpoint: "rerun-in-backoff.cache.example.test:6379" },
      attempts: [{ attempt_number: 1, run_id: run.id, run_attempt: 2, status: "completed" }],
    });
    // Past the time the retry would have been dispatched, there is still no second attempt.
    while (Date.now() < due + 2000) await new Promise((r) => setTimeout(r, 500));
    await quiet();
    expect(runsOf(`${id}/step-001/2`)).toEqual([]);
    expect(step(recordOn(id)!, "step-001").attempts).toHaveLength(1);
  });

  it("follows a re-run that came before pao saw the failure: the failure of run attempt 1 never counts", async () => {
    const { id, run } = await order("rerun-unseen");
    await recordWhen(id, "the run recorded", (r) => step(r, "step-001").attempts[0]?.run_id === run.id);
    // GitHub fails to deliver the end of run attempt 1; by the time pao could look, the run was re-run.
    const previous = world().sim.webhooks.options.drop;
    world().sim.webhooks.options.drop = (event, payload) => {
      const r = payload["workflow_run"] as { id?: number; run_attempt?: number } | undefined;
      return (event === "workflow_run" && r?.id === run.id && r.run_attempt === 1) || (previous?.(event, payload) ?? false);
    };
    startRun(world().sim, world().repo, run.id);
    completeRun(world().sim, world().repo, run.id, { conclusion: "failure" });
    await rerunByHand(run.id);
    const again = await recordWhen(id, "run attempt 2 noted", (r) => step(r, "step-001").attempts[0]?.run_attempt === 2);
    expect(step(again, "step-001").attempts).toEqual([expect.objectContaining({ attempt_number: 1, status: "dispatched", error: null })]);

    startRun(world().sim, world().repo, run.id);
    completeRun(world().sim, world().repo, run.id, { conclusion: "success", outputs: { endpoint: "rerun-unseen.cache.example.test:6379" } });
    const done = await recordWhen(id, "completed", (r) => r.status === "completed");
    expect(step(done, "step-001").attempts).toEqual([expect.objectContaining({ attempt_number: 1, run_attempt: 2, status: "completed", error: null })]);
    await quiet();
    expect(runsOf(`${id}/step-001/2`)).toEqual([]);
  });
});
