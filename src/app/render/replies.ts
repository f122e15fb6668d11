/**
 * The replies pao posts to commands: the `/help` table and the refusals. Made from the command table and validated
 * values only (a command's name, a step id that matched `step-NNN`, statuses, logins from GitHub), through the
 * Markdown-safe helpers, so a reply can neither mention anyone nor render markup the commenter wrote.
 */
import { COMMANDS, type CommandName } from "../../commands/table.js";
import { MAX_COMMANDS } from "../../commands/parse.js";
import type { AdmissionRefusal } from "../../commands/admit.js";
import { compileMarkdown } from "./markdown.js";
import { HELP_REPLY, REFUSAL_REPLY } from "./templates.js";

/** Why a command was not run: refused on the request (admit.ts), or not readable as written (parse.ts). */
export type Refusal =
  | AdmissionRefusal
  | { type: "bad-arguments"; command: CommandName }
  | { type: "unknown-command"; nearest: CommandName | null }
  | { type: "left-out"; leftOut: number };

const renderHelpTable = compileMarkdown<{ intro: string | null; commands: typeof COMMANDS }>(HELP_REPLY);
const renderRefusal = compileMarkdown<Record<string, unknown>>(REFUSAL_REPLY);

export function renderHelp(): string {
  return renderHelpTable({ intro: "Commands pao takes on this pull request:", commands: COMMANDS });
}

export function renderRefusalReply(refusal: Refusal): string {
  const spec = "command" in refusal ? COMMANDS.find((c) => c.name === refusal.command)! : null;
  const statuses = (list: readonly string[] | "any" | undefined) => (list === "any" || list === undefined ? [] : list);
  return renderRefusal({
    command: spec ? `/${spec.name}` : null,
    step: "step" in refusal ? refusal.step : null,
    notAllowed: refusal.type === "not-allowed",
    lookupFailed: refusal.type === "not-allowed" && refusal.lookupFailed,
    requester: refusal.type === "not-allowed" ? refusal.requester : null,
    wrongRequestStatus: refusal.type === "wrong-request-status",
    requestStatus: refusal.type === "wrong-request-status" ? refusal.requestStatus : null,
    allowedStatuses: statuses(spec?.requestStatuses),
    wrongStepStatus: refusal.type === "wrong-step-status",
    stepStatus: refusal.type === "wrong-step-status" ? refusal.stepStatus : null,
    allowedStepStatuses: statuses(spec?.stepStatuses),
    noSuchStep: refusal.type === "no-such-step",
    steps: refusal.type === "no-such-step" ? refusal.steps : [],
    badArguments: refusal.type === "bad-arguments",
    usage: spec?.usage ?? null,
    unknown: refusal.type === "unknown-command",
    nearest: refusal.type === "unknown-command" && refusal.nearest ? `/${refusal.nearest}` : null,
    leftOut: refusal.type === "left-out" ? refusal.leftOut : 0,
    maxCommands: MAX_COMMANDS,
    // Help where the commenter needs to see what there is: an unknown name or wrong arguments.
    showHelp: refusal.type === "unknown-command" || refusal.type === "bad-arguments",
    intro: null,
    commands: COMMANDS,
  });
}
