/**
 * The plan a started request keeps: per step the workflow it dispatches, the payload it is sent (and its digest),
 * its retry policy and timeouts, all as the catalog said at the commit fulfilment started from. Later catalog
 * changes never reach a started request: the adapter renders this from the catalog at the recorded commit.
 */
import { createHash } from "node:crypto";
import type { Catalog } from "../catalog/model.js";
import type { RetryPolicy } from "../catalog/schema.js";
import type { Plan } from "./plan.js";
import type { StepPreview } from "./preview.js";
import { DEFAULT_QUEUE_TIMEOUT, DEFAULT_TIMEOUT } from "./settings.js";

export interface FrozenStep {
  step_id: string;
  /** null: pao fulfils the step without a workflow (an issue for manual work). */
  workflow: string | null;
  /** The `pao_payload` text and its sha256, or why it cannot be rendered. */
  payload: { text: string; sha256: string } | { problem: string };
  retry_policy: RetryPolicy;
  timeout: string;
  queue_timeout: string;
}

export interface FrozenPlan {
  /** The default branch's commit whose catalog this was made from. */
  catalogCommit: string;
  parallelLimit: number;
  steps: ReadonlyMap<string, FrozenStep>;
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export function freezePlan(plan: Plan, previews: readonly StepPreview[], catalog: Catalog, catalogCommit: string, definitionLimit?: number): FrozenPlan {
  const preview = new Map(previews.map((p) => [p.step_id, p]));
  const steps = new Map<string, FrozenStep>();
  for (const step of plan.steps) {
    const p = preview.get(step.step_id);
    const text = p?.payload === undefined ? undefined : JSON.stringify(p.payload);
    steps.set(step.step_id, {
      step_id: step.step_id,
      workflow: p?.workflow ?? null,
      payload: text !== undefined ? { text, sha256: sha256(text) } : { problem: p?.problem?.message ?? "the payload could not be rendered" },
      retry_policy: step.retry_policy,
      timeout: step.action.timeout ?? DEFAULT_TIMEOUT,
      queue_timeout: step.action.queue_timeout ?? DEFAULT_QUEUE_TIMEOUT,
    });
  }
  return { catalogCommit, parallelLimit: definitionLimit ?? catalog.config.parallel_limit, steps };
}
