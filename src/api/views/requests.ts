/**
 * Request views (seed 000 sections 4.2, 4.3 and 4.6), from status records and, for request files that have no
 * record yet (local mode), from the file itself: a file that validates is `submitted`, with its planned steps
 * pending; one that does not is `validating`, with what `pao validate` says of it and nothing planned.
 */
import type { z } from "zod";
import { DEFAULT_RETRY_POLICY, planRequest } from "../../fulfillment/plan.js";
import { newStatusRecord } from "../../fulfillment/record.js";
import type { StatusRecord, StepRecord } from "../../fulfillment/status-record.js";
import { hasErrors, type Diagnostic } from "../../diagnostics.js";
import { localRequestId } from "../../requests/request-id.js";
import type { TargetLookup } from "../../requests/targets.js";
import { loadYaml } from "../../yaml/load.js";
import { requestTargets, validateRequestFile } from "../../requests/validate.js";
import type { Snapshot } from "../../repo/snapshot.js";
import { ApiProblem } from "../problem.js";
import { paginate } from "../paginate.js";
import type { RequestDetail, RequestList, StepDetail } from "../schemas.js";
import { diagnosticView } from "./admin.js";
import { time, timeOrNull, type ViewContext } from "./context.js";

/**
 * A record as the views need it; requests without a record get one synthesised from their file. A file that does
 * not validate carries its diagnostics and the version it writes (its record's version is then meaningless).
 */
type ViewRecord = StatusRecord & { diagnostics?: Diagnostic[]; writtenVersion?: string | null };

const recordsCache = new WeakMap<Snapshot, ViewRecord[]>();

function allRecords(snapshot: Snapshot): ViewRecord[] {
  let records = recordsCache.get(snapshot);
  if (!records) {
    const known = new Set([...snapshot.records.values()].map((r) => r.request_path));
    const paths = new Set(snapshot.requestFiles.map((f) => f.path));
    const targets = requestTargets(snapshot.catalog, snapshot.requestFiles, snapshot.records);
    const pending = snapshot.requestFiles.filter((f) => !known.has(f.path)).map((f) => fromFile(snapshot, f, paths, targets));
    records = [...snapshot.records.values(), ...pending].sort((a, b) => (a.request_id < b.request_id ? -1 : 1));
    recordsCache.set(snapshot, records);
  }
  return records;
}

function fromFile(snapshot: Snapshot, file: Snapshot["requestFiles"][number], knownRequestPaths: ReadonlySet<string>, targets: TargetLookup): ViewRecord {
  const validation = validateRequestFile(file, snapshot.catalog, { knownRequestPaths, targets });
  // Only a request that validates is one pao would fulfil; with any error it has no plan to show.
  const request = hasErrors(validation.diagnostics) ? undefined : validation.request;
  const created = file.createdAt ?? file.modifiedAt ?? snapshot.syncedAt;
  const at = created.toISOString();
  // Touched since it was added: the file's last change is its last update.
  const updatedAt = file.modifiedAt && file.modifiedAt > created ? file.modifiedAt.toISOString() : at;
  if (request) {
    // The record the app would write, as a file on disk would get it: no pull request, so nothing to abort yet.
    const record = newStatusRecord({
      requestId: localRequestId(file.path),
      definition: request.definition,
      parameters: request.parameters,
      plan: planRequest(request.definition, snapshot.catalog, request.selections),
      requester: { user_id: request.requester?.user_id ?? "", team: request.requester?.team },
      pullRequest: null,
      requestPath: file.path,
      now: at,
      approval: null,
    });
    return { ...record, updated_at: updatedAt, fulfillment: { ...record.fulfillment, can_abort: false } };
  }
  const raw = readLoosely(file.text, file.path);
  return {
    request_id: localRequestId(file.path),
    status: "validating",
    kind: raw.kind,
    name: raw.name,
    version: "",
    writtenVersion: raw.version,
    diagnostics: validation.diagnostics,
    parameters: raw.parameters,
    requester: { user_id: "", team: raw.team },
    created_at: at,
    updated_at: updatedAt,
    pull_request: null,
    request_path: file.path,
    fulfillment: {
      execution_mode: "automation",
      retry_policy: { max_attempts: DEFAULT_RETRY_POLICY.max_attempts, backoff_strategy: DEFAULT_RETRY_POLICY.backoff_strategy },
      steps: [],
      can_resume: false,
      can_abort: false,
      tickets: [],
    },
  };
}

