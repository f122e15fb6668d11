/**
 * The sticky comment: one per pull request, edited in place, found again by its first line (STICKY_MARKER). It
 * shows, per request file, what is ordered and at which version, the parameters, the plan with what each step runs,
 * the approval it waits for and the verdict; once fulfilment ends, how each step ended (while it runs, the check run is
 * the live step table).
 *
 * `RequestCommentView` is the data the app fills; the text is the REQUEST_COMMENT template.
 */
import type { ActionType } from "../../catalog/action-types.js";
import { errorCount, type Diagnostic } from "../../diagnostics.js";
import { compileMarkdown, fitGitHubText } from "./markdown.js";
import type { RequestStatus } from "../../fulfillment/status-record.js";
import { approvalContext, type ApprovalContext, type ApprovalView } from "./approval.js";
import { listedProblems, type ProblemView } from "./problems.js";
import { REQUEST_COMMENT, STICKY_MARKER } from "./templates.js";
import type { ProgressView } from "./progress.js";

export { STICKY_MARKER, type ApprovalView };

export type RequestKind = "CatalogItem" | "CatalogBundle" | "UpdateItem" | "UpdateOperation";

export interface RequestCommentView {
  /** The pull request comes from a fork: its requests are validated, never fulfilled. */
  fromFork: boolean;
  /** The pull request merges into another branch than the default one: validated, never fulfilled. */
  otherBase: boolean;
  /** The pull request also changes `catalog/`, which validation does not use. */
  catalogChanged: boolean;
  /** A draft: fulfilment waits until it is ready for review. */
  draft?: boolean;
  requests: RequestFileView[];
  /** Requests recorded earlier whose file this pull request no longer adds or changes. */
  withdrawn: WithdrawnView[];
}

export interface WithdrawnView {
  file: string;
  requestId: string;
  status: RequestStatus;
}

export interface RequestFileView {
  /** The request file, relative to the repository root. */
  file: string;
  /** The pull request's author. */
  requester: string;
  /** What the file orders; null when it could not be read that far. */
  request: OrderView | null;
  /** With defaults applied; for a bundle, its bundle parameters. */
  parameters: ParameterView[];
  /** Null until the request is valid. */
  plan: PlanView | null;
  /** Null when the request needs no approval. */
  approval: ApprovalView | null;
  /** The status record's status; null while there is none (invalid, or from a fork). */
  status: RequestStatus | null;
  /** Everything validation found; no error means valid. */
  diagnostics: Diagnostic[];
  /** Once fulfilment started: its live progress. */
  progress?: ProgressView | null;
  /** Why the request is in its status, when that needs saying (cancelled by an early merge). */
  statusReason?: string | null;
}

export interface OrderView {
  kind: RequestKind;
  /** The catalog item, bundle or update definition. */
  name: string;
  /** As written in the request: exact or a range. */
  requestedVersion: string;
  resolvedVersion: string;
  /** Once the status record has one. */
  requestId: string | null;
  /** An update's target: a request file path or a request_id. */
  target: string | null;
}

export interface ParameterView {
  name: string;
  /** Any JSON value; shown as JSON, never interpreted. */
  value: unknown;
  /** The value is the field's default, not written in the request. */
  defaulted: boolean;
}

export interface PlanView {
  executionMode: "automation" | "manual";
  steps: StepView[];
}

export interface StepView {
  id: string;
  name: string;
  type: ActionType;
  dependsOn: string[];
  /** The executor workflow file that runs it, or null for a GitHub issue the owner team works by hand. */
  executor: string | null;
  /** What the step is sent (its rendered template), when known before fulfilment. */
  sent?: { payload: unknown };
  /** Why its payload could not be rendered. */
  problem?: string;
}


const KIND_LABELS: Record<RequestKind, string> = {
  CatalogItem: "Catalog item",
  CatalogBundle: "Bundle",
  UpdateItem: "Update of",
  UpdateOperation: "Operation",
};


interface CommentContext {
  requestCount: number;
  withdrawn: WithdrawnView[];
  fromFork: boolean;
  otherBase: boolean;
  catalogChanged: boolean;
  draft: boolean;
  requests: Array<{
    file: string;
    icon: string;
    requester: string;
    request: (OrderView & { kindLabel: string }) | null;
    parameters: ParameterView[];
    moreParameters: number;
    plan: (Omit<PlanView, "steps"> & { stepCount: number; shownPayloads: boolean; steps: Array<Omit<StepView, "sent" | "problem"> & { sent: { payload: unknown } | null; problem: string | null }> }) | null;
    status: RequestStatus | null;
    progress: (ProgressView & { live: boolean }) | null;
    statusReason: string | null;
    approval: ApprovalContext | null;
    awaitingApproval: boolean;
    valid: boolean;
    errors: number;
    warnings: number;
    problems: ProblemView[];
    moreProblems: number;
  }>;
}

const render = compileMarkdown<CommentContext>(REQUEST_COMMENT);

/** Parameters shown per request; values are shortened in their cells already. */
export const MAX_SHOWN_PARAMETERS = 50;

export function renderRequestComment(view: RequestCommentView): string {
  return fitGitHubText(render({
    requestCount: view.requests.length,
    withdrawn: view.withdrawn,
    fromFork: view.fromFork,
    otherBase: view.otherBase,
    catalogChanged: view.catalogChanged,
    draft: view.draft ?? false,
    requests: view.requests.map((r) => {
      const errors = errorCount(r.diagnostics);
      const awaiting = r.approval !== null && r.approval.approvedBy === null;
      return {
        file: r.file,
        icon: errors > 0 || r.status === "failed" ? "❌" : awaiting ? "⏳" : r.status === "in_progress" ? "🔄" : "✅",
        requester: r.requester,
        request: r.request ? { ...r.request, kindLabel: KIND_LABELS[r.request.kind] } : null,
        parameters: r.parameters.slice(0, MAX_SHOWN_PARAMETERS),
        moreParameters: Math.max(0, r.parameters.length - MAX_SHOWN_PARAMETERS),
        plan: r.plan
          ? {
              ...r.plan,
              stepCount: r.plan.steps.length,
              shownPayloads: r.plan.steps.some((s) => s.sent !== undefined || s.problem !== undefined),
              steps: r.plan.steps.map((s) => ({ ...s, sent: s.sent ?? null, problem: s.problem ?? null })),
            }
          : null,
        status: r.status,
        // The check is the live step table; the comment shows how fulfilment ended. Editing it at every step would
        // spend GitHub's write budget (about 80 content-creating writes a minute) saying what the check says.
        progress: r.progress ? { ...r.progress, live: !r.progress.completed && !r.progress.failed && !r.progress.aborted } : null,
        statusReason: r.statusReason ?? null,
        approval: r.approval ? approvalContext(r.approval) : null,
        awaitingApproval: awaiting,
        valid: errors === 0,
        errors,
        warnings: r.diagnostics.length - errors,
        ...listedProblems(r.diagnostics),
      };
    }),
  }));
}
