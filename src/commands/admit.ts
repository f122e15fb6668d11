/**
 * Whether a parsed command may run on a request, by the command table: who gave it (the requester, or someone with
 * write permission as GitHub's collaborator permission endpoint says; a look-up that failed or took too long
 * denies), the request's status, and for a command naming a step, that the step exists and is in a status the
 * command applies to. What running it does is the handler's; this only admits or refuses, with the reason as data.
 */
import type { RequestStatus, StatusRecord, StepStatus } from "../fulfillment/status-record.js";
import type { ParsedCommand } from "./parse.js";
import { commandSpec, type CommandName } from "./table.js";

/** What GitHub said of the commenter's permission: write (or more), less, or no answer in time. */
export type Permission = "write" | "read" | "unknown";

/** Why a command may not run on a request. */
export type AdmissionRefusal =
  | { type: "not-allowed"; command: CommandName; requester: string; lookupFailed: boolean }
  | { type: "wrong-request-status"; command: CommandName; requestStatus: RequestStatus }
  | { type: "wrong-step-status"; command: CommandName; step: string; stepStatus: StepStatus }
  | { type: "no-such-step"; command: CommandName; step: string; steps: string[] };

export type Admission = { admitted: true } | { admitted: false; refusal: AdmissionRefusal };

export function admitCommand(command: ParsedCommand, record: StatusRecord, actor: string, permission: Permission): Admission {
  const spec = commandSpec(command.name);
  const requester = record.requester.user_id;
  // GitHub logins are case-insensitive.
  const isRequester = actor.toLowerCase() === requester.toLowerCase();
  if (!isRequester && permission !== "write") {
    return { admitted: false, refusal: { type: "not-allowed", command: spec.name, requester, lookupFailed: permission === "unknown" } };
  }
  if (spec.requestStatuses !== "any" && !spec.requestStatuses.includes(record.status)) {
    return { admitted: false, refusal: { type: "wrong-request-status", command: spec.name, requestStatus: record.status } };
  }
  if (command.step !== null && spec.stepStatuses) {
    const step = record.fulfillment.steps.find((s) => s.step_id === command.step);
    if (!step) return { admitted: false, refusal: { type: "no-such-step", command: spec.name, step: command.step, steps: record.fulfillment.steps.map((s) => s.step_id) } };
    if (!spec.stepStatuses.includes(step.status)) return { admitted: false, refusal: { type: "wrong-step-status", command: spec.name, step: command.step, stepStatus: step.status } };
  }
  return { admitted: true };
}
