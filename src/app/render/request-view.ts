/**
 * Fills the views of the check and the sticky comment from what the app found: the assessment of each request
 * file, the approval judged on it, and its status record as the status branch holds it after the state machine's
 * decision. Once fulfilment started, the record is what is shown: its parameters, its frozen plan, its progress.
 */
import type { Catalog } from "../../catalog/model.js";
import type { ActionType } from "../../catalog/action-types.js";
import { executorWorkflow } from "../../catalog/repo-config.js";
import type { Diagnostic } from "../../diagnostics.js";
import type { ApprovalState } from "../../fulfillment/approval.js";
import type { RequestAssessment } from "../../fulfillment/assess.js";
import { hasStarted } from "../../fulfillment/decide.js";
import type { StatusRecord } from "../../fulfillment/status-record.js";
import type { ApprovalView } from "./approval.js";
import { progressView } from "./progress.js";
import type { RequestCommentView, RequestFileView } from "./comment.js";

/** The approval a request needs, as it stands; null when it needs none or is not valid. */
export function approvalView(a: RequestAssessment, state: ApprovalState | null, requester: string, record: StatusRecord | null): ApprovalView | null {
  const need = a.valid?.need;
  if (!need) return null;
  // Once fulfilment has started, the approval it started on is what counts.
  const recorded = record && hasStarted(record) ? (record.approval?.approved_by ?? null) : null;
  const approvedBy = recorded ?? (state?.approved ? state.by : null);
  return { reason: need.reason, teamGroups: need.groups, approvedBy, requester, notCounted: state && !state.approved ? state.notCounted : [] };
}

export interface CommentInput {
  catalog: Catalog;
  fromFork: boolean;
  otherBase: boolean;
  catalogChanged: boolean;
  draft: boolean;
  requester: string;
  files: ReadonlyArray<{ assessment: RequestAssessment; record: StatusRecord | null; approval: ApprovalView | null; diagnostics: Diagnostic[] }>;
  /** Records of this pull request whose file it no longer has. */
  withdrawn: readonly StatusRecord[];
}

export function requestCommentView(input: CommentInput): RequestCommentView {
  return {
    fromFork: input.fromFork,
    otherBase: input.otherBase,
    catalogChanged: input.catalogChanged,
    draft: input.draft,
    requests: input.files.map((f) => fileView(input, f)),
    withdrawn: input.withdrawn.map((r) => ({ file: r.request_path, requestId: r.request_id, status: r.status })),
  };
}

function fileView(input: CommentInput, f: CommentInput["files"][number]): RequestFileView {
  const { assessment: a, record } = f;
  const request = a.validation.request;
  // Once fulfilment has started, a change to the file is refused: the comment goes on showing what is fulfilled.
  const fulfilling = record && hasStarted(record) && record.request_sha !== a.sha ? record : null;
  const planned = new Map(a.valid?.plan.steps.map((s) => [s.step_id, s]));
  return {
    file: a.path,
    requester: input.requester,
    request: request
      ? {
          kind: request.definition.kind,
          name: request.definition.name,
          requestedVersion: request.requestedVersion ?? "latest",
          resolvedVersion: fulfilling?.version ?? request.definition.version,
          requestId: record?.request_id ?? null,
          target: request.target ?? null,
        }
      : null,
    parameters: fulfilling
      ? Object.entries(fulfilling.parameters).map(([name, value]) => ({ name, value, defaulted: false }))
      : request
        ? Object.entries(request.parameters).map(([name, value]) => ({ name, value, defaulted: !request.written.includes(name) }))
        : [],
    plan: fulfilling
      ? {
          executionMode: fulfilling.fulfillment.execution_mode,
          steps: fulfilling.fulfillment.steps.map((s) => {
            const same = planned.get(s.step_id);
            const action = same && same.name === s.name ? same.action : { type: s.type as ActionType, template: undefined };
            return { id: s.step_id, name: s.name, type: s.type as ActionType, dependsOn: s.depends_on, executor: executorWorkflow(action, input.catalog.config) };
          }),
        }
      : a.valid
        ? {
            executionMode: a.valid.plan.execution_mode,
            steps: a.valid.steps.map((s) => ({
              id: s.step_id,
              name: s.name,
              type: s.type,
              dependsOn: s.depends_on,
              executor: s.workflow,
              ...(s.payload !== undefined ? { sent: { payload: s.payload } } : {}),
              ...(s.problem ? { problem: s.problem.message } : {}),
            })),
          }
        : null,
    approval: f.approval,
    status: record?.status ?? null,
    diagnostics: f.diagnostics,
    progress: progressView(record),
    statusReason: record?.status_reason ?? null,
  };
}
