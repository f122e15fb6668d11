/**
 * The commands people give pao in pull request comments, declared once. The parser (parse.ts) reads names and
 * arguments from here, the permission check reads who may, the refusals read the statuses each applies to, and
 * `/help` is this table rendered. Adding a command is a row here and its handler.
 */
import type { RequestStatus, StepStatus } from "../fulfillment/status-record.js";

export type CommandName = "retry" | "resume" | "abort" | "status" | "help";

/**
 * What follows the command on its line: nothing; one step id (`step-002`); an optional step id; or free text (a
 * reason, kept as data and never echoed where it could mention people or render markup).
 */
export type ArgumentShape = "none" | "step" | "optional-step" | "text";

/**
 * Who may run it. Every command, even one that changes nothing, is for the requester and users with write
 * permission (DESIGN.md): each costs GitHub calls and may post a reply, so a stranger cannot make pao talk.
 */
export type Audience = "requester-or-writer";

export interface CommandSpec {
  name: CommandName;
  /** As `/help` shows it. */
  usage: string;
  args: ArgumentShape;
  who: Audience;
  /** The request statuses it applies to; "any" when it changes nothing. */
  requestStatuses: readonly RequestStatus[] | "any";
  /** For commands naming a step: the statuses that step must be in. */
  stepStatuses?: readonly StepStatus[];
  help: string;
  examples: readonly string[];
}

/** Longest reason `/abort` keeps (characters). */
export const MAX_REASON_LENGTH = 500;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "retry",
    usage: "/retry step-NNN",
    args: "step",
    who: "requester-or-writer",
    requestStatuses: ["in_progress", "failed"],
    stepStatuses: ["failed"],
    help: "Gives a failed step a new attempt (a fresh run, even past its max_attempts); completed steps and their outputs are kept.",
    examples: ["/retry step-002"],
  },
  {
    name: "resume",
    usage: "/resume [step-NNN]",
    args: "optional-step",
    who: "requester-or-writer",
    requestStatuses: ["failed"],
    stepStatuses: ["failed"],
    help: "Gives every failed step of a failed request a new attempt (or only the one named) and puts the request back in progress.",
    examples: ["/resume", "/resume step-003"],
  },
  {
    name: "abort",
    usage: "/abort [reason]",
    args: "text",
    who: "requester-or-writer",
    requestStatuses: ["submitted", "validating", "awaiting_approval", "in_progress", "failed"],
    help: "Stops the request: cancels running work, skips what has not started, opens a cleanup issue for what was done, and closes the pull request.",
    examples: ["/abort", "/abort the project was cancelled"],
  },
  {
    name: "status",
    usage: "/status",
    args: "none",
    who: "requester-or-writer",
    requestStatuses: "any",
    help: "Looks at GitHub afresh and brings the pao check and this pull request's comment up to date.",
    examples: ["/status"],
  },
  {
    name: "help",
    usage: "/help",
    args: "none",
    who: "requester-or-writer",
    requestStatuses: "any",
    help: "Replies with this list.",
    examples: ["/help"],
  },
];

export function commandSpec(name: CommandName): CommandSpec {
  return COMMANDS.find((c) => c.name === name)!;
}
