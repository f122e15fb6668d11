/** Administration views (seed 000 section 5): health, statistics, validation of a definition. */
import type { z } from "zod";
import { errorCount, sortDiagnostics } from "../../diagnostics.js";
import { validateDefinition } from "../../catalog/validate-definition.js";
import { ApiProblem } from "../problem.js";
import type { Diagnostic } from "../../diagnostics.js";
import type { DiagnosticView, Health, Stats, ValidateBody, ValidateResult } from "../schemas.js";
import { listed } from "./catalog.js";
import { time, timeOrNull, type ViewContext } from "./context.js";

/** How many diagnostics health lists; catalog_errors still counts them all. */
const MAX_LISTED = 200;

export function health(ctx: ViewContext): z.infer<typeof Health> {
  const s = ctx.snapshot;
  const errors = errorCount(s.diagnostics);
  return {
    status: errors === 0 ? "healthy" : "degraded",
    version: ctx.version,
    mode: s.mode,
    catalog_last_updated: timeOrNull(ctx, s.catalogUpdatedAt),
    catalog_errors: errors,
    diagnostics: listedDiagnostics(s.diagnostics),
    repository: { url: s.repository.url, branch: s.repository.branch, last_sync: time(ctx, s.syncedAt) },
  };
}

const listedCache = new WeakMap<readonly Diagnostic[], Array<z.infer<typeof DiagnosticView>>>();

/** Errors first, then by file and place; bounded. */
function listedDiagnostics(diagnostics: readonly Diagnostic[]): Array<z.infer<typeof DiagnosticView>> {
  let listed = listedCache.get(diagnostics);
  if (!listed) {
    const rank = (d: Diagnostic) => (d.severity === "error" ? 0 : 1);
    listed = sortDiagnostics(diagnostics)
      .sort((a, b) => rank(a) - rank(b))
      .slice(0, MAX_LISTED)
      .map(diagnosticView);
    listedCache.set(diagnostics, listed);
  }
  return listed;
}

export function diagnosticView(d: Diagnostic): z.infer<typeof DiagnosticView> {
  return { code: d.code, severity: d.severity, message: d.message, file: d.file, line: d.line, column: d.column, ...(d.hint ? { hint: d.hint } : {}) };
}

export function stats(ctx: ViewContext): z.infer<typeof Stats> {
  const c = ctx.snapshot.catalog;
  const items = [...c.items.values()].map(listed);
  const count = (keys: string[]) => {
    const out: Record<string, number> = {};
    for (const k of keys.sort()) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  return {
    total_items: c.items.size,
    total_bundles: c.bundles.size,
    total_update_items: c.updateItems.size,
    total_update_operations: c.updateOperations.size,
    items_by_owner: count(items.map((d) => d.body.owner)),
    items_by_category: count(items.map((d) => d.category)),
    last_updated: timeOrNull(ctx, ctx.snapshot.catalogUpdatedAt),
  };
}

const MAX_DEPTH = 64;

export function validate(ctx: ViewContext, body: z.infer<typeof ValidateBody>): z.infer<typeof ValidateResult> {
  if (depthOf(body.definition) > MAX_DEPTH) {
    throw new ApiProblem("validation-error", `the definition nests deeper than ${MAX_DEPTH} levels`, {
      validation_errors: [{ field: "definition", error: "too_deep", message: `at most ${MAX_DEPTH} levels of nesting` }],
    });
  }
  const diagnostics = validateDefinition(body.type, body.definition, ctx.snapshot.catalog);
  const finding = (d: (typeof diagnostics)[number]) => ({
    code: d.code,
    field: d.path ?? "",
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
  });
  const errors = diagnostics.filter((d) => d.severity === "error").map(finding);
  return { valid: errors.length === 0, warnings: diagnostics.filter((d) => d.severity === "warning").map(finding), errors };
}

/** Iterative, so a hostile body cannot exhaust the stack while it is measured. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (d > max) max = d;
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}
