/**
 * The bodies the REST API answers with, as zod schemas. Handlers are typed by them, the OpenAPI description is
 * generated from them, and the contract test checks real responses against that description.
 */
import { z } from "zod";
import { Action, Approval, Field, RetryPolicy } from "../catalog/schema.js";
import { REQUEST_STATUSES, STEP_STATUSES } from "../fulfillment/status-record.js";

const DateTime = z.string().describe("ISO 8601 with the offset of the configured zone, e.g. 2025-08-16T10:30:00-05:00");

export const Pagination = z.object({
  next_cursor: z.string().nullable(),
  has_more: z.boolean(),
  total_count: z.int(),
});

const Summary = {
  name: z.string(),
  version: z.string(),
  description: z.string(),
  owner: z.string(),
  tags: z.array(z.string()),
  href: z.string(),
};

export const ItemSummary = z.object({ ...Summary, category: z.string() });
export const ItemList = z.object({ items: z.array(ItemSummary), pagination: Pagination });

const JsonSchemaObject = z.record(z.string(), z.unknown()).describe("JSON Schema (2020-12) of the parameters, for form renderers");

/** What every detail view starts with. */
const Header = {
  name: z.string(),
  version: z.string(),
  description: z.string(),
  owner: z.string(),
  tags: z.array(z.string()),
  approval: Approval.optional(),
  available_versions: z.array(z.string()).describe("Every version on offer, highest first"),
  href: z.string(),
};

export const ItemDetail = z.object({
  ...Header,
  category: z.string(),
  presentation: z.object({ fields: z.array(Field), json_schema: JsonSchemaObject }),
  fulfillment: z.object({
    execution_mode: z.enum(["automation", "manual"]),
    retry_policy: RetryPolicy.optional(),
    manual_fallback: z.object({ enabled: z.boolean(), trigger_on_failure: z.boolean() }).optional(),
    actions: z.array(Action),
  }),
});

export const BundleSummary = z.object(Summary);
export const BundleList = z.object({ bundles: z.array(BundleSummary), pagination: Pagination });