/** For a request file that does not validate: what it asks for, as far as that can be read. */
function readLoosely(text: string, path: string): { kind: StatusRecord["kind"]; name: string; version: string | null; parameters: Record<string, unknown>; team: string | null } {
  const loaded = loadYaml(text, path);
  const value = loaded.ok ? loaded.doc.value : undefined;
  const doc = isObject(value) ? value : {};
  const kind = (["catalog_item", "catalog_bundle", "update_item", "update_operation"] as const).find((k) => typeof doc[k] === "string") ?? "catalog_item";
  const parameters = doc[kind === "catalog_bundle" ? "bundle_parameters" : "parameters"];
  const requester = doc["requester"];
  return {
    kind,
    name: typeof doc[kind] === "string" ? (doc[kind] as string) : "",
    version: typeof doc["version"] === "string" || typeof doc["version"] === "number" ? String(doc["version"]) : null,
    parameters: isObject(parameters) ? parameters : {},
    team: isObject(requester) && typeof requester["team"] === "string" ? requester["team"] : null,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface RequestQuery {
  limit: number;
  cursor?: string | undefined;
  user_id?: string | undefined;
  status?: string | undefined;
}

export function listRequests(ctx: ViewContext, q: RequestQuery): z.infer<typeof RequestList> {
  const shown = allRecords(ctx.snapshot).filter(
    (r) => (q.user_id === undefined || r.requester.user_id === q.user_id) && (q.status === undefined || r.status === q.status),
  );
  const { limit, cursor, ...filters } = q;
  const { page, pagination } = paginate(shown, (r) => r.request_id, { limit, cursor, filters: { list: "requests", ...filters }, cursors: ctx.cursors });
  return {
    requests: page.map((r) => ({
      request_id: r.request_id,
      status: r.status,
      [r.kind]: r.name,
      created_at: time(ctx, r.created_at),
      href: `${ctx.base}/requests/${r.request_id}`,
    })),
    pagination,
  };
}

function findRecord(ctx: ViewContext, id: string): ViewRecord {
  const record = allRecords(ctx.snapshot).find((r) => r.request_id === id);
  if (!record) throw new ApiProblem("not-found", `there is no request ${id}`);
  return record;
}

const latest = (step: StepRecord) => step.attempts[step.attempts.length - 1];

export function getRequest(ctx: ViewContext, id: string): z.infer<typeof RequestDetail> {
  const r = findRecord(ctx, id);
  const current = Math.max(0, ...r.fulfillment.steps.map((s) => s.attempts.length));
  return {
    request_id: r.request_id,
    status: r.status,
    [r.kind]: r.name,
    version: r.diagnostics ? (r.writtenVersion ?? null) : r.version,
    ...(r.diagnostics ? { diagnostics: r.diagnostics.map(diagnosticView) } : {}),
    parameters: r.parameters,
    created_at: time(ctx, r.created_at),
    updated_at: time(ctx, r.updated_at),
    requester: { user_id: r.requester.user_id || null, team: r.requester.team ?? null },
    pull_request: r.pull_request ?? null,
    request_path: r.request_path,
    fulfillment: {
      execution_mode: r.fulfillment.execution_mode,
      retry_policy: {
        max_attempts: r.fulfillment.retry_policy.max_attempts,
        backoff_strategy: r.fulfillment.retry_policy.backoff_strategy,
        current_attempt: current,
      },
      steps: r.fulfillment.steps.map((s) => ({
        step_id: s.step_id,
        name: s.name,
        type: s.type,
        status: s.status,
        depends_on: s.depends_on,
        attempts: s.attempts.length,
        started_at: timeOrNull(ctx, s.attempts[0]?.started_at),
        completed_at: timeOrNull(ctx, latest(s)?.completed_at),
        outputs: s.outputs,
        verification: s.verification ?? null,
      })),
      can_resume: r.fulfillment.can_resume,
      can_abort: r.fulfillment.can_abort,
    },
    href: `${ctx.base}/requests/${r.request_id}`,
  };
}

export function getStep(ctx: ViewContext, id: string, stepId: string): z.infer<typeof StepDetail> {
  const r = findRecord(ctx, id);
  const s = r.fulfillment.steps.find((step) => step.step_id === stepId);
  if (!s) {
    throw new ApiProblem("not-found", `request ${id} has no step ${stepId}; its steps: ${r.fulfillment.steps.map((x) => x.step_id).join(", ") || "none"}`);
  }
  const live = r.status === "in_progress" || r.status === "failed";
  return {
    request_id: r.request_id,
    step_id: s.step_id,
    name: s.name,
    type: s.type,
    status: s.status,
    depends_on: s.depends_on,
    attempts: s.attempts.map((a) => ({
      attempt_number: a.attempt_number,
      run_id: a.run_id ?? null,
      run_url: a.run_url ?? null,
      started_at: timeOrNull(ctx, a.started_at),
      completed_at: timeOrNull(ctx, a.completed_at),
      status: a.status,
      error: a.error ?? null,
    })),
    outputs: s.outputs,
    verification: s.verification ?? null,
    // `/retry` may go past max_attempts (a person decides); it applies to a failed step of a live request.
    can_retry: live && s.status === "failed",
    can_skip: false,
    manual_fallback_available: s.type !== "JiraTicket",
  };
}
