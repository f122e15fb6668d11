/**
 * Fulfilment when GitHub's webhooks do not come: pao looks at every request in progress at start and every
 * PAO_RECONCILE_INTERVAL_SECONDS (here 3), so a run whose `workflow_run` events were never delivered is still settled
 * — a success completes the step, a `startup_failure` is retried by the step's policy — and nothing is dispatched
 * twice. (Kills of the pao process at the worst moments are issue 11's next part.)
 */
import { describe, expect, it } from "vitest";
import { openPullRequest, startRun } from "../sim/index.js";
import { completeRun } from "../sim/groups/actions.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit } from "./fulfilment-kit.js";

const RECONCILE_SECONDS = 3;
const world = useRequestWorld({ PAO_RECONCILE_INTERVAL_SECONDS: String(RECONCILE_SECONDS) });
const { recordOn, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step } = fulfilmentKit(world, recordOn);

/** An order whose first run pao has dispatched and recorded, and of which GitHub delivers no event from now on. */
async function silentRun(name: string) {
  const path = `requests/product-team/${name}.yaml`;
  const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: name, title: "Order", files: { [path]: CACHE(name) } });
  const id = idOf(path, pull.number);
  const run = await runOf(`${id}/step-001/1`);
  await recordWhen(id, "the run recorded", (r) => step(r, "step-001").attempts[0]?.run_id === run.id);
  dropEventsOf(run.id);
  return { id, run };
}

/** GitHub fails to deliver every workflow_run event of this run from now on. */
function dropEventsOf(runId: number): void {
  const previous = world().sim.webhooks.options.drop;
  world().sim.webhooks.options.drop = (event, payload) =>
    (event === "workflow_run" && (payload["workflow_run"] as { id?: number } | undefined)?.id === runId) || (previous?.(event, payload) ?? false);
}

describe("fulfilment without webhooks", { timeout: 240_000 }, () => {
  it("settles a run whose completion was never delivered, by looking at it on its own", async () => {
    const { id, run } = await silentRun("silent-run");
    startRun(world().sim, world().repo, run.id);
    completeRun(world().sim, world().repo, run.id, { conclusion: "success", outputs: { endpoint: "silent-run.cache.example.test:6379" } });
    const done = await recordWhen(id, "completed without any workflow_run event", (r) => r.status === "completed");
    expect(step(done, "step-001")).toMatchObject({ status: "completed", outputs: { endpoint: "silent-run.cache.example.test:6379" } });
    const deliveries = world().sim.webhooks.deliveries.filter((d) => d.event === "workflow_run" && (d.payload["workflow_run"] as { id: number }).id === run.id);
    // GitHub sent pao nothing after the request for the run: pao found the end itself.
    expect(deliveries.filter((d) => !d.dropped).map((d) => d.action)).not.toContain("completed");
    expect(deliveries.filter((d) => d.dropped).map((d) => d.action)).toEqual(["in_progress", "completed"]);
    await quiet();
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(1);
  });

  it("retries, by the step's policy, a run that ended in startup_failure with no event", async () => {
    const { id, run } = await silentRun("broken-start");
    completeRun(world().sim, world().repo, run.id, { conclusion: "startup_failure" });
    // Failed by the reconciler's look, then retried after the backoff (the default policy: 3 attempts, 30 s
    // exponential), as a fresh dispatch.
    const failed = await recordWhen(id, "attempt 1 failed as startup_failure", (r) => step(r, "step-001").attempts[0]?.status === "failed");
    expect(step(failed, "step-001")).toMatchObject({ status: "pending", attempts: [{ error: { type: "startup_failure" } }] });
    const due = Date.parse(step(failed, "step-001").next_attempt_at!);
    const retry = await runOf(`${id}/step-001/2`);
    expect(Date.parse(retry.created_at)).toBeGreaterThanOrEqual(due);
    await quiet();
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(1);
    expect(runsOf(`${id}/step-001/2`)).toHaveLength(1);
  });

  it("finds a pull request whose opening was never delivered (pao was down, or the delivery failed) and fulfils it", async () => {
    // Down: the delivery fails and GitHub does not send it again.
    await world().pao.kill();
    const whileDown = "requests/product-team/while-down.yaml";
    const down = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "while-down", title: "Order", files: { [whileDown]: CACHE("while-down") } });
    await world().sim.webhooks.settled();
    expect(world().sim.webhooks.deliveries.find((d) => d.event === "pull_request" && (d.payload["pull_request"] as { number: number }).number === down.number)?.status).toBeNull();
    await world().restart();
    // Up, but this one delivery is lost on the way.
    const previous = world().sim.webhooks.options.drop;
    world().sim.webhooks.options.drop = (event, payload) => (event === "pull_request" && (payload["pull_request"] as { head?: { ref?: string } }).head?.ref === "lost-delivery") || (previous?.(event, payload) ?? false);
    const lostPath = "requests/product-team/lost-delivery.yaml";
    const lost = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "lost-delivery", title: "Order", files: { [lostPath]: CACHE("lost-delivery") } });

    for (const [path, pull] of [[whileDown, down], [lostPath, lost]] as const) {
      const id = idOf(path, pull.number);
      const run = await runOf(`${id}/step-001/1`);
      startRun(world().sim, world().repo, run.id);
      completeRun(world().sim, world().repo, run.id, { conclusion: "success", outputs: { endpoint: `${pull.head.ref}.cache.example.test:6379` } });
      await recordWhen(id, "completed", (r) => r.status === "completed");
    }
    await quiet();
    expect(runsOf(`${idOf(whileDown, down.number)}/step-001/1`)).toHaveLength(1);
    expect(runsOf(`${idOf(lostPath, lost.number)}/step-001/1`)).toHaveLength(1);
  });
});