const BundleEntry = z.object({
  catalog_item: z.string(),
  version: z.string(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

export const BundleDetail = z.object({
  ...Header,
  bundle: z.object({
    required_items: z.array(BundleEntry),
    optional_items: z.array(BundleEntry.extend({ default_enabled: z.boolean() })),
  }),
  presentation: z.object({ bundle_fields: z.array(Field), json_schema: JsonSchemaObject }),
});

const Targets = z.object({
  catalog_items: z.array(z.object({ name: z.string(), version_range: z.string(), required_parameters: z.array(z.string()).optional() })),
  destructive: z.boolean(),
  downtime_required: z.boolean(),
  estimated_duration: z.string().optional(),
});

export const UpdateSummary = z.object({ ...Summary, targets: Targets });
export const UpdateItemList = z.object({ update_items: z.array(UpdateSummary), pagination: Pagination });
export const UpdateOperationList = z.object({ update_operations: z.array(UpdateSummary), pagination: Pagination });

export const UpdateDetail = z.object({
  ...Header,
  targets: Targets,
  presentation: z.object({ fields: z.array(Field), json_schema: JsonSchemaObject }),
  fulfillment: z.object({
    manual: z.object({ system: z.string(), template: z.record(z.string(), z.unknown()) }).optional(),
    automation: z.object({ pre_execution_checks: z.array(z.string()), retry_policy: RetryPolicy.optional(), steps: z.array(Action) }).optional(),
  }),
});

/** A user mistake in a file of the repository, as `pao validate` reports it. */
export const DiagnosticView = z.object({
  code: z.string().describe("Stable code; `npx pao codes` lists them"),
  severity: z.enum(["error", "warning"]),
  message: z.string(),
  file: z.string().describe("Path relative to the repository root"),
  line: z.int(),
  column: z.int(),
  hint: z.string().optional().describe("How to fix it"),
});

const Requester = z.object({ user_id: z.string().nullable(), team: z.string().nullable() });

export const AttemptView = z.object({
  attempt_number: z.int(),
  run_id: z.int().nullable(),
  run_url: z.string().nullable(),
  started_at: DateTime.nullable(),
  completed_at: DateTime.nullable(),
  status: z.string(),
  error: z.object({ type: z.string(), message: z.string() }).nullable(),
});

export const StepView = z.object({
  step_id: z.string(),
  name: z.string(),
  type: z.string(),
  status: z.enum(STEP_STATUSES),
  depends_on: z.array(z.string()),
  attempts: z.int().describe("How many attempts were made"),
  started_at: DateTime.nullable(),
  completed_at: DateTime.nullable(),
  outputs: z.record(z.string(), z.unknown()),
  verification: z.record(z.string(), z.unknown()).nullable(),
});

const RequestKind = {
  catalog_item: z.string().optional(),
  catalog_bundle: z.string().optional(),
  update_item: z.string().optional(),
  update_operation: z.string().optional(),
};

export const RequestSummary = z.object({
  request_id: z.string(),
  status: z.enum(REQUEST_STATUSES),
  ...RequestKind,
  created_at: DateTime,
  href: z.string(),
});
export const RequestList = z.object({ requests: z.array(RequestSummary), pagination: Pagination });

export const RequestDetail = z.object({
  request_id: z.string(),
  status: z.enum(REQUEST_STATUSES),
  ...RequestKind,
  version: z.string().nullable().describe("The resolved version; for a request that does not validate, the version it writes (null if none)"),
  diagnostics: z
    .array(DiagnosticView)
    .optional()
    .describe("Why a `validating` request cannot go ahead: what `pao validate` says of its file. Absent when there is nothing to say"),
  parameters: z.record(z.string(), z.unknown()),
  created_at: DateTime,
  updated_at: DateTime,
  requester: Requester,
  pull_request: z.int().nullable(),
  request_path: z.string(),
  fulfillment: z.object({
    execution_mode: z.enum(["automation", "manual"]),
    retry_policy: z.object({
      max_attempts: z.int(),
      backoff_strategy: z.enum(["exponential", "linear", "fixed"]),
      current_attempt: z.int(),
    }),
    steps: z.array(StepView),
    can_resume: z.boolean(),
    can_abort: z.boolean(),
  }),
  href: z.string(),
});

export const StepDetail = z.object({
  request_id: z.string(),
  step_id: z.string(),
  name: z.string(),
  type: z.string(),
  status: z.enum(STEP_STATUSES),
  depends_on: z.array(z.string()),
  attempts: z.array(AttemptView),
  outputs: z.record(z.string(), z.unknown()),
  verification: z.record(z.string(), z.unknown()).nullable(),
  can_retry: z.boolean(),
  can_skip: z.boolean(),
  manual_fallback_available: z.boolean(),
});

export const Health = z.object({
  status: z.enum(["healthy", "degraded"]),
  version: z.string(),
  mode: z.enum(["local", "github"]),
  catalog_last_updated: DateTime.nullable().describe("null when there is no catalog"),
  catalog_errors: z.int(),
  diagnostics: z
    .array(DiagnosticView)
    .describe("What is wrong in the repository served (errors first; at most 200), so an item that is missing says why"),
  repository: z.object({
    url: z.string().describe("The repository served: in local mode the folder (file: URL), in GitHub App mode its page"),
    branch: z.string(),
    last_sync: DateTime,
  }),
});

export const Stats = z.object({
  total_items: z.int(),
  total_bundles: z.int(),
  total_update_items: z.int(),
  total_update_operations: z.int(),
  items_by_owner: z.record(z.string(), z.int()),
  items_by_category: z.record(z.string(), z.int()),
  last_updated: DateTime.nullable(),
});

const Finding = z.object({ code: z.string(), field: z.string(), message: z.string(), hint: z.string().optional() });
export const ValidateResult = z.object({ valid: z.boolean(), warnings: z.array(Finding), errors: z.array(Finding) });
export const ValidateBody = z.strictObject({
  type: z.enum(["catalog_item", "catalog_bundle", "update_item", "update_operation"]),
  // Passed on as sent (a record schema would rebuild it and drop keys such as __proto__ unseen).
  definition: z
    .custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "definition must be an object")
    .describe("The definition, as it would be written in its YAML file (kind optional)"),
});

export const RefreshResult = z.object({
  status: z.literal("refreshed"),
  catalog_last_updated: DateTime.nullable(),
  last_sync: DateTime,
  items: z.int(),
  catalog_errors: z.int(),
});

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  instance: z.string(),
  validation_errors: z.array(z.object({ field: z.string(), error: z.string(), message: z.string() })).optional(),
});

export type Infer<T extends z.ZodType> = z.infer<T>;
