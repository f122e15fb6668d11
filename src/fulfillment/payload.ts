/**
 * The executor contract's payload (DESIGN.md, "Executor workflow contract"): what a step's workflow is sent as
 * `pao_payload`. The template engine (templates/render.ts) renders the values; this decides what is sent — for
 * `GitHubWorkflow` its rendered `inputs`, for the other types the rendered template with the type's payload
 * defaults — and refuses what GitHub would not take. Pure.
 */
import { ACTION_TYPES } from "../catalog/action-types.js";
import type { Action } from "../catalog/schema.js";
import { renderTemplate, TemplateError, type TemplateErrorCode } from "../templates/render.js";

/** GitHub takes at most 65,535 characters in all the inputs of a dispatch. */
export const MAX_PAYLOAD_CHARS = 65_535;

export interface PayloadProblem {
  code: TemplateErrorCode | "payload-too-large";
  message: string;
}

export interface RenderedPayload {
  /** The rendered payload; absent when the template could not be rendered. */
  payload?: unknown;
  /** `JSON.stringify(payload)`: what is sent as `pao_payload`. */
  json?: string;
  problem?: PayloadProblem;
}

/**
 * The `pao_payload` of a step: its template rendered with the request's parameters (for `GitHubWorkflow`, the
 * rendered `inputs`), with the action type's payload defaults (such as `method` for the Http types) added unless
 * the template sets them. A payload whose JSON is longer than MAX_PAYLOAD_CHARS has a `payload-too-large` problem.
 */
export function renderPayload(step: { type: Action["type"]; action: Pick<Action, "template"> }, parameters: Record<string, unknown>): RenderedPayload {
  const template = step.action.template ?? {};
  let payload: unknown;
  try {
    if (step.type === "GitHubWorkflow") {
      payload = renderTemplate(template["inputs"] ?? {}, parameters);
    } else {
      const rendered = renderTemplate(template, parameters) as Record<string, unknown>;
      const defaults = Object.entries(ACTION_TYPES[step.type].payloadDefaults ?? {}).filter(([k]) => !Object.prototype.hasOwnProperty.call(rendered, k));
      payload = Object.fromEntries([...Object.entries(rendered), ...defaults]);
    }
  } catch (e) {
    if (e instanceof TemplateError) return { problem: { code: e.code, message: e.message } };
    throw e;
  }
  const json = JSON.stringify(payload);
  if (json.length > MAX_PAYLOAD_CHARS) {
    return {
      payload,
      json,
      problem: { code: "payload-too-large", message: `the rendered payload is ${json.length} characters of JSON; executors take at most ${MAX_PAYLOAD_CHARS}` },
    };
  }
  return { payload, json };
}
