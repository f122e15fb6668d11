/**
 * GitHub Actions and the Checks API in the simulator: check runs (annotations in batches of at most 50, appended
 * across updates), workflow dispatch judged by the workflow file on the dispatched ref (declared inputs, required
 * inputs, at most 25 inputs and 65,535 characters, `run-name` rendered into the run's `display_title`), workflow
 * runs (get, list with filters, cancel), artifacts (list, zip download) and workflows (get).
 *
 * Every answer starts from GitHub's documented example for the operation, with our values put in. State changes
 * emit the webhooks GitHub sends: a dispatch `workflow_run` requested, `startRun` in_progress, `completeRun` and a
 * cancel completed, `requestCheckRunAction` `check_run` requested_action.
 *
 * Test-facing actions: `dispatchWorkflow`, `startRun`, `completeRun`, `addArtifact`, `requestCheckRunAction`, plus
 * `workflowRunJson`/`checkRunJson` (the REST shapes) and `artifactZip` (the bytes a download answers).
 *
 * A run's `workflow` (SimRun) is the workflow file's path, e.g. `.github/workflows/pao-terraform.yml`.
 */
import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { envelope, examplePayload, userPayload } from "../payloads.js";
import type { Simulator } from "../simulator.js";
import type { SimArtifact, SimCheckRun, SimRepo, SimRun } from "../state.js";
import { SimHttpError, type Handler, type Json, type SimRequest, type SimResponse } from "../types.js";
import { zipStored } from "../zip.js";

/** GitHub's limits on a workflow_dispatch: inputs per request, and characters of all input values together. */
export const MAX_DISPATCH_INPUTS = 25;
export const MAX_DISPATCH_INPUT_CHARACTERS = 65_535;
/** Annotations accepted per check run create or update request. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** Artifacts are kept this long (GitHub's default retention). */
const ARTIFACT_RETENTION_DAYS = 90;

const WORKFLOWS_DIR = ".github/workflows/";

// ---------------------------------------------------------------------------------------------------------------
// Access

type Need = "read" | "write";

/** The repository of the request, if the caller may use it: 404 for a repository the caller cannot see. */
function repoOf(sim: Simulator, req: SimRequest, need: Need): SimRepo {
  const repo = sim.repo(`${req.params["owner"]}/${req.params["repo"]}`);
  const caller = req.caller;
  switch (caller.kind) {
    case "installation": {
      const installation = sim.installations.get(caller.installationId);
      const granted = installation?.repositories.some((r) => r.toLowerCase() === repo.fullName.toLowerCase()) ?? false;
      if (!granted) throw new SimHttpError(404, "Not Found");
      return repo;
    }
    case "user": {
      const permission = repo.collaborators.get(caller.login) ?? "none";
      if (permission === "none" && repo.private) throw new SimHttpError(404, "Not Found");
      if (need === "write" && !["admin", "maintain", "write"].includes(permission)) {
        throw new SimHttpError(403, "Must have admin rights to Repository.");
      }
      return repo;
    }
    case "app":
      throw new SimHttpError(403, "Resource not accessible by integration");
    case "anonymous":
      if (repo.private) throw new SimHttpError(404, "Not Found");
      if (need === "write") throw new SimHttpError(401, "Requires authentication");
      return repo;
  }
}

/** The Checks API writes only for GitHub Apps (installation tokens). */
function requireApp(req: SimRequest): void {
  if (req.caller.kind !== "installation") throw new SimHttpError(403, "You must authenticate via a GitHub App.");
}

