/**
 * Many things at once, end to end: six independent steps whose runs all complete at the same moment, while GitHub
 * refuses two of pao's status-branch writes of the record (a 409 and a 422, as when another writer changed it). Every
 * completion is recorded and the step that waits on all six is dispatched exactly once.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../sim/index.js";
import { idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit, httpItem } from "./fulfilment-kit.js";

const world = useRequestWorld();
const { recordOn, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step, finish, publishItem } = fulfilmentKit(world, recordOn);

const SIX = ["one", "two", "three", "four", "five", "six"];
const FAN_IN = httpItem({
  name: "fan-in-demo",
  description: "Six independent HTTP steps and one that waits for all of them",
  parallelLimit: 6,
  steps: [...SIX.map((name) => ({ name })), { name: "gather", dependsOn: SIX, label: false }],
});

describe("fulfilment under concurrency", { timeout: 300_000 }, () => {
  it("records six runs that complete together despite two refused status writes, and dispatches their dependant once", async () => {
    await publishItem(FAN_IN, "catalog/compute/fan-in-demo.yaml");
    const path = "requests/product-team/fan-in.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "fan-in", title: "Order", files: { [path]: "catalog_item: fan-in-demo\nversion: 1.0.0\nparameters:\n  label: fan\n" } });
    const id = idOf(path, pull.number);
    const steps = SIX.map((_, i) => `step-00${i + 1}`);
    const runs = await Promise.all(steps.map((s) => runOf(`${id}/${s}/1`)));
    await recordWhen(id, "all six runs recorded", (r) => steps.every((s) => step(r, s).attempts[0]?.run_id != null));
    await quiet();

    // One record changes, so each write is one contents call, compare-and-swap on the record's file.
    world().sim.fault({ match: "repos/create-or-update-file-contents", status: 409, times: 1 });
    world().sim.fault({ match: "repos/create-or-update-file-contents", status: 422, times: 1 });
    for (const run of runs) finish(run, "success", { http_status: 200 });

    const gathered = await runOf(`${id}/step-007/1`);
    const record = await recordWhen(id, "all six completed", (r) => steps.every((s) => step(r, s).status === "completed"));
    for (const s of steps) expect(step(record, s).attempts).toEqual([expect.objectContaining({ status: "completed" })]);
    const refused = world().sim.calls.filter((c) => c.operationId === "repos/create-or-update-file-contents" && (c.status === 409 || c.status === 422));
    expect(refused).toHaveLength(2);

    finish(gathered, "success", { http_status: 200 });
    await recordWhen(id, "completed", (r) => r.status === "completed");
    await quiet();
    expect(runsOf(`${id}/step-007/1`)).toHaveLength(1);
    expect(runsOf(`${id}/step-007/2`)).toHaveLength(0);
    for (const s of steps) expect(runsOf(`${id}/${s}/1`)).toHaveLength(1);
  });
});
