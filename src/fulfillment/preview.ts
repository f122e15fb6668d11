/**
 * What each step of a request would be sent: the plan's steps with their payloads rendered from the request's
 * parameters (`renderPayload`), as the app would dispatch them (`pao_payload`), short of the request id. Pure. Used
 * by `pao plan` and by the sticky comment's plan.
 */
import { resolveItem, type Catalog } from "../catalog/model.js";
import { executorWorkflow } from "../catalog/repo-config.js";
import type { ValidatedRequest } from "../requests/validate.js";
import { renderTemplate, TemplateError } from "../templates/render.js";
import { renderPayload, type PayloadProblem } from "./payload.js";
import { planRequest, type Plan, type PlannedStep } from "./plan.js";

export interface StepPreview {
  step_id: string;
  name: string;
  type: PlannedStep["type"];
  depends_on: string[];
  /** The executor workflow the step dispatches; null when pao fulfils it itself (an issue for manual work). */
  workflow: string | null;
  payload?: unknown;
  problem?: PayloadProblem;
}

/** The steps of a validated request with their rendered payloads. Pure apart from what it is given. */
export function previewSteps(request: ValidatedRequest, catalog: Catalog, plan: Plan = planRequest(request.definition, catalog, request.selections)): StepPreview[] {
  return plan.steps.map((step) => {
    let data: Record<string, unknown>;
    try {
      data = templateData(request, catalog, step.item);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      return { ...head(step, catalog), problem: { code: e.code, message: `the bundle's parameters for ${step.item}: ${e.message}` } };
    }
    const rendered = renderPayload(step, data);
    return {
      ...head(step, catalog),
      ...(rendered.payload !== undefined ? { payload: rendered.payload } : {}),
      ...(rendered.problem ? { problem: rendered.problem } : {}),
    };
  });
}

function head(step: PlannedStep, catalog: Catalog) {
  return { step_id: step.step_id, name: step.name, type: step.type, depends_on: step.depends_on, workflow: executorWorkflow(step.action, catalog.config) };
}

/**
 * What a step's templates see: the request's parameters; for an update, the target request's parameters beneath
 * the update's own (the update's value wins where both have one); for an item of a bundle, see below. The one
 * place this is decided, so `pao plan`, the pull request's comment and the dispatched payload agree.
 */
export function templateData(request: ValidatedRequest, catalog: Catalog, item?: string): Record<string, unknown> {
  if (item !== undefined) return bundleItemParameters(request, catalog, item);
  if (request.targetRequest) return { ...request.targetRequest.parameters, ...request.parameters };
  return request.parameters;
}

/**
 * What the templates of one item of a bundle see: the bundle's parameters, the item's defaults, the parameters
 * the bundle fixes for the item (themselves templates of the bundle's parameters), and the request's selection.
 */
function bundleItemParameters(request: ValidatedRequest, catalog: Catalog, itemName: string): Record<string, unknown> {
  if (request.definition.kind !== "CatalogBundle") return request.parameters;
  const bundle = request.definition.body.bundle;
  const entry = [...bundle.required_items, ...bundle.optional_items].find((e) => e.catalog_item === itemName);
  const item = entry ? resolveItem(catalog, itemName, entry.version) : undefined;
  const defaults = Object.fromEntries((item?.body.presentation.fields ?? []).filter((f) => f.default !== undefined).map((f) => [f.name, f.default]));
  const fixed = renderTemplate(entry?.parameters ?? {}, request.parameters) as Record<string, unknown>;
  return { ...request.parameters, ...defaults, ...fixed, ...(request.itemParameters[itemName] ?? {}) };
}