/** Who GitHub records as the actor of the request. */
function actorOf(sim: Simulator, req: SimRequest): string {
  if (req.caller.kind === "user") return req.caller.login;
  return `${sim.app.slug}[bot]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Ids GitHub has that the shared state does not keep: workflow ids, check suite ids, pull request ids.

interface WorkflowRecord {
  id: number;
  path: string;
  created_at: string;
}

const workflowRegistry = new WeakMap<SimRepo, Map<string, WorkflowRecord>>();
const suiteIds = new WeakMap<SimRepo, Map<string, number>>();

function workflowRecord(sim: Simulator, repo: SimRepo, path: string): WorkflowRecord {
  let registry = workflowRegistry.get(repo);
  if (!registry) workflowRegistry.set(repo, (registry = new Map()));
  let record = registry.get(path);
  if (!record) registry.set(path, (record = { id: sim.id(), path, created_at: sim.now() }));
  return record;
}

/** Registers the workflow files of the default branch (GitHub knows a workflow by id once it is on it). */
function registerWorkflows(sim: Simulator, repo: SimRepo): void {
  const head = repo.refs.get(`heads/${repo.defaultBranch}`);
  if (!head) return;
  for (const entry of repo.store.readTree(head, { recursive: true })) {
    if (entry.type === "blob" && entry.path.startsWith(WORKFLOWS_DIR) && /\.ya?ml$/.test(entry.path) && !entry.path.slice(WORKFLOWS_DIR.length).includes("/")) {
      workflowRecord(sim, repo, entry.path);
    }
  }
}

/** The workflow file path a `workflow_id` (a file name or a numeric id) names, or null. */
function workflowPathOf(sim: Simulator, repo: SimRepo, workflowId: string): string | null {
  if (/^\d+$/.test(workflowId)) {
    registerWorkflows(sim, repo);
    const id = Number(workflowId);
    for (const record of workflowRegistry.get(repo)?.values() ?? []) if (record.id === id) return record.path;
    return null;
  }
  if (workflowId.includes("/") || !/\.ya?ml$/.test(workflowId)) return null;
  return `${WORKFLOWS_DIR}${workflowId}`;
}

function suiteId(sim: Simulator, repo: SimRepo, key: string): number {
  let ids = suiteIds.get(repo);
  if (!ids) suiteIds.set(repo, (ids = new Map()));
  let id = ids.get(key);
  if (id === undefined) ids.set(key, (id = sim.id()));
  return id;
}

/**
 * SimPull keeps no id; pull request ids here are derived from the repository id and the number. (The conversation
 * group hands out its own; a shared id on SimPull would make `check_run.pull_requests[].id` agree with it.)
 */
function pullId(repo: SimRepo, number: number): number {
  return repo.id * 100_000 + number;
}

// ---------------------------------------------------------------------------------------------------------------
// Workflow files

interface InputSpec {
  required: boolean;
  default: string | undefined;
  type: string;
  options: string[] | undefined;
}

interface WorkflowFile {
  path: string;
  name: string;
  runName: string | null;
  /** The workflow_dispatch trigger's inputs, or null when the workflow has no such trigger. */
  dispatchInputs: Map<string, InputSpec> | null;
}

function parseWorkflow(path: string, text: string): WorkflowFile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    doc = null;
  }
  const root = isObject(doc) ? doc : {};
  const on = root["on"];
  let dispatch: unknown = undefined;
  let hasDispatch = false;
  if (on === "workflow_dispatch") hasDispatch = true;
  else if (Array.isArray(on)) hasDispatch = on.includes("workflow_dispatch");
  else if (isObject(on) && "workflow_dispatch" in on) {
    hasDispatch = true;
    dispatch = on["workflow_dispatch"];
  }
  let dispatchInputs: Map<string, InputSpec> | null = null;
  if (hasDispatch) {
    dispatchInputs = new Map();
    const inputs = isObject(dispatch) ? dispatch["inputs"] : undefined;
    if (isObject(inputs)) {
      for (const [name, raw] of Object.entries(inputs)) {
        const spec = isObject(raw) ? raw : {};
        const type = typeof spec["type"] === "string" ? spec["type"] : "string";
        const def = spec["default"];
        dispatchInputs.set(name, {
          required: spec["required"] === true,
          default: def === undefined || def === null ? (type === "boolean" ? "false" : undefined) : String(def),
          type,
          options: Array.isArray(spec["options"]) ? spec["options"].map(String) : undefined,
        });
      }
    }
  }
  return {
    path,
    name: typeof root["name"] === "string" && root["name"] !== "" ? root["name"] : path,
    runName: typeof root["run-name"] === "string" ? root["run-name"] : null,
    dispatchInputs,
  };
}

function readWorkflow(repo: SimRepo, commit: string, path: string): WorkflowFile | null {
  const file = repo.store.fileAt(commit, path);
  return file ? parseWorkflow(path, file.content.toString("utf8")) : null;
}

/** Renders `${{ ... }}` in a run-name: `inputs.X` (and `github.event.inputs.X`), and a few `github.*` values. */
export function renderRunName(template: string, context: { inputs: Record<string, string>; actor: string; refName: string }): string {
  const lookup = (name: string) => {
    const key = Object.keys(context.inputs).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? "" : context.inputs[key]!;
  };
  return template
    .replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expression: string) => {
      const expr = expression.trim();
      const dotted = /^(?:github\.event\.)?inputs\.([A-Za-z_][\w-]*)$/i.exec(expr);
      if (dotted) return lookup(dotted[1]!);
      const indexed = /^(?:github\.event\.)?inputs\[\s*'([^']*)'\s*\]$/i.exec(expr);
      if (indexed) return lookup(indexed[1]!);
      switch (expr) {
        case "github.actor":
        case "github.triggering_actor":
          return context.actor;
        case "github.ref_name":
          return context.refName;
        case "github.event_name":
          return "workflow_dispatch";
        default:
          return "";
      }
    })
    .trim();
}

/** A branch or tag name (or `refs/heads/x`, `refs/tags/x`) to its commit and name. */
function resolveRef(repo: SimRepo, ref: string): { sha: string; name: string } | null {
  const bare = ref.replace(/^refs\//, "");
  for (const candidate of bare === ref ? [`heads/${ref}`, `tags/${ref}`] : [bare]) {
    const sha = repo.refs.get(candidate);
    if (sha) return { sha, name: candidate.replace(/^(heads|tags)\//, "") };
  }
  return null;
}

/** A commit sha, branch or tag to a commit sha. */
function resolveCommitish(repo: SimRepo, ref: string): string | null {
  if (/^[0-9a-f]{40}$/.test(ref)) return repo.store.get(ref)?.type === "commit" ? ref : null;
  return resolveRef(repo, ref)?.sha ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes

function apiBase(sim: Simulator, repo: SimRepo): string {
  return `${sim.apiUrl}/repos/${repo.fullName}`;
}

function htmlBase(sim: Simulator, repo: SimRepo): string {
  return `${sim.origin}/${repo.fullName}`;
}

/** An example repository object with our repository's identity and URLs. */
function rebaseRepository(sim: Simulator, repo: SimRepo, example: unknown): Json {
  const base = isObject(example) ? example : {};
  const original = typeof base["full_name"] === "string" ? base["full_name"] : "";
  let text = JSON.stringify(base);
  if (original) {
    text = text
      .split(`https://api.github.com/repos/${original}`)
      .join(apiBase(sim, repo))
      .split(`https://github.com/${original}`)
      .join(htmlBase(sim, repo))
      .split(`github.com/${original}`)
      .join(`${sim.host}/${repo.fullName}`)
      .split(`github.com:${original}`)
      .join(`${sim.host}:${repo.fullName}`);
  }
  const rebased = JSON.parse(text) as Json;
  return {
    ...rebased,
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    fork: false,
    owner: userPayload(sim, repo.owner),
    html_url: htmlBase(sim, repo),
    url: apiBase(sim, repo),
  };
}

