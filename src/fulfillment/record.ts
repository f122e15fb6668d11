/**
 * A request's status record before fulfilment, made from what validation and planning found (and the approval
 * judged): `submitted`, or `awaiting_approval` while an approval it needs is missing. Pure: the time is given, the
 * request id is derived, so the same event always yields the same record.
 */
import { KINDS } from "../catalog/kinds.js";
import type { AnyDefinition } from "../catalog/model.js";
import type { Plan } from "./plan.js";
import type { ApprovalRecord, StatusRecord } from "./status-record.js";


export interface NewRecordInput {
  requestId: string;
  definition: AnyDefinition;
  parameters: Record<string, unknown>;
  plan: Plan;
  requester: { user_id: string; team?: string | undefined };
  pullRequest: number | null;
  requestPath: string;
  /** ISO 8601 instant. */
  now: string;
  /** The approval the request waits for or has; null when it needs none. */
  approval: ApprovalRecord | null;
  /** The request file's blob sha, when it came from git. */
  requestSha?: string;
}

export function newStatusRecord(input: NewRecordInput): StatusRecord {
  return {
    request_id: input.requestId,
    status: input.approval && input.approval.approved_by === null ? "awaiting_approval" : "submitted",
    kind: KINDS[input.definition.kind].apiType,
    name: input.definition.name,
    version: input.definition.version,
    parameters: input.parameters,
    requester: { user_id: input.requester.user_id, team: input.requester.team ?? null },
    created_at: input.now,
    updated_at: input.now,
    pull_request: input.pullRequest,
    request_path: input.requestPath,
    ...(input.requestSha ? { request_sha: input.requestSha } : {}),
    ...(input.approval ? { approval: input.approval } : {}),
    fulfillment: {
      execution_mode: input.plan.execution_mode,
      retry_policy: {
        max_attempts: input.plan.retry_policy.max_attempts,
        backoff_strategy: input.plan.retry_policy.backoff_strategy,
        initial_delay: input.plan.retry_policy.initial_delay ?? null,
      },
      steps: input.plan.steps.map((s) => ({
        step_id: s.step_id,
        name: s.name,
        type: s.type,
        status: "pending",
        depends_on: s.depends_on,
        attempts: [],
        outputs: {},
        verification: s.action.verification ?? null,
      })),
      can_resume: false,
      can_abort: true,
      tickets: [],
    },
  };
}
