/**
 * The GitHub Action: a thin adapter around `validateRepository`. It maps each diagnostic to an annotation on its file
 * and line, lists them all in the job summary, sets the outputs and fails the step when there is any error.
 * Bundled into action/dist/index.js by `npm run build:action`.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import * as core from "@actions/core";
import type { Diagnostic } from "../../src/diagnostics.js";
import { pathInsideRepository } from "../../src/repo/inside-repository.js";
import { validateRepository } from "../../src/repo/validate-repository.js";

/** Rows beyond this are left out of the job summary (GitHub drops summaries over 1 MiB); annotations carry them all. */
const MAX_SUMMARY_ROWS = 1000;

export async function run(): Promise<void> {
  try {
    const root = process.env.GITHUB_WORKSPACE || process.cwd();
    // Each folder input must stay inside the repository (relative or absolute, links followed), so a workflow
    // cannot be made to read files outside the checked-out repository.
    const folders = { catalogDir: "catalog-path", requestsDir: "requests-path", workflowsDir: "workflows-path" } as const;
    const defaults = { catalogDir: "catalog", requestsDir: "requests", workflowsDir: ".github/workflows" } as const;
    const paths: Record<keyof typeof folders, string> = { ...defaults };
    const refused: string[] = [];
    for (const [key, name] of Object.entries(folders) as Array<[keyof typeof folders, string]>) {
      const checked = pathInsideRepository(root, input(name, defaults[key]), name);
      if (checked.ok) paths[key] = checked.path;
      else refused.push(`${checked.message}\nhint: ${checked.hint}`);
    }
    if (refused.length > 0) {
      for (const message of refused) core.setFailed(message);
      return;
    }
    if (!isFolder(join(root, paths.catalogDir))) {
      core.setFailed(`catalog-path '${paths.catalogDir}' is not a folder of the repository (${root}); set the action's catalog-path input`);
      return;
    }

    const report = validateRepository(root, paths);
    const errors = report.diagnostics.filter((d) => d.severity === "error").length;
    const warnings = report.diagnostics.length - errors;

    for (const d of report.diagnostics) {
      const annotate = d.severity === "error" ? core.error : core.warning;
      annotate(d.hint ? `${d.message}\nhint: ${d.hint}` : d.message, { title: d.code, file: d.file, startLine: d.line, startColumn: d.column });
    }
    const tally = `${plural(errors, "error")}, ${plural(warnings, "warning")} in ${plural(report.files, "file")}`;
    core.info(tally);

    core.setOutput("valid", errors === 0 ? "true" : "false");
    core.setOutput("error-count", String(errors));

    await writeSummary(report.diagnostics, report.files, tally);

    if (errors > 0) core.setFailed(`pao found ${plural(errors, "error")}: see the annotations or the job summary`);
  } catch (e) {
    if (e instanceof Error && e.stack) core.debug(e.stack);
    core.setFailed(`pao could not validate the repository: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function writeSummary(diagnostics: readonly Diagnostic[], files: number, tally: string): Promise<void> {
  core.summary.addHeading("pao catalog validation", 2);
  if (diagnostics.length === 0) {
    core.summary.addRaw(`<p>The catalog is valid: ${plural(files, "file")} checked, no errors, no warnings.</p>`, true);
    await core.summary.write();
    return;
  }
  core.summary.addRaw(`<p>${escapeHtml(tally)}</p>`, true);
  const shown = diagnostics.slice(0, MAX_SUMMARY_ROWS);
  core.summary.addTable([
    [
      { data: "Location", header: true },
      { data: "Code", header: true },
      { data: "Severity", header: true },
      { data: "Message", header: true },
    ],
    ...shown.map((d) => [
      escapeHtml(`${d.file}:${d.line}`),
      `<code>${escapeHtml(d.code)}</code>`,
      d.severity,
      escapeHtml(d.message) + (d.hint ? `<br>hint: ${escapeHtml(d.hint)}` : ""),
    ]),
  ]);
  if (diagnostics.length > shown.length) {
    core.summary.addRaw(`<p>${diagnostics.length - shown.length} more not shown here; the step's log lists every one.</p>`, true);
  }
  await core.summary.write();
}

function input(name: string, fallback: string): string {
  return core.getInput(name) || fallback;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

await run();