/**
 * userPayload with URLs that stay URLs for bots: GitHub escapes `[bot]` in API URLs (`/users/pao-sim%5Bbot%5D`)
 * and links a bot's page to its app (`/apps/pao-sim`).
 */
function envelopeOf(sim: Simulator, repo: SimRepo, sender: string): Json {
  return envelope(sim, repo, sender);
}

function appJson(sim: Simulator, example: unknown): Json {
  const base = isObject(example) ? example : {};
  return {
    ...base,
    id: sim.app.id,
    slug: sim.app.slug,
    node_id: `A_${sim.app.id}`,
    name: sim.app.slug,
    description: "",
    external_url: `${sim.origin}/apps/${sim.app.slug}`,
    html_url: `${sim.origin}/apps/${sim.app.slug}`,
    permissions: { actions: "write", checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write" },
    events: ["check_run", "issue_comment", "issues", "pull_request", "pull_request_review", "push", "workflow_run"],
    // Some of GitHub's own examples write these as "2018-04-25 20:42:10", which its schema refuses.
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
  };
}

function headCommitJson(repo: SimRepo, sha: string): Json {
  const commit = repo.store.getCommit(sha);
  return {
    id: sha,
    tree_id: commit.tree,
    message: commit.message,
    timestamp: commit.committer.date,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  };
}

function runNumber(repo: SimRepo, run: SimRun): number {
  let n = 0;
  for (const other of repo.runs.values()) if (other.workflow === run.workflow && other.id <= run.id) n++;
  return n;
}

/** The REST shape of a workflow run (`GET /repos/{owner}/{repo}/actions/runs/{run_id}`). */
export function workflowRunJson(sim: Simulator, repo: SimRepo, run: SimRun): Json {
  const base = sim.description.example("actions/get-workflow-run");
  const api = apiBase(sim, repo);
  const runUrl = `${api}/actions/runs/${run.id}`;
  const workflow = workflowRecord(sim, repo, run.workflow);
  const suite = suiteId(sim, repo, `run:${run.id}`);
  const repository = rebaseRepository(sim, repo, base["repository"]);
  return {
    ...base,
    id: run.id,
    name: run.name,
    node_id: `WFR_${run.id}`,
    check_suite_id: suite,
    check_suite_node_id: `CS_${suite}`,
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: run.workflow,
    run_number: runNumber(repo, run),
    event: run.event,
    display_title: run.display_title,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflow.id,
    url: runUrl,
    html_url: `${htmlBase(sim, repo)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.created_at,
    updated_at: run.updated_at,
    actor: userPayload(sim, run.actor),
    run_attempt: run.run_attempt,
    referenced_workflows: [],
    run_started_at: run.run_started_at,
    triggering_actor: userPayload(sim, run.triggering_actor ?? run.actor),
    jobs_url: `${runUrl}/jobs`,
    logs_url: `${runUrl}/logs`,
    check_suite_url: `${api}/check-suites/${suite}`,
    artifacts_url: `${runUrl}/artifacts`,
    cancel_url: `${runUrl}/cancel`,
    rerun_url: `${runUrl}/rerun`,
    previous_attempt_url: run.run_attempt > 1 ? `${runUrl}/attempts/${run.run_attempt - 1}` : null,
    workflow_url: `${api}/actions/workflows/${workflow.id}`,
    head_commit: headCommitJson(repo, run.head_sha),
    repository,
    head_repository: repository,
  };
}

/** The REST shape of a workflow (`GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}`). */
function workflowJson(sim: Simulator, repo: SimRepo, path: string, name: string, example: unknown): Json {
  const base = isObject(example) ? example : {};
  const record = workflowRecord(sim, repo, path);
  return {
    ...base,
    id: record.id,
    node_id: `W_${record.id}`,
    name,
    path,
    state: "active",
    created_at: record.created_at,
    updated_at: record.created_at,
    url: `${apiBase(sim, repo)}/actions/workflows/${record.id}`,
    html_url: `${htmlBase(sim, repo)}/blob/${repo.defaultBranch}/${path}`,
    badge_url: `${htmlBase(sim, repo)}/workflows/${encodeURIComponent(name)}/badge.svg`,
  };
}

/** The bytes of an artifact's zip, as a download answers them. */
export function artifactZip(artifact: SimArtifact): Buffer {
  return artifact.zip ?? zipStored(artifact.files, artifact.created_at);
}

function artifactJson(sim: Simulator, repo: SimRepo, artifact: SimArtifact, example: unknown): Json {
  const base = isObject(example) ? example : {};
  const run = repo.runs.get(artifact.run);
  const zip = artifactZip(artifact);
  const url = `${apiBase(sim, repo)}/actions/artifacts/${artifact.id}`;
  const expires = new Date(Date.parse(artifact.created_at) + ARTIFACT_RETENTION_DAYS * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    ...base,
    id: artifact.id,
    node_id: `MA_${artifact.id}`,
    name: artifact.name,
    size_in_bytes: zip.length,
    url,
    archive_download_url: `${url}/zip`,
    expired: artifact.expired,
    created_at: artifact.created_at,
    expires_at: expires,
    updated_at: artifact.created_at,
    digest: `sha256:${createHash("sha256").update(zip).digest("hex")}`,
    workflow_run: {
      id: artifact.run,
      repository_id: repo.id,
      head_repository_id: repo.id,
      head_branch: run?.head_branch ?? repo.defaultBranch,
      head_sha: run?.head_sha ?? repo.refs.get(`heads/${repo.defaultBranch}`) ?? "",
    },
  };
}

/** Open pull requests of this repository whose head is the commit, as check runs list them. */
function pullRequestsAt(sim: Simulator, repo: SimRepo, sha: string): Json[] {
  const api = apiBase(sim, repo);
  const repoRef = { id: repo.id, url: api, name: repo.name };
  return [...repo.pulls.values()]
    .filter((p) => p.state === "open" && p.head.sha === sha && p.head.repo.toLowerCase() === repo.fullName.toLowerCase())
    .map((p) => ({
      url: `${api}/pulls/${p.number}`,
      id: pullId(repo, p.number),
      number: p.number,
      head: { ref: p.head.ref, sha: p.head.sha, repo: repoRef },
      base: { ref: p.base.ref, sha: p.base.sha, repo: repoRef },
    }));
}

/** The REST shape of a check run (`GET /repos/{owner}/{repo}/check-runs/{check_run_id}`). */
export function checkRunJson(sim: Simulator, repo: SimRepo, run: SimCheckRun): Json {
  const base = sim.description.example("checks/get");
  const url = `${apiBase(sim, repo)}/check-runs/${run.id}`;
  return {
    ...base,
    id: run.id,
    head_sha: run.head_sha,
    node_id: `CR_${run.id}`,
    external_id: run.external_id ?? "",
    url,
    html_url: `${htmlBase(sim, repo)}/runs/${run.id}`,
    details_url: run.details_url ?? `${sim.origin}/apps/${sim.app.slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: suiteId(sim, repo, `app:${run.app}:${run.head_sha}`) },
    app: appJson(sim, base["app"]),
    pull_requests: pullRequestsAt(sim, repo, run.head_sha),
  };
}

