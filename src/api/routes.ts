/**
 * Every route of /api/v1, declared once: its path, methods, query parameters, body and answer. The express
 * adapter serves this table (including 405 with Allow and OPTIONS), and the OpenAPI description is generated from
 * it, so the two cannot drift apart.
 */
import { z } from "zod";
import { REQUEST_STATUSES } from "../fulfillment/status-record.js";
import { openApiDocument } from "./openapi.js";
import { ApiProblem, clip, MAX_ERRORS } from "./problem.js";
import * as S from "./schemas.js";
import { getBundle, getItem, getUpdate, listBundles, listItems, listUpdates } from "./views/catalog.js";
import { health, stats, validate } from "./views/admin.js";
import { getRequest, getStep, listRequests } from "./views/requests.js";
import type { ViewContext } from "./views/context.js";
import type { Operation, Route } from "./route.js";

export type { Operation, Route } from "./route.js";

const integer = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const paging = { limit: integer("limit", 1, 100).default(50), cursor: z.string().max(512).optional() };
const text = z.string().max(200);
const catalogFilters = { tags: text.optional(), owner: text.optional(), search: text.optional() };
const none = z.strictObject({});
const versionQuery = z.strictObject({ version: text.optional() });

const gitops = (summary: string, how: string): Operation => ({ summary, query: none, response: S.Problem, gitops: how });

/** An operation whose `run` sees its query typed by its own schema. */
function op<Q extends z.ZodObject>(spec: {
  summary: string;
  query: Q;
  body?: z.ZodType;
  response: z.ZodType;
  run: (ctx: ViewContext, input: { params: Record<string, string>; query: z.output<Q>; body: unknown }) => unknown;
}): Operation {
  return spec as unknown as Operation;
}

