/**
 * PAO_WRITE_INTERVAL_MS spaces pao's writes to GitHub (GitHub asks integrations for a second between
 * content-creating requests). Here it is 2,500 ms, and every write pao makes through a whole order, bursts of
 * status commits included, is answered at least that long after the one before (pao starts a write that long after
 * the previous one's answer); writes that notify people (the comment, the merge) three times that: the setting
 * governs all of pao's writes, not some.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../sim/index.js";
import { until } from "./github-world.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit } from "./fulfilment-kit.js";

const INTERVAL_MS = 2500;
const world = useRequestWorld({ PAO_WRITE_INTERVAL_MS: String(INTERVAL_MS) });
const { recordOn } = requestKit(world);
const { runOf, recordWhen, step, finish } = fulfilmentKit(world, recordOn);

describe("pacing of writes", { timeout: 240_000 }, () => {
  it("keeps every write of an order at least PAO_WRITE_INTERVAL_MS from the one before", async () => {
    const path = "requests/product-team/paced.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "paced", title: "Order", files: { [path]: CACHE("paced") } });
    const id = idOf(path, pull.number);
    finish(await runOf(`${id}/step-001/1`), "success", { endpoint: "paced.cache.example.test:6379" });
    await recordWhen(id, "completed", (r) => r.status === "completed" && step(r, "step-001").status === "completed");
    await until(() => world().repo.pulls.get(pull.number)!.merged, "the pull request merged");

    const writes = world().sim.calls.filter((c) => c.caller === "installation" && c.method !== "GET").map((c) => c.at);
    // Intent, dispatch, run recorded, completion, merge, check and comment updates: a real burst, not two writes.
    expect(writes.length).toBeGreaterThanOrEqual(8);
    const gaps = writes.slice(1).map((at, i) => at - writes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_MS);
    const notifying = world().sim.calls.filter((c) => c.caller === "installation" && (/^POST .*\/issues\/\d+\/comments$/.test(`${c.method} ${c.path}`) || /^PUT .*\/merge$/.test(`${c.method} ${c.path}`))).map((c) => c.at);
    expect(notifying).toHaveLength(2);
    expect(notifying[1]! - notifying[0]!).toBeGreaterThanOrEqual(3 * INTERVAL_MS);
  });
});