function annotationJson(sim: Simulator, repo: SimRepo, run: SimCheckRun, a: Json): Json {
  const optional = (key: string) => (a[key] === undefined ? null : a[key]);
  return {
    path: a["path"],
    start_line: a["start_line"],
    end_line: a["end_line"],
    start_column: optional("start_column"),
    end_column: optional("end_column"),
    annotation_level: optional("annotation_level"),
    title: optional("title"),
    message: optional("message"),
    raw_details: optional("raw_details"),
    blob_href: `${htmlBase(sim, repo)}/blob/${run.head_sha}/${String(a["path"])}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks

function emitWorkflowRun(sim: Simulator, repo: SimRepo, run: SimRun, action: "requested" | "in_progress" | "completed"): void {
  // GitHub's examples have no in_progress payload: the requested one has the same shape.
  const payload = examplePayload("workflow_run", action === "in_progress" ? "requested" : action);
  payload["action"] = action;
  delete payload["organization"];
  delete payload["enterprise"];
  const example = isObject(payload["workflow_run"]) ? payload["workflow_run"] : {};
  const lite = rebaseRepository(sim, repo, example["repository"]);
  payload["workflow_run"] = { ...example, ...workflowRunJson(sim, repo, run), repository: lite, head_repository: lite };
  payload["workflow"] = workflowJson(sim, repo, run.workflow, run.name, payload["workflow"]);
  Object.assign(payload, envelopeOf(sim, repo, run.actor));
  sim.webhooks.emit("workflow_run", payload);
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatch

export interface ActionsSettings {
  /** Whether a dispatch asking for `return_run_details` gets them (200 with the run id); older servers answer 204. */
  returnRunDetails: boolean;
}

const actionsSettingsOf = new WeakMap<Simulator, ActionsSettings>();

/** This group's settings for a simulator (change them in tests: `actionsSettings(sim).returnRunDetails = false`). */
export function actionsSettings(sim: Simulator): ActionsSettings {
  let s = actionsSettingsOf.get(sim);
  if (!s) actionsSettingsOf.set(sim, (s = { returnRunDetails: true }));
  return s;
}

export interface DispatchOptions {
  /** A workflow file name (`pao-terraform.yml`) or a numeric workflow id. */
  workflow: string;
  /** A branch or tag name (default: the default branch). */
  ref?: string;
  inputs?: Record<string, unknown>;
  /** Who dispatches (default: the app's bot). */
  actor?: string;
}

/**
 * Dispatches a workflow as `POST .../actions/workflows/{workflow_id}/dispatches` does, with GitHub's checks
 * (throws SimHttpError), and returns the queued run; emits workflow_run requested.
 */
export function dispatchWorkflow(sim: Simulator, repo: SimRepo, options: DispatchOptions): SimRun {
  const refName = options.ref ?? repo.defaultBranch;
  const ref = resolveRef(repo, refName);
  if (!ref) throw new SimHttpError(422, `No ref found for: ${refName}`);
  const path = workflowPathOf(sim, repo, options.workflow);
  const workflow = path === null ? null : readWorkflow(repo, ref.sha, path);
  if (!path || !workflow) throw new SimHttpError(404, "Not Found");
  if (!workflow.dispatchInputs) throw new SimHttpError(422, "Workflow does not have 'workflow_dispatch' trigger");
  const declared = workflow.dispatchInputs;

  const given = options.inputs ?? {};
  if (!isObject(given)) throw new SimHttpError(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.");
  const names = Object.keys(given);
  if (names.length > MAX_DISPATCH_INPUTS) {
    throw new SimHttpError(422, `Invalid request.\n\nFor 'properties/inputs', you may only provide up to ${MAX_DISPATCH_INPUTS} inputs.`);
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) values[name] = typeof value === "string" ? value : isObject(value) || Array.isArray(value) ? JSON.stringify(value) : String(value);
  const characters = Object.values(values).reduce((n, v) => n + v.length, 0);
  if (characters > MAX_DISPATCH_INPUT_CHARACTERS) {
    throw new SimHttpError(422, `inputs are too large: ${characters} characters, at most ${MAX_DISPATCH_INPUT_CHARACTERS} are allowed`);
  }
  const unexpected = names.filter((n) => !declared.has(n));
  if (unexpected.length > 0) throw new SimHttpError(422, `Unexpected inputs provided: [${unexpected.map((n) => JSON.stringify(n)).join(", ")}]`);
  for (const [name, spec] of declared) {
    if (values[name] === undefined && spec.default !== undefined) values[name] = spec.default;
    if (spec.required && (values[name] === undefined || values[name] === "")) throw new SimHttpError(422, `Required input '${name}' not provided`);
    const value = values[name];
    if (value === undefined) continue;
    if (spec.type === "boolean" && value !== "true" && value !== "false") {
      throw new SimHttpError(422, `Provided value '${value}' for input '${name}' is not a valid boolean`);
    }
    if (spec.type === "choice" && spec.options && !spec.options.includes(value)) {
      throw new SimHttpError(422, `Provided value '${value}' for input '${name}' not in the list of allowed values`);
    }
    if (spec.type === "number" && (value.trim() === "" || !Number.isFinite(Number(value)))) {
      throw new SimHttpError(422, `Provided value '${value}' for input '${name}' is not a valid number`);
    }
  }

  const actor = options.actor ?? `${sim.app.slug}[bot]`;
  sim.user(actor);
  workflowRecord(sim, repo, path);
  const now = sim.now();
  const run: SimRun = {
    id: sim.id(),
    workflow: path,
    name: workflow.name,
    display_title: workflow.runName === null ? workflow.name : renderRunName(workflow.runName, { inputs: values, actor, refName: ref.name }) || workflow.name,
    head_branch: ref.name,
    head_sha: ref.sha,
    event: "workflow_dispatch",
    status: "queued",
    conclusion: null,
    inputs: values,
    run_attempt: 1,
    actor,
    created_at: now,
    updated_at: now,
    run_started_at: now,
  };
  repo.runs.set(run.id, run);
  emitWorkflowRun(sim, repo, run, "requested");
  return run;
}

function runOf(repo: SimRepo, runId: number): SimRun {
  const run = repo.runs.get(runId);
  if (!run) throw new Error(`no workflow run ${runId} in ${repo.fullName}`);
  return run;
}

/** The run starts on a runner: in_progress, and the workflow_run in_progress webhook. */
export function startRun(sim: Simulator, repo: SimRepo, runId: number): SimRun {
  const run = runOf(repo, runId);
  if (run.status === "in_progress" || run.status === "completed") throw new Error(`workflow run ${runId} is already ${run.status}`);
  const now = sim.now();
  run.status = "in_progress";
  run.run_started_at = now;
  run.updated_at = now;
  emitWorkflowRun(sim, repo, run, "in_progress");
  return run;
}

/**
 * Someone re-runs a completed run ("Re-run all jobs"): GitHub keeps the run's id, inputs and display title, counts
 * `run_attempt` up, queues it again from a fresh start, and sends workflow_run requested. Earlier attempts' artifacts
 * stay with the run.
 */
export function rerunRun(sim: Simulator, repo: SimRepo, runId: number, options: { actor?: string } = {}): SimRun {
  const run = runOf(repo, runId);
  if (run.status !== "completed") throw new SimHttpError(403, "This workflow run is not completed and cannot be re-run.");
  const actor = options.actor ?? run.actor;
  sim.user(actor);
  const now = sim.now();
  run.run_attempt += 1;
  run.status = "queued";
  run.conclusion = null;
  run.triggering_actor = actor;
  run.run_started_at = now;
  run.updated_at = now;
  emitWorkflowRun(sim, repo, run, "requested");
  return run;
}

export interface CompleteRunOptions {
  conclusion: Exclude<SimRun["conclusion"], null>;
  /** Published as the artifact `pao-outputs` holding `outputs.json`. */
  outputs?: Record<string, unknown>;
}

/** The run finishes: completed with the conclusion (and a `pao-outputs` artifact), and workflow_run completed. */
export function completeRun(sim: Simulator, repo: SimRepo, runId: number, options: CompleteRunOptions): SimRun {
  const run = runOf(repo, runId);
  if (run.status === "completed") throw new Error(`workflow run ${runId} is already completed`);
  if (options.outputs !== undefined) addArtifact(sim, repo, runId, "pao-outputs", { "outputs.json": JSON.stringify(options.outputs) });
  run.status = "completed";
  run.conclusion = options.conclusion;
  run.updated_at = sim.now();
  emitWorkflowRun(sim, repo, run, "completed");
  return run;
}

/** An artifact uploaded by the run: a zip of the files, or these exact zip bytes (a hostile archive). */
export function addArtifact(sim: Simulator, repo: SimRepo, runId: number, name: string, files: Record<string, string>, zip?: Buffer): SimArtifact {
  runOf(repo, runId);
  const artifact: SimArtifact = { id: sim.id(), run: runId, name, files: { ...files }, created_at: sim.now(), expired: false, ...(zip ? { zip } : {}) };
  repo.artifacts.set(artifact.id, artifact);
  return artifact;
}

/** A user clicks one of the check run's action buttons: the check_run requested_action webhook. */
export function requestCheckRunAction(sim: Simulator, repo: SimRepo, checkRunId: number, options: { user: string; identifier: string }): void {
  const checkRun = checkRunOf(repo, checkRunId);
  if (!checkRun.actions.some((a) => a["identifier"] === options.identifier)) {
    throw new Error(`check run ${checkRunId} has no action ${JSON.stringify(options.identifier)} (it has ${checkRun.actions.map((a) => JSON.stringify(a["identifier"])).join(", ") || "none"})`);
  }
  const payload = checkRunPayload(sim, repo, checkRun, "requested_action", options.user);
  payload["requested_action"] = { identifier: options.identifier };
  sim.webhooks.emit("check_run", payload);
}

/** A user clicks "Re-run" on the check run of the app that made it: the check_run rerequested webhook, to that app. */
export function rerequestCheckRun(sim: Simulator, repo: SimRepo, checkRunId: number, options: { user: string }): void {
  sim.webhooks.emit("check_run", checkRunPayload(sim, repo, checkRunOf(repo, checkRunId), "rerequested", options.user));
}

function checkRunOf(repo: SimRepo, checkRunId: number): SimCheckRun {
  const checkRun = repo.checkRuns.get(checkRunId);
  if (!checkRun) throw new Error(`no check run ${checkRunId} in ${repo.fullName}`);
  return checkRun;
}

/** A check_run webhook payload on GitHub's example of that action, with the run as the REST API shows it. */
function checkRunPayload(sim: Simulator, repo: SimRepo, checkRun: SimCheckRun, action: "requested_action" | "rerequested", user: string): Json {
  const payload = examplePayload("check_run", action);
  delete payload["organization"];
  delete payload["enterprise"];
  delete payload["requested_action"];
  const example = isObject(payload["check_run"]) ? payload["check_run"] : {};
  const exampleSuite = isObject(example["check_suite"]) ? example["check_suite"] : {};
  const rest = checkRunJson(sim, repo, checkRun);
  const app = appJson(sim, example["app"]);
  const branch = [...repo.refs].find(([ref, sha]) => ref.startsWith("heads/") && sha === checkRun.head_sha)?.[0].slice("heads/".length) ?? null;
  const suite = rest["check_suite"] as { id: number };
  const parent = repo.store.getCommit(checkRun.head_sha).parents[0] ?? null;
  payload["check_run"] = {
    ...example,
    ...rest,
    app,
    check_suite: {
      ...exampleSuite,
      id: suite.id,
      node_id: `CS_${suite.id}`,
      head_branch: branch,
      head_sha: checkRun.head_sha,
      status: checkRun.status === "completed" ? "completed" : checkRun.status === "queued" ? "queued" : "in_progress",
      conclusion: checkRun.status === "completed" ? checkRun.conclusion : null,
      url: `${apiBase(sim, repo)}/check-suites/${suite.id}`,
      before: parent,
      after: checkRun.head_sha,
      pull_requests: rest["pull_requests"],
      app,
      created_at: checkRun.started_at ?? sim.now(),
      updated_at: sim.now(),
    },
  };
  Object.assign(payload, envelopeOf(sim, repo, user));
  return payload;
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers' helpers

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberParam(req: SimRequest, name: string): number {
  const raw = req.params[name] ?? "";
  if (!/^\d+$/.test(raw)) throw new SimHttpError(404, "Not Found");
  return Number(raw);
}

/** GitHub's page/per_page, with a Link header to the other pages. */
function paginate<T>(sim: Simulator, req: SimRequest, items: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const url = new URL(`${sim.apiUrl}${req.path}`);
    for (const [k, v] of req.query) url.searchParams.set(k, v);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(p));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items: items.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(", ") } : {} };
}

/** GitHub's `created` qualifier: `>=2024-01-01`, `<2024-01-01T10:00:00Z`, `2024-01-01..2024-02-01`, `2024-01-01`. */
export function matchesCreated(createdAt: string, qualifier: string): boolean {
  const t = Date.parse(createdAt);
  const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
  const start = (s: string) => Date.parse(isDate(s) ? `${s}T00:00:00Z` : s);
  const end = (s: string) => (isDate(s) ? Date.parse(`${s}T00:00:00Z`) + 86_400_000 : Date.parse(s) + 1); // exclusive
  const q = qualifier.trim();
  const range = /^(.+)\.\.(.+)$/.exec(q);
  if (range) {
    const [, from, to] = range as unknown as [string, string, string];
    return (from === "*" || t >= start(from)) && (to === "*" || t < end(to));
  }
  const op = /^(>=|<=|>|<)(.+)$/.exec(q);
  if (op) {
    const value = op[2]!;
    switch (op[1]) {
      case ">=":
        return t >= start(value);
      case ">":
        return t >= end(value);
      case "<=":
        return t < end(value);
      default:
        return t < start(value);
    }
  }
  return t >= start(q) && t < end(q);
}

const RUN_STATUSES = new Set(["requested", "queued", "in_progress", "completed", "waiting", "pending"]);

function filterRuns(repo: SimRepo, req: SimRequest, workflowPath: string | null, sim: Simulator): SimRun[] {
  const q = req.query;
  return [...repo.runs.values()]
    .filter((run) => workflowPath === null || run.workflow === workflowPath)
    .filter((run) => !q.has("actor") || run.actor === q.get("actor"))
    .filter((run) => !q.has("branch") || run.head_branch === q.get("branch"))
    .filter((run) => !q.has("event") || run.event === q.get("event"))
    .filter((run) => !q.has("head_sha") || run.head_sha === q.get("head_sha"))
    .filter((run) => !q.has("created") || matchesCreated(run.created_at, q.get("created")!))
    .filter((run) => !q.has("check_suite_id") || suiteId(sim, repo, `run:${run.id}`) === Number(q.get("check_suite_id")))
    .filter((run) => {
      const status = q.get("status");
      if (!status) return true;
      return RUN_STATUSES.has(status) ? run.status === status : run.conclusion === status;
    })
    .sort((a, b) => b.id - a.id);
}

function runsAnswer(sim: Simulator, req: SimRequest, repo: SimRepo, operationId: string, runs: SimRun[]): SimResponse {
  const { items, headers } = paginate(sim, req, runs);
  const base = sim.description.example(operationId);
  return { status: 200, headers, body: { ...base, total_count: runs.length, workflow_runs: items.map((r) => workflowRunJson(sim, repo, r)) } };
}

function checkRunFor(repo: SimRepo, req: SimRequest): SimCheckRun {
  const run = repo.checkRuns.get(numberParam(req, "check_run_id"));
  if (!run) throw new SimHttpError(404, "Not Found");
  return run;
}

function workflowRunFor(repo: SimRepo, req: SimRequest): SimRun {
  const run = repo.runs.get(numberParam(req, "run_id"));
  if (!run) throw new SimHttpError(404, "Not Found");
  return run;
}

const CONCLUSIONS = new Set(["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"]);

/** Applies a check run create or update body (status, conclusion, output with appended annotations, actions). */
function applyCheckRunBody(sim: Simulator, run: SimCheckRun, body: Json, creating: boolean): void {
  const output = body["output"];
  if (output !== undefined && !isObject(output)) throw new SimHttpError(422, "Invalid request.\n\nFor 'properties/output', it is not an object.");
  const annotations = output?.["annotations"];
  if (annotations !== undefined && !Array.isArray(annotations)) throw new SimHttpError(422, "Invalid request.\n\nFor 'properties/annotations', it is not an array.");
  if (Array.isArray(annotations) && annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
    throw new SimHttpError(422, `Invalid request.\n\nFor 'properties/annotations', the array is too long (maximum is ${MAX_ANNOTATIONS_PER_REQUEST} items).`);
  }
  for (const a of (annotations ?? []) as unknown[]) {
    if (!isObject(a) || typeof a["path"] !== "string" || !Number.isInteger(a["start_line"]) || !Number.isInteger(a["end_line"]) || typeof a["message"] !== "string" || !["notice", "warning", "failure"].includes(String(a["annotation_level"]))) {
      throw new SimHttpError(422, "Invalid request.\n\nAn annotation needs path, start_line, end_line, annotation_level (notice, warning, failure) and message.");
    }
  }
  const actions = body["actions"];
  if (actions !== undefined && (!Array.isArray(actions) || actions.length > 3)) throw new SimHttpError(422, "Invalid request.\n\nAt most 3 actions are allowed.");

  const conclusion = body["conclusion"];
  if (conclusion !== undefined && (typeof conclusion !== "string" || !CONCLUSIONS.has(conclusion))) {
    throw new SimHttpError(422, `Invalid request.\n\nFor 'properties/conclusion', ${JSON.stringify(conclusion)} is not a valid conclusion.`);
  }
  const status = body["status"];
  if (typeof conclusion === "string") {
    run.status = "completed";
    run.conclusion = conclusion;
    run.completed_at = typeof body["completed_at"] === "string" ? body["completed_at"] : sim.now();
  } else if (status === "completed") {
    if (run.conclusion === null) throw new SimHttpError(422, "Invalid request.\n\n\"conclusion\" wasn't supplied.");
    run.status = "completed";
  } else if (typeof status === "string") {
    run.status = status as SimCheckRun["status"];
    if (status !== "completed") {
      run.conclusion = null;
      run.completed_at = null;
    }
  }
  if (typeof body["started_at"] === "string") run.started_at = body["started_at"];
  else if (creating) run.started_at = sim.now();
  if (typeof body["name"] === "string") run.name = body["name"];
  if (typeof body["details_url"] === "string") run.details_url = body["details_url"];
  if (typeof body["external_id"] === "string") run.external_id = body["external_id"];
  if (output) {
    for (const key of ["title", "summary", "text"] as const) if (typeof output[key] === "string") run.output[key] = output[key];
    for (const a of (annotations ?? []) as Json[]) run.output.annotations.push(structuredClone(a));
  }
  if (Array.isArray(actions)) run.actions = structuredClone(actions) as Json[];
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers

export const actionsGroup: Record<string, Handler> = {
  "checks/create": (req, sim) => {
    const repo = repoOf(sim, req, "write");
    requireApp(req);
    const body = isObject(req.body) ? req.body : {};
    if (typeof body["name"] !== "string" || body["name"] === "") throw new SimHttpError(422, "Invalid request.\n\n\"name\" wasn't supplied.");
    const sha = typeof body["head_sha"] === "string" ? body["head_sha"] : "";
    if (repo.store.get(sha)?.type !== "commit") throw new SimHttpError(422, `No commit found for SHA: ${sha}`);
    const run: SimCheckRun = {
      id: sim.id(),
      name: body["name"],
      head_sha: sha,
      status: "queued",
      conclusion: null,
      started_at: null,
      completed_at: null,
      external_id: null,
      details_url: null,
      output: { title: null, summary: null, text: null, annotations: [] },
      actions: [],
      app: sim.app.slug,
    };
    applyCheckRunBody(sim, run, body, true);
    repo.checkRuns.set(run.id, run);
    return { status: 201, body: { ...sim.description.example("checks/create", 201), ...checkRunJson(sim, repo, run) } };
  },

  "checks/update": (req, sim) => {
    const repo = repoOf(sim, req, "write");
    requireApp(req);
    const run = checkRunFor(repo, req);
    if (run.app !== sim.app.slug) throw new SimHttpError(403, "Invalid app_id `" + sim.app.id + "` - check run can only be modified by the GitHub App that created it.");
    // Validate on a copy: a rejected request changes nothing.
    const draft = structuredClone(run);
    applyCheckRunBody(sim, draft, isObject(req.body) ? req.body : {}, false);
    Object.assign(run, draft);
    return { status: 200, body: { ...sim.description.example("checks/update"), ...checkRunJson(sim, repo, run) } };
  },

  "checks/get": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    return { status: 200, body: checkRunJson(sim, repo, checkRunFor(repo, req)) };
  },

  "checks/list-for-ref": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    const ref = req.params["ref"] ?? "";
    const sha = resolveCommitish(repo, ref);
    if (!sha) throw new SimHttpError(422, `No commit found for SHA: ${ref}`);
    const q = req.query;
    let runs = [...repo.checkRuns.values()].filter((r) => r.head_sha === sha);
    if ((q.get("filter") ?? "latest") === "latest") {
      const newest = new Map<string, SimCheckRun>();
      for (const r of runs) if ((newest.get(r.name)?.id ?? -1) < r.id) newest.set(r.name, r);
      runs = [...newest.values()];
    }
    runs = runs
      .filter((r) => !q.has("check_name") || r.name === q.get("check_name"))
      .filter((r) => !q.has("status") || r.status === q.get("status"))
      .filter((r) => !q.has("app_id") || Number(q.get("app_id")) === sim.app.id)
      .sort((a, b) => b.id - a.id);
    const { items, headers } = paginate(sim, req, runs);
    const base = sim.description.example("checks/list-for-ref");
    return { status: 200, headers, body: { ...base, total_count: runs.length, check_runs: items.map((r) => checkRunJson(sim, repo, r)) } };
  },

  "checks/list-annotations": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    const run = checkRunFor(repo, req);
    const { items, headers } = paginate(sim, req, run.output.annotations);
    return { status: 200, headers, body: items.map((a) => annotationJson(sim, repo, run, a)) };
  },

  "actions/create-workflow-dispatch": (req, sim) => {
    const repo = repoOf(sim, req, "write");
    const body = isObject(req.body) ? req.body : {};
    if (typeof body["ref"] !== "string") throw new SimHttpError(422, "Invalid request.\n\n\"ref\" wasn't supplied.");
    if (body["inputs"] !== undefined && !isObject(body["inputs"])) throw new SimHttpError(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.");
    const run = dispatchWorkflow(sim, repo, {
      workflow: req.params["workflow_id"] ?? "",
      ref: body["ref"],
      inputs: body["inputs"] as Record<string, unknown> | undefined,
      actor: actorOf(sim, req),
    });
    // GitHub Enterprise Server versions before return_run_details answer 204 whatever is asked.
    if (body["return_run_details"] !== true || !actionsSettings(sim).returnRunDetails) return { status: 204 };
    return {
      status: 200,
      body: {
        ...sim.description.example("actions/create-workflow-dispatch", 200),
        workflow_run_id: run.id,
        run_url: `${apiBase(sim, repo)}/actions/runs/${run.id}`,
        html_url: `${htmlBase(sim, repo)}/actions/runs/${run.id}`,
      },
    };
  },

  "actions/get-workflow": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    const path = workflowPathOf(sim, repo, req.params["workflow_id"] ?? "");
    const head = repo.refs.get(`heads/${repo.defaultBranch}`);
    const file = path && head ? readWorkflow(repo, head, path) : null;
    if (!path || !file) throw new SimHttpError(404, "Not Found");
    return { status: 200, body: workflowJson(sim, repo, path, file.name, sim.description.example("actions/get-workflow")) };
  },

  "actions/get-workflow-run": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    return { status: 200, body: workflowRunJson(sim, repo, workflowRunFor(repo, req)) };
  },

  "actions/list-workflow-runs": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    const path = workflowPathOf(sim, repo, req.params["workflow_id"] ?? "");
    const head = repo.refs.get(`heads/${repo.defaultBranch}`);
    const known = path !== null && ((head && readWorkflow(repo, head, path)) || [...repo.runs.values()].some((r) => r.workflow === path));
    if (!known) throw new SimHttpError(404, "Not Found");
    return runsAnswer(sim, req, repo, "actions/list-workflow-runs", filterRuns(repo, req, path, sim));
  },

  "actions/list-workflow-runs-for-repo": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    return runsAnswer(sim, req, repo, "actions/list-workflow-runs-for-repo", filterRuns(repo, req, null, sim));
  },

  "actions/cancel-workflow-run": (req, sim) => {
    const repo = repoOf(sim, req, "write");
    const run = workflowRunFor(repo, req);
    if (run.status === "completed") throw new SimHttpError(409, "Cannot cancel a workflow run that is completed.");
    run.status = "completed";
    run.conclusion = "cancelled";
    run.updated_at = sim.now();
    emitWorkflowRun(sim, repo, run, "completed");
    return { status: 202, body: {} };
  },

  "actions/re-run-workflow": (req, sim) => {
    const repo = repoOf(sim, req, "write");
    const run = workflowRunFor(repo, req);
    rerunRun(sim, repo, run.id, { actor: req.caller.kind === "user" ? req.caller.login : `${sim.app.slug}[bot]` });
    return { status: 201, body: {} };
  },

  "actions/list-workflow-run-artifacts": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    const run = workflowRunFor(repo, req);
    const name = req.query.get("name");
    const direction = req.query.get("direction") === "asc" ? 1 : -1;
    const artifacts = [...repo.artifacts.values()]
      .filter((a) => a.run === run.id && (name === null || a.name === name))
      .sort((a, b) => direction * (a.id - b.id));
    const { items, headers } = paginate(sim, req, artifacts);
    const base = sim.description.example("actions/list-workflow-run-artifacts");
    const example = (base["artifacts"] as unknown[] | undefined)?.[0];
    return { status: 200, headers, body: { ...base, total_count: artifacts.length, artifacts: items.map((a) => artifactJson(sim, repo, a, example)) } };
  },

  "actions/get-artifact": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    const artifact = repo.artifacts.get(numberParam(req, "artifact_id"));
    if (!artifact) throw new SimHttpError(404, "Not Found");
    return { status: 200, body: artifactJson(sim, repo, artifact, sim.description.example("actions/get-artifact")) };
  },

  /** As GitHub: a 302 to a short-lived storage URL that serves the zip without credentials. */
  "actions/download-artifact": (req, sim) => {
    const repo = repoOf(sim, req, "read");
    const artifact = repo.artifacts.get(numberParam(req, "artifact_id"));
    if (!artifact || req.params["archive_format"] !== "zip") throw new SimHttpError(404, "Not Found");
    if (artifact.expired) throw new SimHttpError(410, "Artifact has expired");
    return { status: 302, headers: { location: sim.blobUrl(artifactZip(artifact), "application/zip") } };
  },
};
