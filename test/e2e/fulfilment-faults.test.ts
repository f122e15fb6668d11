/**
 * Fulfilment when GitHub or a run misbehaves, end to end: a dispatch answered 204 (the run found by its title), a
 * dispatch whose answer was lost after GitHub started the run (never dispatched twice), a dispatch that started
 * nothing (lost after the grace period, then retried), failed runs retried up to max_attempts, a verification that
 * fails, hostile output artifacts, and runs that are not the attempt's — of another workflow, from a pull request
 * branch, of another repository, or titled after an attempt the record does not hold — which change nothing.
 */
import { describe, expect, it } from "vitest";
import { actionsSettings, addArtifact, commitFiles, createRepository, openPullRequest, startRun, submitReview } from "../sim/index.js";
import { completeRun, dispatchWorkflow } from "../sim/groups/actions.js";
import { zipStored } from "../sim/zip.js";
import { exampleFiles, NAME, OWNER, until } from "./github-world.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit, pipelineItem, pipelineRequest } from "./fulfilment-kit.js";

// A dispatch unanswered for 8 s is given up on (a normal one answers in milliseconds; one given up on by mistake is
// looked up by title all the same, unless it never reached GitHub), and an attempt with no run 12 s after its intent
// is lost. As in production, the grace is longer than the time-out: with the grace shorter, a dispatch still on its
// way to a GitHub slowed by a busy machine was taken for lost (a full suite under load failed so, once).
const GRACE_SECONDS = 12;
const DISPATCH_TIMEOUT_SECONDS = 8;
const world = useRequestWorld({ PAO_DISPATCH_GRACE_SECONDS: String(GRACE_SECONDS), PAO_DISPATCH_TIMEOUT_SECONDS: String(DISPATCH_TIMEOUT_SECONDS) });
const { recordOn, checkRuns, commentSaying, quiet } = requestKit(world);
const { runsOf, runOf, recordWhen, step, finish, publishItem } = fulfilmentKit(world, recordOn);

const KAFKA = (topic: string) => `catalog_item: kafka-topic\nversion: ">=1.0.0"\nparameters:\n  topic_name: ${topic}\n`;
const order = (path: string, text: string, branch: string) => openPullRequest(world().sim, world().repo, { author: "dev-user", branch, title: "Order", files: { [path]: text } });

