/**
 * The shapes of the four catalog kinds (seed 000 sections 3 and 6.1), as zod schemas. These check structure only;
 * what needs more than one value at a time (min <= max, templates, cycles, references between files) is in
 * `checks/`. The JSON Schemas in `schemas/` for editors are generated from these.
 */
import { z } from "zod";
import { ACTION_TYPE_NAMES } from "./action-types.js";
import { FIELD_TYPE_NAMES } from "./field-types.js";
import { versionField } from "../schema-diagnostics.js";
import { isVersion, parseRange } from "./versions.js";

/** More fields or actions than anyone writes by hand; it keeps every later pass over them small. */
const MAX_ENTRIES = 200;

export const KIND_NAMES = ["CatalogItem", "CatalogBundle", "UpdateItem", "UpdateOperation"] as const;
export type Kind = (typeof KIND_NAMES)[number];

export const CATEGORIES = ["compute", "databases", "messaging", "networking", "storage"] as const;
export type Category = (typeof CATEGORIES)[number];

export const DefinitionName = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "use lowercase letters, digits and hyphens (at most 63)")
  .describe("Name, unique per kind; lowercase letters, digits and hyphens");

export const Version = versionField(
  z
    .string()
    .refine(isVersion, {
      message: "not a semantic version; write MAJOR.MINOR.PATCH such as 1.2.0 (pre-release and build allowed)",
      params: { code: "version-invalid" },
    })
    .describe("Semantic version, e.g. 1.2.0 or 2.1.0-beta.1+build.20250816"),
  "exact",
);

export const VersionRange = versionField(
  z
    .string()
    .refine((s) => parseRange(s) !== null, {
      message: "not a version range; write e.g. '>=2.0.0' or '>=2.0.0, <3.0.0'",
      params: { code: "range-invalid" },
    })
    .describe("A semver range; a comma means both, e.g. '>=2.0.0, <3.0.0'"),
  "range",
);

export const FieldName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,63}$/, "use lowercase letters, digits and underscores, starting with a letter")
  .describe("Parameter name, as requests and templates use it");

const ActionName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, "use lowercase letters, digits, '_' and '-', starting with a letter");

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and hyphens");

export const Duration = z
  .string()
  .regex(/^(?:\d+[smhd])+$/, "write a duration such as 30s, 45m, 1h30m or 2d")
  .describe("Duration such as 30s, 45m, 1h30m");

const scalar = z.union([z.string(), z.number()]);

export const Field = z
  .strictObject({
    name: FieldName,
    type: z.enum(FIELD_TYPE_NAMES).describe("One of the 11 field types of seed 000 section 6.1"),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    help_text: z.string().optional(),
    min_length: z.int().nonnegative().optional(),
    max_length: z.int().nonnegative().optional(),
    regexp: z.string().max(1000).optional().describe("ECMAScript regular expression; must be safe from backtracking"),
    min_value: z.number().optional(),
    max_value: z.number().optional(),
    oneof: z.array(scalar).optional().describe("The choices of a selection or multiselect"),
    readonly: z.boolean().optional(),
    hidden: z.boolean().optional(),
    conditional: z
      .strictObject({ field: FieldName, value: z.unknown() })
      .optional()
      .describe("The field applies (and is required, if required) only when another field has this value"),
  })
  .describe("A parameter a request fills in");
export type Field = z.infer<typeof Field>;

export const RetryPolicy = z.strictObject({
  max_attempts: z.int().min(1).max(10).describe("Automatic attempts at most; a person's /retry may go past it"),
  backoff_strategy: z.enum(["exponential", "linear", "fixed"]),
  initial_delay: Duration.optional(),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const Verification = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("http_status"),
    expected: z.union([z.int().min(100).max(599), z.string().regex(/^[1-5]\d\d$/, "an HTTP status such as 200")]),
  }),
  z.strictObject({
    type: z.literal("terraform_state"),
    expected: z.strictObject({
      resource_count: z.int().nonnegative().optional(),
      required_outputs: z.array(z.string()).optional(),
    }),
  }),
  z.strictObject({
    type: z.literal("outputs"),
    expected: z.strictObject({ required: z.array(z.string()).min(1) }),
  }),
]);
export type Verification = z.infer<typeof Verification>;

