/**
 * Twenty orders in flight at once on one pao: each is started, dispatched once, completed and merged.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../sim/index.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit } from "./fulfilment-kit.js";

// Writes unpaced (as on a server without secondary limits): the subject is many orders at once, not the pacing.
const world = useRequestWorld({ PAO_WRITE_INTERVAL_MS: "0" });
const { recordOn, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, finish } = fulfilmentKit(world, recordOn);

describe("many orders at once", { timeout: 600_000 }, () => {
  it("fulfils twenty orders in flight together, each dispatched once and merged once", async () => {
    const orders = Array.from({ length: 20 }, (_, i) => {
      const path = `requests/product-team/many-${i}.yaml`;
      const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: `many-${i}`, title: "Order", files: { [path]: CACHE(`many-${i}`) } });
      return { id: idOf(path, pull.number), pull };
    });
    // Every one in flight before any finishes.
    const runs = await Promise.all(orders.map(({ id }) => runOf(`${id}/step-001/1`)));
    for (const run of runs) finish(run, "success", { endpoint: "cache.example.test:6379" });
    for (const { id } of orders) await recordWhen(id, "merged", (r) => r.merge?.outcome === "merged", 300_000);
    await quiet(3_000);
    for (const { id, pull } of orders) {
      expect(recordOn(id)).toMatchObject({ status: "completed" });
      expect(world().repo.pulls.get(pull.number)!.merged).toBe(true);
      expect(runsOf(`${id}/step-001/1`)).toHaveLength(1);
      expect(runsOf(`${id}/step-001/2`)).toHaveLength(0);
    }
  });
});
