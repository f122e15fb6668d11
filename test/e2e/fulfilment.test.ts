/**
 * Fulfilment end to end: the real pao server as a GitHub App against the simulator. A valid request on an open pull
 * request into the default branch starts at once: its plan is frozen into the record, each step is dispatched once
 * as an executor workflow run on the default branch, runs move the steps on, and when every step is done the
 * request is completed and the pull request merged.
 */
import { describe, expect, it } from "vitest";
import { commitFiles, mergePullRequest, openPullRequest, setDraft, startRun } from "../sim/index.js";
import { until } from "./github-world.js";
import { CACHE, idOf, ORDERS_DB, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit, pipelineItem, pipelineRequest, PIPELINE_PATH, sha256 } from "./fulfilment-kit.js";

const world = useRequestWorld();
const { recordOn, checkRuns, commentSaying, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step, finish, publishItem } = fulfilmentKit(world, recordOn);

// Each story waits on Probot pacing GitHub writes a second apart and on runs finishing: minutes on a loaded machine.
describe("fulfilling a request", { timeout: 240_000 }, () => {
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

    // The check is in progress and is the live step table, with a link to the run; the comment points to it.
    await until(async () => (await checkRuns(pull.head.sha))[0]?.output.title === "Fulfilling 1 request: 0 of 1 step completed", "the check to show fulfilment");
    expect((await checkRuns(pull.head.sha))[0]!.status).toBe("in_progress");
    await until(async () => (await checkRuns(pull.head.sha))[0]?.output.summary?.includes(`/actions/runs/${run.id}`), "the check to link the run");
    await commentSaying(pull.number, "🔄 Fulfilling 1 step: follow each one in the `pao` check");

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

    // The API serves the record as it is now (seed 000, 4.2 and 4.6).
    const api = (path: string) => fetch(`${world().pao.api}${path}`, { headers: { authorization: `Bearer ${world().sim.user("dev-user").token}` } }).then((r) => r.json());
    const request = await until(async () => {
      const body = (await api(`/requests/${id}`)) as { status: string };
      return body.status === "completed" ? (body as Record<string, any>) : null;
    }, "the API to serve the completed request");
    expect(request).toMatchObject({ request_id: id, status: "completed", pull_request: pull.number, fulfillment: { can_abort: false, can_resume: false } });
    expect(request["fulfillment"].steps).toEqual([expect.objectContaining({ step_id: "step-001", status: "completed", type: "TerraformFile" })]);
    const detail = (await api(`/requests/${id}/steps/step-001`)) as Record<string, any>;
    expect(detail).toMatchObject({ step_id: "step-001", status: "completed", can_retry: false, outputs: { endpoint: "fulfil-cache.cache.example.test:6379", resource_count: 3 } });
    expect(detail["attempts"]).toEqual([expect.objectContaining({ attempt_number: 1, status: "completed", run_url: expect.stringContaining(`/actions/runs/${run.id}`) })]);
  });

  it("dispatches steps in dependency order up to the parallel limit, from the plan frozen at start whatever the catalog says later", async () => {
    await publishItem(pipelineItem({ parallelLimit: 1 }));
    const path = "requests/product-team/pipeline-one.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "pipeline-one", title: "Order a pipeline", files: { [path]: pipelineRequest("one") } });
    const id = idOf(path, pull.number);
    const first = await runOf(`${id}/step-001/1`);
    const started = recordOn(id)!;
    const frozenAt = started.catalog_commit;

    // The catalog changes on the default branch after the start: same item, same version, other payloads.
    commitFiles(world().sim, world().repo, "main", { [PIPELINE_PATH]: pipelineItem({ parallelLimit: 4, note: "changed later" }) }, { message: "Change the pipeline" });
    await quiet();
    // Nothing else runs before first completes, whatever the new catalog says about the limit.
    expect(["step-002", "step-003", "step-004"].map((s) => step(recordOn(id)!, s).status)).toEqual(["pending", "pending", "pending"]);

    finish(first, "success", { http_status: 200 });
    // second and third both depend on first; with a limit of 1, one at a time, in the plan's order.
    const second = await runOf(`${id}/step-002/1`);
    await quiet();
    expect(runsOf(`${id}/step-003/1`)).toHaveLength(0);
    const r2 = recordOn(id)!;
    expect(r2.catalog_commit).toBe(frozenAt);
    expect(r2.fulfillment.parallel_limit).toBe(1);
    // Its payload is rendered from the catalog frozen at the start, and matches the digest recorded then.
    expect(JSON.parse(second.inputs["pao_payload"]!)).toEqual({ url: "https://hooks.example.test/second", body: { label: "one", note: "original" }, method: "POST" });
    expect(sha256(second.inputs["pao_payload"]!)).toBe(step(r2, "step-002").payload_sha256);

    finish(second, "success", { http_status: 200 });
    const third = await runOf(`${id}/step-003/1`);
    expect(JSON.parse(third.inputs["pao_payload"]!)).toMatchObject({ method: "PUT" });
    expect(runsOf(`${id}/step-004/1`)).toHaveLength(0);
    finish(third, "success", { http_status: 200 });
    const last = await runOf(`${id}/step-004/1`);
    finish(last, "success", { http_status: 201 });
    const done = await recordWhen(id, "completed", (r) => r.status === "completed");
    expect(step(done, "step-004").verification).toMatchObject({ type: "http_status", actual: 201, verified: true });
    await until(() => world().repo.pulls.get(pull.number)?.merged, "merged");
    // Each attempt ran once.
    for (const s of ["step-001", "step-002", "step-003", "step-004"]) expect(runsOf(`${id}/${s}/1`)).toHaveLength(1);
    const order = ["step-001", "step-002", "step-003", "step-004"].map((s) => runsOf(`${id}/${s}/1`)[0]!.id);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("says in the comment when GitHub refuses the merge, and the request stays completed", async () => {
    const path = "requests/product-team/protected-cache.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "protected-cache", title: "Order a cache", files: { [path]: CACHE("protected-cache") } });
    const id = idOf(path, pull.number);
    const run = await runOf(`${id}/step-001/1`);
    // Branch protection (or a merge queue) refuses: GitHub answers 405.
    world().sim.fault({ match: "pulls/merge", status: 405, times: 1 });
    finish(run, "success");
    const done = await recordWhen(id, "merge refused", (r) => r.merge?.outcome === "refused");
    expect(done.status).toBe("completed");
    expect(done.merge!.message).toContain("405");
    const body = await commentSaying(pull.number, "pao did not merge this pull request");
    expect(body).toContain("A person merges it.");
    await quiet();
    expect(world().repo.pulls.get(pull.number)!.merged).toBe(false);
    // Not tried again for the same head: one merge call.
    expect(world().sim.calls.filter((c) => c.operationId === "pulls/merge" && c.path.endsWith(`/pulls/${pull.number}/merge`))).toHaveLength(1);
  });

  it("merged early by a person: a request in progress goes on; one waiting for approval is cancelled and the comment says why", async () => {
    const path = "requests/product-team/early-cache.yaml";
    const dbPath = "requests/data-team/early-db.yaml";
    const pull = openPullRequest(world().sim, world().repo, {
      author: "dev-user",
      branch: "early",
      title: "Order two things",
      files: { [path]: CACHE("early-cache"), [dbPath]: ORDERS_DB.replace("database_name: orders", "database_name: early") },
    });
    const id = idOf(path, pull.number);
    const dbId = idOf(dbPath, pull.number);
    const run = await runOf(`${id}/step-001/1`);
    await recordWhen(dbId, "awaiting approval", (r) => r.status === "awaiting_approval");
    await quiet();
    mergePullRequest(world().sim, world().repo, pull.number, { user: "platform-lead" });
    const cancelled = await recordWhen(dbId, "cancelled", (r) => r.status === "cancelled");
    expect(cancelled.status_reason).toContain("merged before it had its approval");
    expect(recordOn(id)!.status).toBe("in_progress");
    finish(run, "success");
    await recordWhen(id, "completed", (r) => r.status === "completed");
    await commentSaying(pull.number, "merged before it had its approval");
    await quiet();
    // Nothing left to merge: pao does not try.
    expect(world().sim.calls.filter((c) => c.operationId === "pulls/merge" && c.path.endsWith(`/pulls/${pull.number}/merge`) && c.caller === "installation")).toHaveLength(0);
  });

  it("starts a draft's requests only once it is ready for review", async () => {
    const path = "requests/product-team/draft-cache.yaml";
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "draft-cache", title: "Order a cache", files: { [path]: CACHE("draft-cache") } });
    const id = idOf(path, pull.number);
    await recordWhen(id, "submitted", (r) => r.status === "submitted");
    await commentSaying(pull.number, "This pull request is a draft");
    await quiet();
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(0);
    setDraft(world().sim, world().repo, pull.number, false);
    await runOf(`${id}/step-001/1`);
    expect(recordOn(id)!.status).toBe("in_progress");
  });
});
