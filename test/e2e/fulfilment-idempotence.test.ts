/**
 * A whole fulfilment lifecycle — the order opened, its run started, the run completed, the merge — told twice: once
 * with each webhook delivered once in order, once with every delivery held and then sent three times each in a
 * seeded shuffled order after each act (pao's own events included). Exactly one dispatch per attempt and one merge,
 * and the same end as in order.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest, startRun } from "../sim/index.js";
import { completeRun } from "../sim/groups/actions.js";
import { until } from "./github-world.js";
import { CACHE, idOf, requestKit, shuffled, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit } from "./fulfilment-kit.js";

const world = useRequestWorld();
const { recordOn, checkRuns, stickyComments, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step } = fulfilmentKit(world, recordOn);

describe("fulfilment idempotence", { timeout: 300_000 }, () => {
  /** The order, from opening to merge; `between` runs after each act. */
  async function story(name: string, between: () => Promise<void>) {
    const path = `requests/product-team/${name}.yaml`;
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: name, title: "Order a cache", files: { [path]: CACHE(name) } });
    const id = idOf(path, pull.number);
    await between();
    const run = await runOf(`${id}/step-001/1`);
    startRun(world().sim, world().repo, run.id);
    await between();
    completeRun(world().sim, world().repo, run.id, { conclusion: "success", outputs: { endpoint: "cache.example.test:6379", resource_count: 3 } });
    await between();
    await until(() => world().repo.pulls.get(pull.number)!.merged, `#${pull.number} merged`);
    await between();
    await recordWhen(id, "the merge recorded", (r) => r.merge?.outcome === "merged");
    await quiet();
    return { id, pull };
  }

  /** What a person sees at the end, without what differs between two orders by design (ids, names, times). */
  async function endState(id: string, number: number, head: string) {
    const record = recordOn(id)!;
    const merges = world().sim.calls.filter((c) => c.operationId === "pulls/merge" && c.path.endsWith(`/pulls/${number}/merge`));
    return {
      status: record.status,
      steps: record.fulfillment.steps.map((s) => ({ status: s.status, attempts: s.attempts.map((a) => a.status), outputs: s.outputs })),
      merge: record.merge?.outcome,
      runs: [1, 2].map((n) => runsOf(`${id}/step-001/${n}`).length),
      merges: merges.map((c) => c.status),
      checkRuns: (await checkRuns(head)).map((c) => [c.output.title, c.conclusion]),
      comments: (await stickyComments(number)).length,
    };
  }

  it("ends the same, with one dispatch and one merge, when every delivery comes three times in shuffled order", async () => {
    const plain = await story("cache-in-order", () => quiet());
    const expected = await endState(plain.id, plain.pull.number, plain.pull.head.sha);
    expect(expected).toMatchObject({ status: "completed", merge: "merged", runs: [1, 0], merges: [200], comments: 1 });
    expect(expected.checkRuns).toEqual([["1 request fulfilled", "success"]]);

    const hooks = world().sim.webhooks;
    const seeds = [20261207, 11, 42, 5];
    hooks.options = { copies: 3 };
    hooks.holding = true;
    let replay: Awaited<ReturnType<typeof story>>;
    try {
      replay = await story("cache-shuffled", async () => {
        await hooks.release(shuffled(seeds.shift() ?? 1));
        await quiet();
        // Whatever pao's own work caused meanwhile comes in the next act, late.
      });
      await hooks.release(shuffled(99));
    } finally {
      hooks.holding = false;
      hooks.options = {};
    }
    await quiet();
    expect(await endState(replay.id, replay.pull.number, replay.pull.head.sha)).toEqual(expected);
    expect(step(recordOn(replay.id)!, "step-001").attempts).toHaveLength(1);
    const delivered = hooks.deliveries.filter((d) => d.event === "workflow_run" && (d.payload["workflow_run"] as { display_title: string }).display_title.includes(replay.id));
    expect(delivered.length).toBeGreaterThanOrEqual(3);
    expect(delivered.every((d) => d.status === 200)).toBe(true);
  });
});
