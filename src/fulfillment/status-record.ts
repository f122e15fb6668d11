/**
 * The status record: one YAML file per request, `status/<request_id>.yaml` on the `pao-status` branch, written only
 * by the app (DESIGN.md, status records). The REST API reads it; the state machine writes it. Datetimes are stored
 * as ISO 8601 instants and rendered in the configured zone when served.
 */
import { z } from "zod";
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
});
export type Attempt = z.infer<typeof Attempt>;

export const StepRecord = z.strictObject({
  step_id: z.string().regex(/^step-\d{3,}$/),
  name: z.string(),
  type: z.string(),
  status: z.enum(STEP_STATUSES),
  depends_on: z.array(z.string()).default([]),
  attempts: z.array(Attempt).default([]),
  outputs: z.record(z.string(), z.unknown()).default({}),
  verification: z
    .strictObject({ type: z.string(), expected: z.unknown(), actual: z.unknown().optional(), verified: z.boolean().nullable().optional() })
    .nullable()
    .optional(),
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
  fulfillment: z.strictObject({
    execution_mode: z.enum(["automation", "manual"]),
    retry_policy: z.strictObject({
      max_attempts: z.int().min(1),
      backoff_strategy: z.enum(["exponential", "linear", "fixed"]),
      initial_delay: z.string().nullable().optional(),
    }),
    steps: z.array(StepRecord),
    can_resume: z.boolean(),
    can_abort: z.boolean(),
    tickets: z.array(z.strictObject({ step_id: z.string(), issue: z.int(), url: z.string() })).default([]),
  }),
});
export type StatusRecord = z.infer<typeof StatusRecord>;
