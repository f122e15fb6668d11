/**
 * The simulator's Actions and Checks group, driven through octokit as pao drives GitHub: workflow dispatch and its
 * input checks, runs and their webhooks, artifacts as real zips, cancel, check runs with annotations in batches,
 * requested actions. Every webhook payload is also checked against the schema GitHub's description gives it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verify } from "@octokit/webhooks-methods";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { Octokit } from "octokit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { openApi30ToJsonSchema } from "../openapi.js";
import { commitFiles, createRepository } from "../repo-state.js";
import { Simulator } from "../simulator.js";
import type { SimRepo } from "../state.js";
import type { Json } from "../types.js";
import { crc32, zipStored } from "../zip.js";
import { actionsGroup, completeRun, matchesCreated, requestCheckRunAction, rerunRun, startRun } from "./actions.js";

const WORKFLOW = `name: pao terraform
run-name: pao \${{ inputs.pao_step }}
on:
  workflow_dispatch:
    inputs:
      pao_step:
        description: request/step/attempt
        required: true
      pao_payload:
        description: the rendered step
        required: true
jobs:
  apply:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$PAO_STEP"
        env:
          PAO_STEP: \${{ inputs.pao_step }}
`;

const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";

interface Received {
  event: string;
  payload: Json;
  verified: boolean;
}

let sim: Simulator;
let repo: SimRepo;
let octokit: Octokit;
let receiver: Server;
let received: Received[] = [];
let name = "";

let repoCount = 0;

/**
 * For the calling describe: one simulator and webhook receiver (a simulator's RSA key takes a while to make), and
 * for each test a fresh repository with the app installed, an octokit on its installation token, no webhooks seen.
 */
