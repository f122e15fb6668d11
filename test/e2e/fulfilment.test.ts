/**
 * Fulfilment end to end: the real pao server as a GitHub App against the simulator. A valid request on an open pull
 * request into the default branch starts at once: its plan is frozen into the record, each step is dispatched once
 * as an executor workflow run on the default branch, runs move the steps on, and when every step is done the
 * request is completed and the pull request merged.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest, startRun } from "../sim/index.js";
import { until } from "./github-world.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit, sha256 } from "./fulfilment-kit.js";

const world = useRequestWorld();
const { recordOn, checkRuns, commentSaying, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step, finish } = fulfilmentKit(world, recordOn);

describe("fulfilling a request", () => {
  it("starts at once, dispatches its step once on the default branch with exactly pao_step and pao_payload, advances with the run, completes and merges", async () => {
    const path = "requests/product-team/fulfil-cache.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "fulfil-cache", title: "Order a cache", files: { [path]: CACHE("fulfil-cache") } });
    const id = idOf(path, pull.number);
    const key = `${id}/step-001/1`;

    // Started: the plan frozen into the record, the step dispatched with its intent recorded and the run it got.
    const started = await recordWhen(id, "step-001 dispatched with its run", (r) => step(r, "step-001").attempts[0]?.run_id != null);
    const main = world().repo.refs.get(`heads/${world().repo.defaultBranch}`)!;
    expect(started).toMatchObject({ status: "in_progress", catalog_commit: main, head_sha: pull.head.sha });
    const frozen = step(started, "step-001");
    expect(frozen).toMatchObject({ status: "dispatched", type: "TerraformFile", workflow: "pao-terraform.yml", timeout: "60m", queue_timeout: "30m" });
    expect(frozen.retry_policy).toMatchObject({ max_attempts: 3, backoff_strategy: "exponential" });
    expect(frozen.attempts).toHaveLength(1);
    expect(frozen.attempts[0]).toMatchObject({ attempt_number: 1, status: "dispatched" });
    expect(Date.parse(frozen.attempts[0]!.requested_at!)).toBeLessThanOrEqual(Date.now());

    const run = await runOf(key);
    expect(runsOf(key)).toHaveLength(1);
    expect(run).toMatchObject({ workflow: ".github/workflows/pao-terraform.yml", head_branch: "main", event: "workflow_dispatch", actor: `${world().sim.app.slug}[bot]` });
    expect(Object.keys(run.inputs).sort()).toEqual(["pao_payload", "pao_step"]);
    expect(run.inputs["pao_step"]).toBe(key);
    expect(JSON.parse(run.inputs["pao_payload"]!)).toEqual({ module_source: "./modules/elasticache-redis", variables: { name: "fulfil-cache", node_size: "2gb", eviction_policy: "allkeys-lru" } });
    expect(frozen.payload_sha256).toBe(sha256(run.inputs["pao_payload"]!));
    expect(frozen.attempts[0]!.run_id).toBe(run.id);

    // The check is in progress and the comment shows the live step table with a link to the run.
    await until(async () => (await checkRuns(pull.head.sha))[0]?.output.title === "Fulfilling 1 request: 0 of 1 step completed", "the check to show fulfilment");
    expect((await checkRuns(pull.head.sha))[0]!.status).toBe("in_progress");
    await commentSaying(pull.number, "🔄 Fulfilling: 0 of 1 step completed.");

    startRun(world().sim, world().repo, run.id);
    const running = await recordWhen(id, "step-001 running", (r) => step(r, "step-001").status === "running");
    expect(step(running, "step-001").attempts[0]).toMatchObject({ status: "running", run_url: expect.stringContaining(`/actions/runs/${run.id}`) });

    finish(run, "success", { endpoint: "fulfil-cache.cache.example.test:6379", resource_count: 3 });
    const done = await recordWhen(id, "completed", (r) => r.status === "completed");
    expect(step(done, "step-001")).toMatchObject({ status: "completed", outputs: { endpoint: "fulfil-cache.cache.example.test:6379", resource_count: 3 } });
    expect(step(done, "step-001").attempts[0]).toMatchObject({ status: "completed", completed_at: expect.any(String) });
    expect(done.fulfillment.can_abort).toBe(false);

    // Merged with the head it was fulfilled for, squashed as .github/pao.yml's default says.
    const merged = await until(() => (world().repo.pulls.get(pull.number)?.merged ? world().repo.pulls.get(pull.number) : undefined), "the pull request merged");
    expect(world().repo.store.getCommit(merged!.merge_commit_sha!).parents).toHaveLength(1);
    await recordWhen(id, "merge recorded", (r) => r.merge?.outcome === "merged");
    const check = await until(async () => (await checkRuns(pull.head.sha)).find((c) => c.output.title === "1 request fulfilled"), "the check to say fulfilled");
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain("✅ Fulfilled: 1 step completed.");
    const body = await commentSaying(pull.number, "🔀 pao merged this pull request.");
    expect(body).toContain("✅ Fulfilled: 1 step completed.");
    expect(body).toContain(`[run](http`);
    expect(body).toContain("endpoint=");
    await quiet();
    // One run for the attempt, whatever happened in between.
    expect(runsOf(key)).toHaveLength(1);
    expect((await checkRuns(pull.head.sha)).length).toBe(1);
  });
});
