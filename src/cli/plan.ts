/**
 * `pao plan <request-file>`: what a request would run. The file is validated against the repository's catalog as
 * the app validates it, planned with `planRequest`, and each step's payload rendered with `renderPayload`, so the
 * output is what the app would dispatch (`pao_payload`), short of the request id.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import type { Catalog } from "../catalog/model.js";
import { hasErrors } from "../diagnostics.js";
import { approvalNeed, type ApprovalNeed } from "../fulfillment/approval.js";
import { previewSteps, type StepPreview } from "../fulfillment/preview.js";
import { readTree } from "../repo/fs-files.js";
import { loadRepository } from "../repo/validate-repository.js";
import { requestTargets, validateRequestFile, type ValidatedRequest } from "../requests/validate.js";
import { formatJson, formatText } from "./format.js";
import { EXIT, readCommand, type CommandSpec } from "./usage.js";

export interface PlanIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}


export const PLAN_COMMAND: CommandSpec = {
  name: "plan",
  synopsis: "<request-file> [options]",
  summary: "show what a request would run, and the approval it would wait for",
  description: [
    "Validates a request file against the catalog of the repository, as pao does on a pull request, and prints " +
      "whether the request waits for an approving review (and from whom: the approver teams) before fulfilment, " +
      "then each step it would run: its executor workflow (or the GitHub issue for manual work) and the payload " +
      "it would be sent. Exit 1 if the request is invalid or a step cannot be planned.",
  ],
  options: {
    dir: { type: "string", value: "DIR", help: "the catalog repository whose catalog the request is checked against (default: the current directory)" },
    format: { type: "string", value: "text|json", default: "text", help: "text: the approval and the steps for people; json: the array of steps" },
  },
  examples: ["pao plan requests/data-team/orders-db.yaml", "pao plan orders-db.yaml --dir ../platform-catalog", "pao plan requests/product-team/customer-portal.yaml --format json"],
};

/** When the request waits for approval, and who may give it, in one line. */
export function approvalLine(need: ApprovalNeed | null): string {
  if (!need) return "not needed: fulfilment does not wait for a review";
  const why = need.reason === "item" ? "the catalog asks for approval" : "the update is destructive";
  const who =
    need.groups.length === 0
      ? "anyone with write permission"
      : need.groups.length === 1
        ? `a member of ${need.groups[0]!.length === 1 ? "team" : "one of the teams"} ${need.groups[0]!.join(", ")} with write permission`
        : `someone with write permission in one team of each of: ${need.groups.map((g) => g.join(" or ")).join("; ")}`;
  return `waits (${why}) for an approving review by ${who}, other than the requester, before fulfilment starts`;
}

export function formatPlanText(file: string, request: ValidatedRequest, steps: readonly StepPreview[], catalog?: Catalog): string {
  const d = request.definition;
  const lines = [`${file}: ${request.shape} ${d.name} ${d.version}, ${steps.length} step${steps.length === 1 ? "" : "s"}`];
  if (catalog) lines.push(`approval: ${approvalLine(approvalNeed(d, catalog, request.selections))}`);
  for (const step of steps) {
    lines.push("", `${step.step_id}  ${step.name}  ${step.type}`);
    lines.push(`  depends on: ${step.depends_on.length > 0 ? step.depends_on.join(", ") : "-"}`);
    lines.push(`  workflow:   ${step.workflow ?? "none (pao opens a GitHub issue labelled pao:manual)"}`);
    if (step.problem) lines.push(`  problem:    ${step.problem.code}  ${step.problem.message}`);
    if (step.payload !== undefined) {
      const json = JSON.stringify(step.payload, null, 2);
      lines.push(`  payload:    ${json.length > 4000 ? `${json.slice(0, 4000)}... (${json.length} characters)` : json.split("\n").join("\n              ")}`);
    }
  }
  return lines.join("\n");
}

export function runPlan(args: readonly string[], io: PlanIO): number {
  const parsed = readCommand(PLAN_COMMAND, args, io);
  if ("exit" in parsed) return parsed.exit;
  const { positionals } = parsed;
  const values = parsed.values as { dir?: string; format: string };
  if (values.format !== "text" && values.format !== "json") {
    io.stderr(`pao plan: --format is text or json, not '${values.format}'`);
    return EXIT.usage;
  }
  if (positionals.length !== 1) {
    io.stderr(`pao plan: name one request file\n    hint: ${PLAN_COMMAND.examples[0]}; pao plan --help says more`);
    return EXIT.usage;
  }
  const root = resolve(io.cwd, values.dir ?? ".");
  const abs = resolve(io.cwd, positionals[0]!);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    io.stderr(`pao plan: there is no file ${positionals[0]}`);
    return EXIT.usage;
  }
  const rel = relative(root, abs);
  const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  const path = inside ? rel.split("\\").join("/") : positionals[0]!;
  const [file] = inside ? readTree(root, [path]) : readTree(dirname(abs), [basename(abs)]).map((f) => ({ ...f, path }));
  if (!file) {
    io.stderr(`pao plan: cannot read ${positionals[0]} (a symbolic link?)`);
    return EXIT.usage;
  }

  const { catalog, requestFiles } = loadRepository(root);
  const knownRequestPaths = new Set(requestFiles.map((f) => f.path));
  // The file as given is the one its updates see, even if the repository has another version of it.
  const targets = requestTargets(catalog, [...requestFiles.filter((f) => f.path !== file.path), file]);
  const validation = validateRequestFile(file, catalog, { knownRequestPaths, targets });
  if (hasErrors(validation.diagnostics) || !validation.request) {
    io.stdout(values.format === "json" ? formatJson(validation.diagnostics) : formatText(validation.diagnostics));
    return EXIT.invalid;
  }
  if (validation.diagnostics.length > 0) io.stderr(formatText(validation.diagnostics));
  const steps = previewSteps(validation.request, catalog);
  io.stdout(values.format === "json" ? JSON.stringify(steps, null, 2) : formatPlanText(file.path, validation.request, steps, catalog));
  return steps.some((s) => s.problem) ? EXIT.invalid : EXIT.ok;
}
