/**
 * An action's `timeout` and `queue_timeout` end to end: a run that runs too long, or waits too long for a runner,
 * is cancelled on GitHub and its attempt fails (`timeout`, `queue_timeout`); the step is retried by its policy and
 * the request goes on. The late cancellation of the old run changes nothing about the new attempt.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest, startRun } from "../sim/index.js";
import { idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit, pipelineItem, pipelineRequest } from "./fulfilment-kit.js";
import { until } from "./github-world.js";

const world = useRequestWorld();
const { recordOn, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step, finish, publishItem } = fulfilmentKit(world, recordOn);

const order = (path: string, text: string, branch: string) => openPullRequest(world().sim, world().repo, { author: "dev-user", branch, title: "Order", files: { [path]: text } });
const cancels = (runId: number) => world().sim.calls.filter((c) => c.operationId === "actions/cancel-workflow-run" && c.path.includes(`/runs/${runId}/`));

describe("timeouts of an attempt", { timeout: 240_000 }, () => {
  it("cancels a run that runs past its timeout and a run that waits past its queue timeout, fails each attempt, and retries", async () => {
    await publishItem(pipelineItem({ name: "slow-demo", timeout: "4s", queueTimeout: "4s", maxAttempts: 3 }), "catalog/compute/slow-demo.yaml");
    const path = "requests/product-team/slow.yaml";
    const pull = order(path, pipelineRequest("slow", "slow-demo"), "slow");
    const id = idOf(path, pull.number);

    // Attempt 1 starts and never ends: cancelled once it has run 4 s.
    const first = await runOf(`${id}/step-001/1`);
    startRun(world().sim, world().repo, first.id);
    const timedOut = await recordWhen(id, "attempt 1 timed out", (r) => step(r, "step-001").attempts[0]?.status === "failed");
    expect(step(timedOut, "step-001").attempts[0]!.error).toMatchObject({ type: "timeout", message: expect.stringContaining("longer than 4s") });
    // The cancel is performed once the failure is committed.
    await until(() => first.conclusion === "cancelled", "attempt 1's run cancelled");
    expect(cancels(first.id)).toHaveLength(1);

    // Attempt 2 is never picked up by a runner: cancelled once it has waited 4 s.
    const second = await runOf(`${id}/step-001/2`);
    const unqueued = await recordWhen(id, "attempt 2 waited too long", (r) => step(r, "step-001").attempts[1]?.status === "failed");
    expect(step(unqueued, "step-001").attempts[1]!.error).toMatchObject({ type: "queue_timeout" });
    await until(() => second.conclusion === "cancelled", "attempt 2's run cancelled");

    // Attempt 3 runs in time; the request goes on.
    const third = await runOf(`${id}/step-001/3`);
    finish(third, "success", { http_status: 200 });
    await recordWhen(id, "step-001 completed", (r) => step(r, "step-001").status === "completed");
    await quiet();
    for (const n of [1, 2, 3]) expect(runsOf(`${id}/step-001/${n}`)).toHaveLength(1);
    expect(cancels(first.id)).toHaveLength(1);
    expect(cancels(second.id)).toHaveLength(1);
    expect(step(recordOn(id)!, "step-001").attempts.map((a) => a.status)).toEqual(["failed", "failed", "completed"]);
  });
});
