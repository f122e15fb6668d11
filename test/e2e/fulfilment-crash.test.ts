/**
 * pao killed with SIGKILL at the worst moments of a dispatch, then started again against the same GitHub: no shutdown
 * code runs, so only what was committed to the status branch survives. Each attempt is dispatched once — a dispatch
 * that reached GitHub is found by its run's title, one that never did is lost after the grace period and retried —
 * and the request completes with one run for the step.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../sim/index.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit } from "./fulfilment-kit.js";

const GRACE_SECONDS = 6;
const world = useRequestWorld({ PAO_DISPATCH_GRACE_SECONDS: String(GRACE_SECONDS), PAO_DISPATCH_TIMEOUT_SECONDS: "120" });
const { recordOn, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step, finish } = fulfilmentKit(world, recordOn);

const order = (path: string, name: string) => openPullRequest(world().sim, world().repo, { author: "dev-user", branch: name, title: "Order", files: { [path]: CACHE(name) } });
const dispatchCalls = () => world().sim.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch");

describe("pao killed mid-dispatch", { timeout: 300_000 }, () => {
  it("killed after committing the intent, before the dispatch reached GitHub: the attempt is lost after the grace period and retried, one run in all", async () => {
    // The dispatch takes 8 s to reach GitHub; pao dies meanwhile, so it never arrives.
    world().sim.fault({ match: "actions/create-workflow-dispatch", latencyMs: 8_000, times: 1 });
    const path = "requests/product-team/crash-before.yaml";
    const pull = order(path, "crash-before");
    const id = idOf(path, pull.number);
    const intent = await recordWhen(id, "the intent committed", (r) => step(r, "step-001").attempts[0]?.status === "dispatched");
    expect(step(intent, "step-001").attempts[0]!.run_id ?? null).toBeNull();
    await world().pao.kill();
    // pao died looking for an existing run or with the dispatch on its way: either way GitHub never acted on it
    // (a call on its way when its caller died is dropped by the simulator once its 8 s are up).
    await new Promise((r) => setTimeout(r, 9_000));
    expect(dispatchCalls().filter((c) => c.status !== 499)).toHaveLength(0);
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(0);

    await world().restart();
    // Lost after the grace period, then retried after the policy's backoff (30 s): attempt 2.
    const retry = await runOf(`${id}/step-001/2`);
    const record = await recordWhen(id, "attempt 2 recorded with its run", (r) => step(r, "step-001").attempts[1]?.run_id === retry.id);
    expect(step(record, "step-001").attempts[0]).toMatchObject({ attempt_number: 1, status: "failed", error: { type: "dispatch_lost" } });
    finish(retry, "success", { endpoint: "crash-before.cache.example.test:6379" });
    await recordWhen(id, "completed", (r) => r.status === "completed");
    await quiet();
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(0);
    expect(runsOf(`${id}/step-001/2`)).toHaveLength(1);
  });

  it("killed after GitHub started the run, before pao recorded its id: the run is found, not dispatched again", async () => {
    // GitHub acts on the dispatch at once but its answer takes a minute; pao dies waiting for it.
    world().sim.fault({ match: "actions/create-workflow-dispatch", answerAfterWorkMs: 60_000, times: 1 });
    const path = "requests/product-team/crash-after.yaml";
    const pull = order(path, "crash-after");
    const id = idOf(path, pull.number);
    const run = await runOf(`${id}/step-001/1`);
    expect(step(recordOn(id)!, "step-001").attempts[0]!.run_id ?? null).toBeNull();
    await world().pao.kill();

    await world().restart();
    await recordWhen(id, "the run found by its title after the restart", (r) => step(r, "step-001").attempts[0]?.run_id === run.id);
    finish(run, "success", { endpoint: "crash-after.cache.example.test:6379" });
    const done = await recordWhen(id, "completed", (r) => r.status === "completed");
    expect(step(done, "step-001").attempts).toHaveLength(1);
    // Past the grace period too: still the one run.
    await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 1) * 1000));
    await quiet();
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(1);
    expect(runsOf(`${id}/step-001/2`)).toHaveLength(0);
  });
});