function useSimulator(): void {
  beforeAll(async () => {
    sim = new Simulator().register(actionsGroup);
    await sim.start();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        void verify(sim.app.webhookSecret, body, String(req.headers["x-hub-signature-256"])).then((verified) => {
          received.push({ event: String(req.headers["x-github-event"]), payload: JSON.parse(body) as Json, verified });
          res.writeHead(202).end();
        });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    sim.webhooks.target = { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/github/webhooks`, secret: sim.app.webhookSecret };
  });

  afterAll(async () => {
    await sim.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  beforeEach(() => {
    name = `catalog-${++repoCount}`;
    repo = createRepository(sim, { owner, name, files: { "README.md": "# catalog\n", ".github/workflows/pao-terraform.yml": WORKFLOW } });
    octokit = new Octokit({ auth: sim.issueInstallationToken(repo.installationId).token, baseUrl: sim.apiUrl, retry: { enabled: false }, throttle: { enabled: false } });
    received = [];
  });

  afterEach(async () => {
    await sim.webhooks.settled();
    const violations = sim.violations.splice(0);
    expect(violations).toEqual([]);
    // The events this group emits (push comes from repo-state, judged by its own tests).
    for (const r of received.filter((r) => ["workflow_run", "check_run"].includes(r.event))) {
      expect(webhookProblems(r), `${r.event} ${String(r.payload["action"])}`).toEqual([]);
    }
  });
}

/** Takes the violations a test provoked on purpose (a body GitHub's description itself rejects). */
function takeViolations(): string[] {
  return sim.violations.splice(0);
}

const main = () => repo.refs.get("heads/main")!;
const owner = "acme";

async function dispatch(inputs: Record<string, unknown>, extra: Json = {}) {
  return octokit.request(DISPATCH, { owner, repo: name, workflow_id: "pao-terraform.yml", ref: "main", inputs, ...extra });
}

async function dispatchRun(step = "req-0123456789ab/step-001/1"): Promise<number> {
  const answer = await dispatch({ pao_step: step, pao_payload: "{}" }, { return_run_details: true });
  return (answer.data as unknown as { workflow_run_id: number }).workflow_run_id;
}

async function settle(): Promise<void> {
  await sim.webhooks.settled();
}

// ----------------------------------------------------------------------------------------------------------------
// Webhook payloads against the schemas of GitHub's description (x-webhooks → components/schemas/webhook-*)

const require = createRequire(import.meta.url);
let webhookAjv: Ajv | undefined;
const webhookValidators = new Map<string, ValidateFunction>();

function webhookProblems(r: Received): string[] {
  const action = r.payload["action"];
  const key = `webhook-${r.event}${typeof action === "string" ? `-${action}` : ""}`.replace(/_/g, "-");
  let validate = webhookValidators.get(key);
  if (!validate) {
    if (!webhookAjv) {
      const spec = JSON.parse(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8")) as { components: { schemas: Json } };
      webhookAjv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
      addFormats.default(webhookAjv);
      webhookAjv.addSchema({ $id: "https://hooks.local/spec", components: { schemas: openApi30ToJsonSchema(spec.components.schemas) } });
    }
    validate = webhookAjv.compile({ $ref: `https://hooks.local/spec#/components/schemas/${key}` });
    webhookValidators.set(key, validate);
  }
  const problems = validate(r.payload) ? [] : (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message}`);
  return r.verified ? problems : [...problems, "signature does not verify"];
}

// ----------------------------------------------------------------------------------------------------------------

describe("workflow dispatch", () => {
  useSimulator();

  it("answers 200 with the run's details when asked, and renders run-name into display_title", async () => {
    const answer = await dispatch({ pao_step: "req-0123456789ab/step-002/2", pao_payload: '{"size":"s"}' }, { return_run_details: true });
    expect(answer.status).toBe(200);
    const details = answer.data as unknown as { workflow_run_id: number; run_url: string; html_url: string };
    expect(details.run_url).toBe(`${sim.apiUrl}/repos/${repo.fullName}/actions/runs/${details.workflow_run_id}`);
    expect(details.html_url).toBe(`${sim.origin}/${repo.fullName}/actions/runs/${details.workflow_run_id}`);

    const { data: run } = await octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: details.workflow_run_id });
    expect(run).toMatchObject({
      id: details.workflow_run_id,
      name: "pao terraform",
      display_title: "pao req-0123456789ab/step-002/2",
      status: "queued",
      conclusion: null,
      event: "workflow_dispatch",
      head_branch: "main",
      head_sha: main(),
      path: ".github/workflows/pao-terraform.yml",
      run_attempt: 1,
      run_number: 1,
      actor: { login: "pao-sim[bot]", type: "Bot" },
    });
    const { data: workflow } = await octokit.rest.actions.getWorkflow({ owner, repo: name, workflow_id: "pao-terraform.yml" });
    expect(run.workflow_id).toBe(workflow.id);
    expect(workflow).toMatchObject({ name: "pao terraform", path: ".github/workflows/pao-terraform.yml", state: "active" });
    const byId = await octokit.rest.actions.getWorkflow({ owner, repo: name, workflow_id: workflow.id });
    expect(byId.data.path).toBe(workflow.path);
    expect(repo.runs.get(details.workflow_run_id)!.inputs).toEqual({ pao_step: "req-0123456789ab/step-002/2", pao_payload: '{"size":"s"}' });
    const byNumber = await octokit.request(DISPATCH, { owner, repo: name, workflow_id: workflow.id, ref: "main", inputs: { pao_step: "x/y/1", pao_payload: "{}" } });
    expect(byNumber.status).toBe(204);
  });

  it("answers 204 without return_run_details; the run is found by its display_title", async () => {
    const answer = await dispatch({ pao_step: "req-0123456789ab/step-001/1", pao_payload: "{}" });
    expect(answer.status).toBe(204);
    const { data } = await octokit.rest.actions.listWorkflowRuns({ owner, repo: name, workflow_id: "pao-terraform.yml", event: "workflow_dispatch", branch: "main" });
    expect(data.total_count).toBe(1);
    expect(data.workflow_runs[0]!.display_title).toBe("pao req-0123456789ab/step-001/1");
  });

  it("rejects inputs the workflow does not declare with 422", async () => {
    await expect(dispatch({ pao_step: "a/b/1", pao_payload: "{}", extra: "x" })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Unexpected inputs provided: ["extra"]'),
    });
    expect(repo.runs.size).toBe(0);
  });

  it("judges inputs by the workflow file on the dispatched ref, and fills in its defaults", async () => {
    commitFiles(sim, repo, "feature", { ".github/workflows/pao-terraform.yml": WORKFLOW.replace("      pao_payload:", "      region:\n        default: eu\n      pao_payload:") });
    await expect(dispatch({ pao_step: "a/b/1", pao_payload: "{}", region: "us" })).rejects.toMatchObject({ status: 422 });
    const answer = await dispatch({ pao_step: "a/b/1", pao_payload: "{}", region: "us" }, { ref: "feature", return_run_details: true });
    const run = repo.runs.get((answer.data as unknown as { workflow_run_id: number }).workflow_run_id)!;
    expect(run).toMatchObject({ head_branch: "feature", head_sha: repo.refs.get("heads/feature"), inputs: { region: "us" } });
    const defaulted = await dispatch({ pao_step: "a/b/2", pao_payload: "{}" }, { ref: "feature", return_run_details: true });
    expect(repo.runs.get((defaulted.data as unknown as { workflow_run_id: number }).workflow_run_id)!.inputs).toEqual({ pao_step: "a/b/2", pao_payload: "{}", region: "eu" });
  });

  it("rejects a dispatch without a required input", async () => {
    await expect(dispatch({ pao_step: "a/b/1" })).rejects.toMatchObject({ status: 422, message: expect.stringContaining("Required input 'pao_payload' not provided") });
  });

  it("rejects more than 25 inputs with 422 (and the description itself flags such a body)", async () => {
    const inputs = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`input_${i}`, "x"]));
    await expect(dispatch(inputs)).rejects.toMatchObject({ status: 422 });
    expect(takeViolations()).toEqual([expect.stringContaining("body/inputs must NOT have more than 25 properties")]);
  });

  it("rejects inputs over 65,535 characters with 422, accepts exactly 65,535", async () => {
    const step = "req-0123456789ab/step-001/1";
    await expect(dispatch({ pao_step: step, pao_payload: "x".repeat(65_535 - step.length + 1) })).rejects.toMatchObject({ status: 422 });
    const ok = await dispatch({ pao_step: step, pao_payload: "x".repeat(65_535 - step.length) });
    expect(ok.status).toBe(204);
  });

  it("answers 404 for a workflow that is not on the ref, 422 for an unknown ref", async () => {
    await expect(octokit.request(DISPATCH, { owner, repo: name, workflow_id: "pao-http.yml", ref: "main", inputs: {} })).rejects.toMatchObject({ status: 404 });
    commitFiles(sim, repo, "only-here", { ".github/workflows/pao-http.yml": WORKFLOW });
    await expect(octokit.request(DISPATCH, { owner, repo: name, workflow_id: "pao-http.yml", ref: "main", inputs: {} })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.request(DISPATCH, { owner, repo: name, workflow_id: "pao-http.yml", ref: "nope", inputs: {} })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.actions.getWorkflow({ owner, repo: name, workflow_id: "pao-http.yml" })).rejects.toMatchObject({ status: 404 });
  });

  it("dispatches on a tag: head_branch is the tag's name", async () => {
    repo.refs.set("tags/v1", main());
    const answer = await dispatch({ pao_step: "a/b/1", pao_payload: "{}" }, { ref: "v1", return_run_details: true });
    const { data } = await octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: (answer.data as unknown as { workflow_run_id: number }).workflow_run_id });
    expect(data).toMatchObject({ head_branch: "v1", head_sha: main() });
  });

  it("uses the workflow's name as display_title when it has no run-name", async () => {
    commitFiles(sim, repo, "main", { ".github/workflows/plain.yml": "name: Plain\non: workflow_dispatch\njobs: {}\n" });
    const answer = await octokit.request(DISPATCH, { owner, repo: name, workflow_id: "plain.yml", ref: "main", return_run_details: true });
    expect(repo.runs.get((answer.data as unknown as { workflow_run_id: number }).workflow_run_id)!.display_title).toBe("Plain");
    await expect(octokit.request(DISPATCH, { owner, repo: name, workflow_id: "plain.yml", ref: "main", inputs: { a: "1" } })).rejects.toMatchObject({ status: 422 });
  });
});

describe("workflow runs", () => {
  useSimulator();

  it("emits workflow_run requested, in_progress and completed, consistent with the REST answer", async () => {
    const runId = await dispatchRun();
    await settle();
    startRun(sim, repo, runId);
    await settle();
    completeRun(sim, repo, runId, { conclusion: "success" });
    await settle();

    expect(received.map((r) => `${r.event}.${String(r.payload["action"])}`)).toEqual(["workflow_run.requested", "workflow_run.in_progress", "workflow_run.completed"]);
    const { data: rest } = await octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: runId });
    const hooked = received[2]!.payload;
    const run = hooked["workflow_run"] as Json;
    for (const key of ["id", "name", "display_title", "status", "conclusion", "head_branch", "head_sha", "event", "run_attempt", "run_number", "path", "workflow_id", "url", "html_url"]) {
      expect(run[key], key).toEqual((rest as unknown as Json)[key]);
    }
    expect(run).toMatchObject({ status: "completed", conclusion: "success" });
    expect((received[1]!.payload["workflow_run"] as Json)["status"]).toBe("in_progress");
    expect((received[0]!.payload["workflow_run"] as Json)["status"]).toBe("queued");
    expect(hooked).toMatchObject({
      repository: { full_name: repo.fullName, id: repo.id },
      installation: { id: repo.installationId },
      sender: { login: "pao-sim[bot]" },
      workflow: { id: rest.workflow_id, path: ".github/workflows/pao-terraform.yml", name: "pao terraform" },
    });
    expect(hooked["organization"]).toBeUndefined();
  });

  it("publishes outputs as the pao-outputs artifact, downloadable as a zip holding outputs.json", async () => {
    const runId = await dispatchRun();
    startRun(sim, repo, runId);
    const outputs = { url: "https://bucket.example/x", size: 3, nested: { ok: true } };
    completeRun(sim, repo, runId, { conclusion: "success", outputs });

    const { data: list } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo: name, run_id: runId, name: "pao-outputs" });
    expect(list.total_count).toBe(1);
    const artifact = list.artifacts[0]!;
    expect(artifact).toMatchObject({ name: "pao-outputs", expired: false, workflow_run: { id: runId, head_sha: main() } });
    expect((await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo: name, run_id: runId, name: "other" })).data.total_count).toBe(0);

    const download = await octokit.rest.actions.downloadArtifact({ owner, repo: name, artifact_id: artifact.id, archive_format: "zip" });
    const zip = Buffer.from(download.data as ArrayBuffer);
    expect(zip.length).toBe(artifact.size_in_bytes);
    const dir = mkdtempSync(join(tmpdir(), "pao-artifact-"));
    try {
      const file = join(dir, "pao-outputs.zip");
      writeFileSync(file, zip);
      execFileSync("unzip", ["-tq", file]); // checks every CRC
      expect(JSON.parse(execFileSync("unzip", ["-p", file, "outputs.json"]).toString("utf8"))).toEqual(outputs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    repo.artifacts.get(artifact.id)!.expired = true;
    await expect(octokit.rest.actions.downloadArtifact({ owner, repo: name, artifact_id: artifact.id, archive_format: "zip" })).rejects.toMatchObject({ status: 410 });
  });

  it("cancels a run: 202, completed as cancelled with a workflow_run completed webhook; 409 once completed", async () => {
    const runId = await dispatchRun();
    startRun(sim, repo, runId);
    const answer = await octokit.rest.actions.cancelWorkflowRun({ owner, repo: name, run_id: runId });
    expect(answer.status).toBe(202);
    const { data } = await octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: runId });
    expect(data).toMatchObject({ status: "completed", conclusion: "cancelled" });
    await settle();
    expect(received.at(-1)!.payload).toMatchObject({ action: "completed", workflow_run: { id: runId, conclusion: "cancelled" } });
    await expect(octokit.rest.actions.cancelWorkflowRun({ owner, repo: name, run_id: runId })).rejects.toMatchObject({ status: 409 });
    await expect(octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: 999_999 })).rejects.toMatchObject({ status: 404 });
  });

  it("re-runs a completed run: 201, the same id, inputs and title with run_attempt 2, queued again, workflow_run requested; 403 while it runs", async () => {
    const runId = await dispatchRun("r/step-001/1");
    startRun(sim, repo, runId);
    await expect(octokit.rest.actions.reRunWorkflow({ owner, repo: name, run_id: runId })).rejects.toMatchObject({ status: 403 });
    completeRun(sim, repo, runId, { conclusion: "failure" });
    const { data: before } = await octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: runId });
    const inputs = { ...repo.runs.get(runId)!.inputs };
    const answer = await octokit.rest.actions.reRunWorkflow({ owner, repo: name, run_id: runId });
    expect(answer.status).toBe(201);
    const { data: after } = await octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: runId });
    expect(after).toMatchObject({ id: runId, display_title: before.display_title, run_attempt: 2, status: "queued", conclusion: null, created_at: before.created_at });
    expect(after.previous_attempt_url).toMatch(new RegExp(`/actions/runs/${runId}/attempts/1$`));
    expect(repo.runs.get(runId)!.inputs).toEqual(inputs);
    await settle();
    expect(received.at(-1)!.payload).toMatchObject({ action: "requested", workflow_run: { id: runId, run_attempt: 2, status: "queued" } });
    // A person's re-run names them as the triggering actor; the run's actor stays who dispatched it.
    completeRun(sim, repo, runId, { conclusion: "success" });
    const third = rerunRun(sim, repo, runId, { actor: "ops-person" });
    expect(third.run_attempt).toBe(3);
    const { data: rerunByPerson } = await octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: runId });
    expect(rerunByPerson.triggering_actor?.login).toBe("ops-person");
    expect(rerunByPerson.actor?.login).toBe(before.actor?.login);
  });

  it("lists runs by workflow and repository with GitHub's filters, newest first, paginated", async () => {
    const a = await dispatchRun("a/step-001/1");
    const b = await dispatchRun("b/step-001/1");
    const c = await dispatchRun("c/step-001/1");
    completeRun(sim, repo, a, { conclusion: "success" });
    completeRun(sim, repo, b, { conclusion: "failure" });
    const titles = (runs: Array<{ display_title: string }>) => runs.map((r) => r.display_title);

    const all = await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo: name });
    expect(titles(all.data.workflow_runs)).toEqual(["pao c/step-001/1", "pao b/step-001/1", "pao a/step-001/1"]);
    expect(all.data.workflow_runs.map((r) => r.run_number)).toEqual([3, 2, 1]);
    const completed = await octokit.rest.actions.listWorkflowRuns({ owner, repo: name, workflow_id: "pao-terraform.yml", status: "completed" });
    expect(titles(completed.data.workflow_runs)).toEqual(["pao b/step-001/1", "pao a/step-001/1"]);
    const failed = await octokit.rest.actions.listWorkflowRuns({ owner, repo: name, workflow_id: "pao-terraform.yml", status: "failure" });
    expect(failed.data.workflow_runs.map((r) => r.id)).toEqual([b]);
    const queued = await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo: name, status: "queued" });
    expect(queued.data.workflow_runs.map((r) => r.id)).toEqual([c]);
    expect((await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo: name, event: "push" })).data.total_count).toBe(0);
    expect((await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo: name, branch: "other" })).data.total_count).toBe(0);
    const today = sim.now().slice(0, 10);
    expect((await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo: name, created: `>=${today}` })).data.total_count).toBe(3);
    expect((await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo: name, created: `<${today}` })).data.total_count).toBe(0);

    const paged = await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, { owner, repo: name, per_page: 2 });
    expect(paged.map((r) => r.id)).toEqual([c, b, a]);
    await expect(octokit.rest.actions.listWorkflowRuns({ owner, repo: name, workflow_id: "missing.yml" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("check runs", () => {
  useSimulator();

  const annotations = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => ({ path: "requests/x.yaml", start_line: from + i, end_line: from + i, annotation_level: "failure" as const, message: `problem ${from + i}` }));

  async function create(extra: Json = {}) {
    return octokit.rest.checks.create({ owner, repo: name, name: "pao", head_sha: main(), status: "in_progress", ...extra });
  }

  it("takes at most 50 annotations a request and appends them across updates", async () => {
    await expect(create({ output: { title: "t", summary: "s", annotations: annotations(51) } })).rejects.toMatchObject({ status: 422 });
    expect(takeViolations()).toEqual([expect.stringContaining("body/output/annotations must NOT have more than 50 items")]);
    expect(repo.checkRuns.size).toBe(0);

    const { data: created } = await create({ output: { title: "Validating", summary: "s", annotations: annotations(50) } });
    expect(created).toMatchObject({ name: "pao", status: "in_progress", conclusion: null, head_sha: main(), output: { annotations_count: 50, title: "Validating" } });
    expect(created.app).toMatchObject({ id: sim.app.id, slug: "pao-sim" });
    const update = (n: number, from: number, extra: Json = {}) =>
      octokit.rest.checks.update({ owner, repo: name, check_run_id: created.id, output: { title: "Validating", summary: "more", annotations: annotations(n, from) }, ...extra });
    expect((await update(50, 51)).data.output.annotations_count).toBe(100);
    await expect(update(51, 101)).rejects.toMatchObject({ status: 422 });
    expect(takeViolations()).toEqual([expect.stringContaining("body/output/annotations must NOT have more than 50 items")]);
    const { data: done } = await update(30, 101, { conclusion: "failure" });
    expect(done).toMatchObject({ status: "completed", conclusion: "failure", output: { annotations_count: 130, summary: "more" } });
    expect(done.completed_at).not.toBeNull();

    const listed = await octokit.paginate(octokit.rest.checks.listAnnotations, { owner, repo: name, check_run_id: created.id, per_page: 100 });
    expect(listed.map((a) => a.start_line)).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
    expect(listed[0]).toMatchObject({ path: "requests/x.yaml", annotation_level: "failure", message: "problem 1", start_column: null, blob_href: `${sim.origin}/${repo.fullName}/blob/${main()}/requests/x.yaml` });
    expect((await octokit.rest.checks.get({ owner, repo: name, check_run_id: created.id })).data.output.annotations_count).toBe(130);
  });

  it("lists check runs for a ref (sha, branch) with check_name, status and latest filters", async () => {
    const first = (await create()).data;
    const second = (await create({ status: "completed", conclusion: "success" })).data;
    const other = (await create({ name: "lint" })).data;
    const ids = (runs: Array<{ id: number }>) => runs.map((r) => r.id);

    const latest = await octokit.rest.checks.listForRef({ owner, repo: name, ref: main() });
    expect(ids(latest.data.check_runs)).toEqual([other.id, second.id]);
    expect(latest.data.total_count).toBe(2);
    expect(ids((await octokit.rest.checks.listForRef({ owner, repo: name, ref: "main", filter: "all" })).data.check_runs)).toEqual([other.id, second.id, first.id]);
    expect(ids((await octokit.rest.checks.listForRef({ owner, repo: name, ref: "main", check_name: "pao", filter: "all" })).data.check_runs)).toEqual([second.id, first.id]);
    expect(ids((await octokit.rest.checks.listForRef({ owner, repo: name, ref: "main", status: "in_progress" })).data.check_runs)).toEqual([other.id]);
    const sha = commitFiles(sim, repo, "main", { "README.md": "changed\n" });
    expect((await octokit.rest.checks.listForRef({ owner, repo: name, ref: sha })).data.total_count).toBe(0);
    await expect(octokit.rest.checks.listForRef({ owner, repo: name, ref: "no-such-branch" })).rejects.toMatchObject({ status: 422 });
  });

  it("emits check_run requested_action when a user clicks an action button", async () => {
    const { data } = await create({
      status: "completed",
      conclusion: "action_required",
      output: { title: "Waiting", summary: "approve?" },
      actions: [{ label: "Retry", description: "Retry the failed step", identifier: "retry" }],
    });
    expect(() => requestCheckRunAction(sim, repo, data.id, { user: "alice", identifier: "nope" })).toThrow(/no action/);
    requestCheckRunAction(sim, repo, data.id, { user: "alice", identifier: "retry" });
    await settle();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      event: "check_run",
      verified: true,
      payload: {
        action: "requested_action",
        requested_action: { identifier: "retry" },
        check_run: { id: data.id, name: "pao", head_sha: main(), status: "completed", conclusion: "action_required", app: { id: sim.app.id }, check_suite: { head_branch: "main" } },
        sender: { login: "alice" },
        repository: { full_name: repo.fullName },
        installation: { id: repo.installationId },
      },
    });
  });

  it("takes check run writes only from a GitHub App", async () => {
    const user = new Octokit({ auth: sim.user("acme").token, baseUrl: sim.apiUrl, retry: { enabled: false }, throttle: { enabled: false } });
    await expect(user.rest.checks.create({ owner, repo: name, name: "pao", head_sha: main() })).rejects.toMatchObject({ status: 403 });
    await expect(create({ head_sha: "0".repeat(40) })).rejects.toMatchObject({ status: 422 });
  });
});

describe("pure parts", () => {
  it("reads GitHub's created qualifiers", () => {
    expect(matchesCreated("2024-05-02T10:00:00Z", "2024-05-02")).toBe(true);
    expect(matchesCreated("2024-05-02T10:00:00Z", ">2024-05-02")).toBe(false);
    expect(matchesCreated("2024-05-02T10:00:00Z", "<=2024-05-02")).toBe(true);
    expect(matchesCreated("2024-05-02T10:00:00Z", "2024-05-01..2024-05-02")).toBe(true);
    expect(matchesCreated("2024-05-02T10:00:00Z", "2024-05-03..*")).toBe(false);
    expect(matchesCreated("2024-05-02T10:00:00Z", ">=2024-05-02T10:00:01Z")).toBe(false);
  });


  it("computes CRC-32 as zlib does", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it("writes archives unzip reads, with several files and UTF-8 names", () => {
    const dir = mkdtempSync(join(tmpdir(), "pao-zip-"));
    try {
      const file = join(dir, "a.zip");
      writeFileSync(file, zipStored({ "a.txt": "alpha\n", "dir/é.json": '{"b":1}', "empty": "" }, "2024-05-02T10:00:00Z"));
      execFileSync("unzip", ["-tq", file]);
      expect(execFileSync("unzip", ["-p", file, "dir/é.json"]).toString("utf8")).toBe('{"b":1}');
      expect(execFileSync("unzip", ["-Z1", file]).toString("utf8").trim().split("\n")).toEqual(["a.txt", "dir/é.json", "empty"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
