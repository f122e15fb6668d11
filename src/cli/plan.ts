/**
 * `pao plan <request-file>`: what a request would run. The file is validated against the repository's catalog as
 * the app validates it, planned with `planRequest`, and each step's payload rendered with `renderPayload`, so the
 * output is what the app would dispatch (`pao_payload`), short of the request id.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { hasErrors } from "../diagnostics.js";
import { previewSteps, type StepPreview } from "../fulfillment/preview.js";
import { readTree } from "../repo/fs-files.js";
import { loadRepository } from "../repo/validate-repository.js";
import { requestTargets, validateRequestFile, type ValidatedRequest } from "../requests/validate.js";
import { formatJson, formatText } from "./format.js";

export interface PlanIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

export const PLAN_USAGE = "usage: pao plan <request-file> [--dir repo] [--format text|json]";

export function formatPlanText(file: string, request: ValidatedRequest, steps: readonly StepPreview[]): string {
  const d = request.definition;
  const lines = [`${file}: ${request.shape} ${d.name} ${d.version}, ${steps.length} step${steps.length === 1 ? "" : "s"}`];
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
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { dir: { type: "string" }, format: { type: "string", default: "text" } } });
  } catch (e) {
    io.stderr(`pao plan: ${(e as Error).message}\n\n${PLAN_USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.format !== "text" && values.format !== "json") {
    io.stderr(`pao plan: --format is text or json, not '${values.format}'`);
    return EXIT.usage;
  }
  if (positionals.length !== 1) {
    io.stderr(`pao plan: name one request file\n\n${PLAN_USAGE}`);
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
  io.stdout(values.format === "json" ? JSON.stringify(steps, null, 2) : formatPlanText(file.path, validation.request, steps));
  return steps.some((s) => s.problem) ? EXIT.invalid : EXIT.ok;
}