export const ROUTES: Route[] = [
  {
    path: "/catalog/items",
    get: op({
      summary: "List catalog items (3.1)",
      query: z.strictObject({ ...paging, ...catalogFilters, category: z.enum(["compute", "databases", "messaging", "networking", "storage"]).optional() }),
      response: S.ItemList,
      run: (ctx, { query }) => listItems(ctx, query),
    }),
  },
  {
    path: "/catalog/items/:name",
    get: op({
      summary: "Get a catalog item (3.2); ?version= selects another version",
      query: versionQuery,
      response: S.ItemDetail,
      run: (ctx, { params, query }) => getItem(ctx, params["name"]!, query.version),
    }),
  },
  {
    path: "/catalog/bundles",
    get: op({
      summary: "List catalog bundles (3.3)",
      query: z.strictObject({ ...paging, ...catalogFilters }),
      response: S.BundleList,
      run: (ctx, { query }) => listBundles(ctx, query),
    }),
  },
  {
    path: "/catalog/bundles/:name",
    get: op({
      summary: "Get a catalog bundle (3.4)",
      query: versionQuery,
      response: S.BundleDetail,
      run: (ctx, { params, query }) => getBundle(ctx, params["name"]!, query.version),
    }),
  },
  {
    path: "/catalog/update-items",
    get: op({
      summary: "List update items (3.5)",
      query: z.strictObject({ ...paging, ...catalogFilters, target_item: text.optional() }),
      response: S.UpdateItemList,
      run: (ctx, { query }) => listUpdates(ctx, "update-items", query),
    }),
  },
  {
    path: "/catalog/update-items/:name",
    get: op({
      summary: "Get an update item (3.6)",
      query: versionQuery,
      response: S.UpdateDetail,
      run: (ctx, { params, query }) => getUpdate(ctx, "update-items", params["name"]!, query.version),
    }),
  },
  {
    path: "/catalog/update-operations",
    get: op({
      summary: "List update operations (3.7)",
      query: z.strictObject({ ...paging, ...catalogFilters, target_item: text.optional() }),
      response: S.UpdateOperationList,
      run: (ctx, { query }) => listUpdates(ctx, "update-operations", query),
    }),
  },
  {
    path: "/catalog/update-operations/:name",
    get: op({
      summary: "Get an update operation (3.8)",
      query: versionQuery,
      response: S.UpdateDetail,
      run: (ctx, { params, query }) => getUpdate(ctx, "update-operations", params["name"]!, query.version),
    }),
  },
  {
    path: "/requests",
    get: op({
      summary: "List requests (4.3)",
      query: z.strictObject({ ...paging, user_id: text.optional(), status: z.enum(REQUEST_STATUSES).optional() }),
      response: S.RequestList,
      run: (ctx, { query }) => listRequests(ctx, query),
    }),
    post: gitops(
      "Submit a request (4.1): done by pull request",
      "To order, open a pull request that adds requests/<team>/<name>.yaml (catalog_item, version, parameters); `pao new <catalog-item>` writes one. pao validates it on the pull request.",
    ),
  },
  {
    path: "/requests/:request_id",
    get: op({
      summary: "Get a request's status (4.2)",
      query: none,
      response: S.RequestDetail,
      run: (ctx, { params }) => getRequest(ctx, params["request_id"]!),
    }),
  },
  {
    path: "/requests/:request_id/resume",
    post: gitops("Resume a failed request (4.4): done by comment", "Comment `/resume` (or `/resume step-002`) on the request's pull request."),
  },
  {
    path: "/requests/:request_id/abort",
    post: gitops("Abort a request (4.5): done by comment", "Comment `/abort [reason]` on the request's pull request, or close the pull request."),
  },
  {
    path: "/requests/:request_id/steps/:step_id",
    get: op({
      summary: "Get a step's execution details (4.6)",
      query: none,
      response: S.StepDetail,
      run: (ctx, { params }) => getStep(ctx, params["request_id"]!, params["step_id"]!),
    }),
  },
  {
    path: "/requests/:request_id/steps/:step_id/retry",
    post: gitops("Retry a failed step (4.7): done by comment", "Comment `/retry <step_id>` on the request's pull request."),
  },
  {
    path: "/admin/catalog/refresh",
    post: { summary: "Read the repository again (5.1)", query: none, response: S.RefreshResult, effect: "refresh" },
  },
  {
    path: "/admin/catalog/validate",
    post: op({
      summary: "Validate a definition without adding it (5.3)",
      query: none,
      body: S.ValidateBody,
      response: S.ValidateResult,
      run: (ctx, { body }) => validate(ctx, body as z.infer<typeof S.ValidateBody>),
    }),
  },
  {
    path: "/admin/catalog/stats",
    get: op({ summary: "Catalog statistics (5.4)", query: none, response: S.Stats, run: (ctx) => stats(ctx) }),
  },
  {
    path: "/health",
    open: true,
    get: { ...op({ summary: "Health (5.2); needs no credentials", query: none, response: S.Health, run: (ctx) => health(ctx) }), volatile: true },
  },
  {
    // Describes the table itself, so it is served by the same handler and listed in its own description.
    path: "/openapi.json",
    get: {
      ...op({
        summary: "This API's OpenAPI 3.1 description; gzip-compressed when the client accepts it",
        query: none,
        response: z.record(z.string(), z.unknown()),
        run: () => openApiDocument(ROUTES),
      }),
      compress: true,
    },
  },
];

/** Parses input by a schema, or throws the 400 that lists the problems (a bounded number, each bounded). */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, where: "query" | "body"): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const what = where === "query" ? "query parameter" : "field";
  const accepted = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const takes = accepted.length > 0 ? `accepted: ${accepted.join(", ")}` : `this operation takes no ${what}s`;
  const validation_errors = result.error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: clip(key, 60), error: "unknown_parameter", message: `'${clip(key, 60)}' is not a ${what} of this operation; ${takes}` }));
    }
    const field = issue.path.map(String).join(".") || where;
    const message = issue.code === "invalid_type" && issue.path.length > 0 && issue.message.includes("received undefined") ? "this field is required" : issue.message;
    return [{ field: clip(field, 60), error: issue.code, message }];
  });
  // The detail names each problem once; the accepted parameters are said once, at the end.
  const shown = validation_errors.slice(0, MAX_ERRORS);
  const unknown = shown.filter((e) => e.error === "unknown_parameter").map((e) => `'${e.field}'`);
  const others = shown.filter((e) => e.error !== "unknown_parameter").map((e) => `${e.field}: ${e.message}`);
  const more = validation_errors.length - shown.length;
  const detail = [
    ...others,
    ...(unknown.length > 0 ? [`unknown ${what}${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (${takes})`] : []),
    ...(more > 0 ? [`and ${more} more`] : []),
  ].join("; ");
  throw new ApiProblem("validation-error", detail, { validation_errors: shown });
}
