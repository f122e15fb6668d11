/**
 * Two replicas of pao against one GitHub, as behind a load balancer: every webhook is delivered twice and the copies
 * land on different replicas, both run the reconciler and timers, and both write the same status branch
 * (compare-and-swap). Several orders fulfilled at once: each attempt dispatched once, each pull request merged once.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../sim/index.js";
import { until, writes } from "./github-world.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit } from "./fulfilment-kit.js";

// Writes unpaced: the two replicas race each other as closely as they can.
const world = useRequestWorld({ PAO_RECONCILE_INTERVAL_SECONDS: "5", PAO_WRITE_INTERVAL_MS: "0" });
const { recordOn, quiet } = requestKit(world);
const { runsOf, runOf, finish } = fulfilmentKit(world, recordOn);

describe("two replicas", { timeout: 600_000 }, () => {
  it("fulfil six orders at once with one run per attempt and one merge per pull request", async () => {
    await world().startReplica();
    const hooks = world().sim.webhooks;
    hooks.options = { copies: 2 };
    try {
      const orders = Array.from({ length: 6 }, (_, i) => {
        const path = `requests/product-team/replica-${i}.yaml`;
        const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: `replica-${i}`, title: "Order", files: { [path]: CACHE(`replica-${i}`) } });
        return { id: idOf(path, pull.number), pull };
      });
      const runs = await Promise.all(orders.map(({ id }) => runOf(`${id}/step-001/1`)));
      for (const run of runs) finish(run, "success", { endpoint: "cache.example.test:6379" });
      const merged = () => orders.every(({ id, pull }) => recordOn(id)?.merge?.outcome === "merged" && world().repo.pulls.get(pull.number)!.merged);
      await until(merged, "every order merged and its merge recorded", 400_000).catch(() => undefined);
      const states = orders.map(({ id, pull }) => `#${pull.number} ${recordOn(id)?.status} merge ${JSON.stringify(recordOn(id)?.merge ?? null)} pr merged ${world().repo.pulls.get(pull.number)!.merged}`);
      expect(merged(), states.join("\n")).toBe(true);
      // Both replicas list pull requests every 5 s: reads never fall silent for long, the writes of duplicate work would.
      await quiet(3_000, writes);
    } finally {
      hooks.options = {};
    }
    for (const { id, pull } of [...world().repo.pulls.values()].filter((p) => p.head.ref.startsWith("replica-")).map((p) => ({ pull: p, id: idOf(`requests/product-team/${p.head.ref}.yaml`, p.number) }))) {
      expect(runsOf(`${id}/step-001/1`)).toHaveLength(1);
      expect(runsOf(`${id}/step-001/2`)).toHaveLength(0);
      const merges = world().sim.calls.filter((c) => c.operationId === "pulls/merge" && c.path.endsWith(`/pulls/${pull.number}/merge`) && c.status === 200);
      expect(merges).toHaveLength(1);
      expect(recordOn(id)).toMatchObject({ status: "completed" });
    }
  });
});