export const Action = z.strictObject({
  name: ActionName.describe("Unique within the definition; depends_on and the step name use it"),
  type: z.enum(ACTION_TYPE_NAMES),
  description: z.string().optional(),
  template: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Rendered with the request's parameters (Handlebars) and sent to the executor as pao_payload"),
  depends_on: z.array(ActionName).optional(),
  verification: Verification.optional(),
  retry_policy: RetryPolicy.optional(),
  timeout: Duration.optional().describe("How long one attempt may run once started (default 60m)"),
  queue_timeout: Duration.optional().describe("How long one attempt may wait for a runner once dispatched (default 30m)"),
});
export type Action = z.infer<typeof Action>;

export const Approval = z.strictObject({
  required: z.boolean(),
  teams: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[a-z0-9][a-z0-9_-]*$/, "name a team as org/team-slug"))
    .optional()
    .describe("Approvers must belong to one of these teams (org/team-slug)"),
});
export type Approval = z.infer<typeof Approval>;

const common = {
  name: DefinitionName,
  version: Version,
  description: z.string().min(1),
  owner: Slug.describe("The owning team"),
  tags: z.array(Slug).default([]),
  approval: Approval.optional(),
};

export const CatalogItem = z.strictObject({
  kind: z.literal("CatalogItem"),
  ...common,
  presentation: z.strictObject({ fields: z.array(Field).max(MAX_ENTRIES).default([]) }).default({ fields: [] }),
  fulfillment: z.strictObject({
    execution_mode: z.enum(["automation", "manual"]).default("automation"),
    retry_policy: RetryPolicy.optional(),
    parallel_limit: z.int().min(1).max(50).optional().describe("Steps of one request running at a time (default: .github/pao.yml's, else 4)"),
    manual_fallback: z.strictObject({ enabled: z.boolean(), trigger_on_failure: z.boolean() }).optional(),
    actions: z.array(Action).max(MAX_ENTRIES),
  }),
});
export type CatalogItem = z.infer<typeof CatalogItem>;

const BundleEntry = {
  catalog_item: DefinitionName,
  version: VersionRange,
  parameters: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Values fixed by the bundle; strings may be templates over the bundle fields"),
};

export const CatalogBundle = z.strictObject({
  kind: z.literal("CatalogBundle"),
  ...common,
  bundle: z.strictObject({
    required_items: z.array(z.strictObject(BundleEntry)).default([]),
    optional_items: z.array(z.strictObject({ ...BundleEntry, default_enabled: z.boolean().default(false) })).default([]),
  }),
  presentation: z.strictObject({ bundle_fields: z.array(Field).max(MAX_ENTRIES).default([]) }).default({ bundle_fields: [] }),
});
export type CatalogBundle = z.infer<typeof CatalogBundle>;

const Targets = z.strictObject({
  catalog_items: z
    .array(
      z.strictObject({
        name: DefinitionName,
        version_range: VersionRange,
        required_parameters: z.array(FieldName).optional(),
      }),
    )
    .min(1),
  destructive: z.boolean().default(false),
  downtime_required: z.boolean().default(false),
  estimated_duration: Duration.optional(),
});

const UpdateFulfillment = z
  .strictObject({
    manual: z
      .strictObject({ system: z.enum(["jira", "github"]), template: z.record(z.string(), z.unknown()).default({}) })
      .optional(),
    automation: z
      .strictObject({
        pre_execution_checks: z.array(z.string()).default([]),
        retry_policy: RetryPolicy.optional(),
        steps: z.array(Action).max(MAX_ENTRIES),
      })
      .optional(),
  })
  .refine((f) => f.manual !== undefined || f.automation !== undefined, "give fulfillment.manual, fulfillment.automation, or both");

const update = <K extends "UpdateItem" | "UpdateOperation">(kind: K) =>
  z.strictObject({
    kind: z.literal(kind),
    ...common,
    targets: Targets,
    presentation: z.strictObject({ fields: z.array(Field).max(MAX_ENTRIES).default([]) }).default({ fields: [] }),
    fulfillment: UpdateFulfillment,
  });

export const UpdateItem = update("UpdateItem");
export const UpdateOperation = update("UpdateOperation");
export type UpdateDefinition = z.infer<typeof UpdateItem> | z.infer<typeof UpdateOperation>;

export const KIND_SCHEMAS = {
  CatalogItem,
  CatalogBundle,
  UpdateItem,
  UpdateOperation,
} as const;

export type DefinitionBody = CatalogItem | CatalogBundle | UpdateDefinition;