// Each story waits on Probot pacing GitHub writes a second apart and on runs finishing: minutes on a loaded machine.
describe("fulfilment when things go wrong", { timeout: 240_000 }, () => {
  it("finds the run by its display title when the dispatch answers 204, as older servers do", async () => {
    actionsSettings(world().sim).returnRunDetails = false;
    try {
      const path = "requests/product-team/old-server.yaml";
      const pull = order(path, CACHE("old-server"), "old-server");
      const id = idOf(path, pull.number);
      const run = await runOf(`${id}/step-001/1`);
      const record = await recordWhen(id, "the run found", (r) => step(r, "step-001").attempts[0]?.run_id === run.id);
      expect(step(record, "step-001").attempts[0]!.run_url).toContain(`/actions/runs/${run.id}`);
      await quiet();
      expect(runsOf(`${id}/step-001/1`)).toHaveLength(1);
    } finally {
      actionsSettings(world().sim).returnRunDetails = true;
    }
  });

  it("never dispatches twice when GitHub started the run but the answer was lost (a 502 after the work)", async () => {
    world().sim.fault({ match: "actions/create-workflow-dispatch", status: 502, afterWork: true, times: 1 });
    const path = "requests/product-team/lost-answer.yaml";
    const pull = order(path, CACHE("lost-answer"), "lost-answer");
    const id = idOf(path, pull.number);
    const run = await runOf(`${id}/step-001/1`);
    await recordWhen(id, "the run found by its title", (r) => step(r, "step-001").attempts[0]?.run_id === run.id);
    // Past the grace period too: still one run, one attempt.
    await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 1) * 1000));
    await quiet();
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(1);
    expect(runsOf(`${id}/step-001/2`)).toHaveLength(0);
    expect(step(recordOn(id)!, "step-001").attempts).toHaveLength(1);
    expect(world().sim.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch" && c.status === 502)).toHaveLength(1);
  });

  it("gives up waiting for a dispatch GitHub answers too late, finds the run it started by title, and goes on", async () => {
    world().sim.fault({ match: "actions/create-workflow-dispatch", answerAfterWorkMs: 90_000, times: 1 });
    const path = "requests/product-team/slow-answer.yaml";
    const pull = order(path, CACHE("slow-answer"), "slow-answer");
    const id = idOf(path, pull.number);
    const run = await runOf(`${id}/step-001/1`);
    // Found by its title well before GitHub's answer would have come.
    await recordWhen(id, "the run found by its title", (r) => step(r, "step-001").attempts[0]?.run_id === run.id, 60_000);
    finish(run, "success", { endpoint: "slow-answer.cache.example.test:6379" });
    await recordWhen(id, "completed", (r) => r.status === "completed");
    await quiet();
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(1);
    expect(step(recordOn(id)!, "step-001").attempts).toHaveLength(1);
  });

  it("fails an attempt whose dispatch started nothing as dispatch_lost after the grace period, then retries it", async () => {
    await publishItem(pipelineItem({ name: "lost-demo", maxAttempts: 2 }), "catalog/compute/lost-demo.yaml");
    world().sim.fault({ match: "actions/create-workflow-dispatch", status: 502, times: 1 });
    const path = "requests/product-team/lost-dispatch.yaml";
    const pull = order(path, pipelineRequest("lost", "lost-demo"), "lost-dispatch");
    const id = idOf(path, pull.number);
    const retried = await runOf(`${id}/step-001/2`);
    expect(runsOf(`${id}/step-001/1`)).toHaveLength(0);
    const record = recordOn(id)!;
    const [lost, second] = step(record, "step-001").attempts;
    expect(lost).toMatchObject({ attempt_number: 1, status: "failed", error: { type: "dispatch_lost" } });
    expect(lost!.error!.message).toContain(`${GRACE_SECONDS} s`);
    expect(Date.parse(lost!.completed_at!) - Date.parse(lost!.requested_at!)).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
    expect(second).toMatchObject({ attempt_number: 2 });
    expect(retried.inputs["pao_step"]).toBe(`${id}/step-001/2`);
  });

  it("retries a failed run after its backoff, fails the step when attempts are spent, and the request fails with can_resume", async () => {
    await publishItem(pipelineItem({ name: "flaky-demo", maxAttempts: 2 }), "catalog/compute/flaky-demo.yaml");
    const path = "requests/product-team/flaky.yaml";
    const pull = order(path, pipelineRequest("flaky", "flaky-demo"), "flaky");
    const id = idOf(path, pull.number);
    const first = await runOf(`${id}/step-001/1`);
    finish(first, "failure");
    const second = await runOf(`${id}/step-001/2`);
    const between = recordOn(id)!;
    expect(step(between, "step-001").attempts[0]).toMatchObject({ status: "failed", error: { type: "failure", message: expect.stringContaining(`/actions/runs/${first.id}`) } });
    finish(second, "timed_out");
    const failed = await recordWhen(id, "failed", (r) => r.status === "failed");
    expect(step(failed, "step-001")).toMatchObject({ status: "failed" });
    expect(step(failed, "step-001").attempts.map((a) => a.error?.type)).toEqual(["failure", "timed_out"]);
    expect(failed.fulfillment.can_resume).toBe(true);
    // No step after it started.
    expect(failed.fulfillment.steps.slice(1).every((s) => s.status === "pending" && s.attempts.length === 0)).toBe(true);
    await quiet();
    expect(runsOf(`${id}/step-001/3`)).toHaveLength(0);

    const check = await until(async () => (await checkRuns(pull.head.sha)).find((c) => c.output.title === "Fulfilment of 1 request failed"), "the check to fail");
    expect(check.conclusion).toBe("failure");
    const body = await commentSaying(pull.number, "❌ Fulfilment failed at `step-001` `first`");
    expect(body).toContain("`/retry step-001`");
    expect(body).toContain("timed_out: the run ended timed_out");
    expect(world().repo.pulls.get(pull.number)!.merged).toBe(false);

    // The API shows the attempts, their errors and run links, and that the step can be retried.
    const token = world().sim.user("dev-user").token;
    const res = await fetch(`${world().pao.api}/requests/${id}/steps/step-001`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as { attempts: Array<{ attempt_number: number; run_url: string; error: { type: string } }>; can_retry: boolean; status: string };
    expect(detail).toMatchObject({ status: "failed", can_retry: true });
    expect(detail.attempts.map((a) => [a.attempt_number, a.error.type])).toEqual([[1, "failure"], [2, "timed_out"]]);
    expect(detail.attempts[1]!.run_url).toContain(`/actions/runs/${second.id}`);
    const request = (await (await fetch(`${world().pao.api}/requests/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; fulfillment: { can_resume: boolean } };
    expect(request).toMatchObject({ status: "failed", fulfillment: { can_resume: true } });
  });

  it("fails the attempt with verification_failed when the outputs do not show what the step verifies", async () => {
    const path = "requests/product-team/unverified-topic.yaml";
    const pull = order(path, KAFKA("orders.unverified"), "unverified-topic");
    const id = idOf(path, pull.number);
    const run = await runOf(`${id}/step-001/1`);
    finish(run, "success", { http_status: 500 });
    const record = await recordWhen(id, "attempt 1 failed", (r) => step(r, "step-001").attempts[0]?.status === "failed");
    expect(step(record, "step-001").attempts[0]!.error).toMatchObject({ type: "verification_failed", message: expect.stringContaining("expected HTTP status 200, the run reported 500") });
    expect(step(record, "step-001").verification).toMatchObject({ type: "http_status", actual: 500, verified: false });
    // The API serves the live record: the verification with what the run reported, the attempt's error and run.
    const token = world().sim.user("dev-user").token;
    const detail = await until(async () => {
      const res = await fetch(`${world().pao.api}/requests/${id}/steps/step-001`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { verification?: { actual: unknown }; attempts: Array<{ error?: { type: string }; run_url?: string }> };
      return body.attempts?.[0]?.error ? body : null;
    }, "the step's failed attempt in the API");
    expect(detail.verification).toMatchObject({ type: "http_status", expected: 200, actual: 500, verified: false });
    expect(detail.attempts[0]).toMatchObject({ error: { type: "verification_failed" }, run_url: expect.stringContaining(`/actions/runs/${run.id}`) });
  });

  it("fails the attempt on a hostile outputs artifact (a zip bomb, prototype keys, not JSON) and goes on", async () => {
    const cases: Array<[string, Buffer, string]> = [
      ["bomb", zipStored({ "outputs.json": Buffer.alloc(20 * 1024 * 1024, 0x20) }, undefined, { deflate: true }), "outputs_too_large"],
      ["proto", zipStored({ "outputs.json": '{"__proto__": {"http_status": 200}}' }), "outputs_invalid"],
      ["text", zipStored({ "outputs.json": "<html>not json</html>" }), "outputs_invalid"],
    ];
    const pulls = cases.map(([name]) => {
      const path = `requests/product-team/hostile-${name}.yaml`;
      return { path, pull: order(path, KAFKA(`orders.hostile-${name}`), `hostile-${name}`) };
    });
    for (const [i, [, zip, type]] of cases.entries()) {
      const id = idOf(pulls[i]!.path, pulls[i]!.pull.number);
      const run = await runOf(`${id}/step-001/1`);
      startRun(world().sim, world().repo, run.id);
      addArtifact(world().sim, world().repo, run.id, "pao-outputs", {}, zip);
      completeRun(world().sim, world().repo, run.id, { conclusion: "success" });
      const record = await recordWhen(id, `attempt 1 failed (${type})`, (r) => step(r, "step-001").attempts[0]?.status === "failed");
      expect(step(record, "step-001").attempts[0]!.error).toMatchObject({ type });
      expect(step(record, "step-001").outputs).toEqual({});
    }
    // pao is still answering.
    expect((await fetch(`${world().pao.api}/health`)).status).toBe(200);
  });

  it("lets no run speak for an attempt but its own: not another workflow's, a pull request branch's, another repository's, nor one titled after an attempt it does not hold", async () => {
    await publishItem(pipelineItem({ name: "gated-demo", approval: true }), "catalog/compute/gated-demo.yaml");
    const path = "requests/product-team/gated.yaml";
    const pull = order(path, pipelineRequest("gated", "gated-demo"), "gated");
    const id = idOf(path, pull.number);
    await recordWhen(id, "awaiting approval", (r) => r.status === "awaiting_approval");
    const key = `${id}/step-001/1`;
    const { sim, repo } = world();
    // Forged runs, each finished with the outputs a real one would publish, before pao dispatches anything.
    const other = createRepository(sim, { owner: OWNER, name: `${NAME}-other`, files: exampleFiles(), collaborators: { "dev-user": "write" } });
    commitFiles(sim, repo, "forge-branch", { "README.md": "forged\n" }, { from: "main", push: false });
    const payload = JSON.stringify({ url: "https://hooks.example.test/first" });
    const forged = [
      { at: repo, run: dispatchWorkflow(sim, repo, { workflow: "configure-monitoring.yml", inputs: { pao_step: key, pao_payload: payload }, actor: "dev-user" }) },
      { at: repo, run: dispatchWorkflow(sim, repo, { workflow: "pao-http.yml", ref: "forge-branch", inputs: { pao_step: key, pao_payload: payload }, actor: "dev-user" }) },
      { at: other, run: dispatchWorkflow(sim, other, { workflow: "pao-http.yml", inputs: { pao_step: key, pao_payload: payload }, actor: "dev-user" }) },
      { at: repo, run: dispatchWorkflow(sim, repo, { workflow: "pao-http.yml", inputs: { pao_step: `${id}/step-001/7`, pao_payload: payload }, actor: "dev-user" }) },
    ];
    for (const { at, run } of forged) {
      startRun(sim, at, run.id);
      completeRun(sim, at, run.id, { conclusion: "success", outputs: { http_status: 201 } });
    }
    await quiet();
    expect(recordOn(id)!.status).toBe("awaiting_approval");

    // Approved: pao dispatches, and with a 204 answer has to find its run by title among all of these.
    actionsSettings(sim).returnRunDetails = false;
    try {
      submitReview(sim, repo, pull.number, { user: "platform-lead", state: "APPROVED" });
      const own = await until(() => runsOf(key).find((r) => r.actor === `${sim.app.slug}[bot]`), "pao's own run");
      const found = await recordWhen(id, "its own run recorded", (r) => step(r, "step-001").attempts[0]?.run_id != null);
      expect(step(found, "step-001").attempts[0]!.run_id).toBe(own.id);
      await quiet();
      // The forged successes completed nothing.
      expect(step(recordOn(id)!, "step-001")).toMatchObject({ status: "dispatched", outputs: {} });
      finish(own, "success", { http_status: 200 });
      await recordWhen(id, "step-001 completed by its own run", (r) => step(r, "step-001").status === "completed");
    } finally {
      actionsSettings(sim).returnRunDetails = true;
    }
  });
});
