/**
 * The status record: one YAML file per request, `status/<request_id>.yaml` on the `pao-status` branch, written only
 * by the app (DESIGN.md, status records). The REST API reads it; the state machine writes it. Datetimes are stored
 * as ISO 8601 instants and rendered in the configured zone when served.
 */
import { z } from "zod";
import { ACTION_TYPE_NAMES } from "../catalog/action-types.js";
import { REQUEST_ID } from "../requests/request-id.js";

export const REQUEST_STATUSES = [
  "submitted",
  "validating",
  "awaiting_approval",
  "in_progress",
  "completed",
  "failed",
  "cancelled",
  "aborted",
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const STEP_STATUSES = ["pending", "dispatched", "running", "completed", "failed", "skipped", "cancelled"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

const Instant = z.iso.datetime({ offset: true }).describe("ISO 8601 date and time with offset");

export const Attempt = z.strictObject({
  attempt_number: z.int().min(1),
  run_id: z.int().nullable().optional(),
  run_url: z.string().nullable().optional(),
  started_at: Instant.nullable().optional(),
  completed_at: Instant.nullable().optional(),
  status: z.enum(["dispatched", "running", "completed", "failed", "cancelled"]),
  error: z.strictObject({ type: z.string(), message: z.string() }).nullable().optional(),
  /** When pao committed its intent to dispatch, before it called GitHub. */
  requested_at: Instant.nullable().optional(),
  /** GitHub's run_attempt of the run: above 1 when someone re-ran it by hand (it stays this attempt). */
  run_attempt: z.int().min(1).nullable().optional(),
});
export type Attempt = z.infer<typeof Attempt>;

const RetryPolicyRecord = z.strictObject({
  max_attempts: z.int().min(1),
  backoff_strategy: z.enum(["exponential", "linear", "fixed"]),
  initial_delay: z.string().nullable().optional(),
});

export const StepRecord = z.strictObject({
  step_id: z.string().regex(/^step-\d{3,}$/),
  name: z.string(),
  type: z.enum(ACTION_TYPE_NAMES),
  status: z.enum(STEP_STATUSES),
  depends_on: z.array(z.string()).default([]),
  attempts: z.array(Attempt).default([]),
  outputs: z.record(z.string(), z.unknown()).default({}),
  verification: z
    .strictObject({ type: z.string(), expected: z.unknown(), actual: z.unknown().optional(), verified: z.boolean().nullable().optional() })
    .nullable()
    .optional(),
  // The frozen plan (set when fulfilment starts): what this step runs, whatever the catalog says later.
  /** The executor workflow it dispatches; null when pao fulfils it without one (an issue for manual work). */
  workflow: z.string().nullable().optional(),
  /** sha256 of the `pao_payload` it is sent, so a re-rendered payload is known to be the same. */
  payload_sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable().optional(),
  retry_policy: RetryPolicyRecord.optional(),
  timeout: z.string().optional(),
  queue_timeout: z.string().optional(),
  /** When the next automatic attempt is due (after a failed one, with backoff); a restart loses no timer. */
  next_attempt_at: Instant.nullable().optional(),
});
export type StepRecord = z.infer<typeof StepRecord>;

/** Why a request waits for approval, and who gave it (for the request content the record was made from). */
export const ApprovalRecord = z.strictObject({
  reason: z.enum(["item", "destructive"]),
  teams: z.array(z.string()).default([]),
  approved_by: z.string().nullable(),
  review_id: z.int().nullable(),
  approved_at: Instant.nullable(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

export const StatusRecord = z.strictObject({
  request_id: z.string().regex(REQUEST_ID),
  status: z.enum(REQUEST_STATUSES),
  kind: z.enum(["catalog_item", "catalog_bundle", "update_item", "update_operation"]),
  name: z.string(),
  version: z.string(),
  parameters: z.record(z.string(), z.unknown()).default({}),
  requester: z.strictObject({ user_id: z.string(), team: z.string().nullable().optional() }),
  created_at: Instant,
  updated_at: Instant,
  pull_request: z.int().nullable().optional(),
  request_path: z.string(),
  /** The git blob sha of the request file the record was made from: what an approval and a fulfilment are for. */
  request_sha: z.string().regex(/^[0-9a-f]{40}$/).nullable().optional(),
  approval: ApprovalRecord.nullable().optional(),
  /** Why the request is in its status, when that is not plain (cancelled because the pull request was merged early). */
  status_reason: z.string().nullable().optional(),
  /** The default branch's commit whose catalog the plan was made from; set when fulfilment starts. */
  catalog_commit: z.string().regex(/^[0-9a-f]{40}$/).nullable().optional(),
  /** The pull request's head when fulfilment started: what pao merges once the request is completed. */
  head_sha: z.string().regex(/^[0-9a-f]{40}$/).nullable().optional(),
  started_at: Instant.nullable().optional(),
  completed_at: Instant.nullable().optional(),
  /** pao's merge of the pull request, once every request of it completed: merged, or refused by GitHub and why. */
  merge: z
    .strictObject({ outcome: z.enum(["merged", "refused"]), sha: z.string(), message: z.string().nullable().optional(), at: Instant })
    .nullable()
    .optional(),
  fulfillment: z.strictObject({
    execution_mode: z.enum(["automation", "manual"]),
    retry_policy: RetryPolicyRecord,
    steps: z.array(StepRecord),
    can_resume: z.boolean(),
    can_abort: z.boolean(),
    /** Steps of this request dispatched at a time, at most (frozen at start). */
    parallel_limit: z.int().min(1).optional(),
    tickets: z.array(z.strictObject({ step_id: z.string(), issue: z.int(), url: z.string() })).default([]),
  }),
});
export type StatusRecord = z.infer<typeof StatusRecord>;
