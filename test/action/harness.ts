/**
 * Runs the bundled action the way a GitHub runner does: `node action/dist/index.js` in the workspace, inputs as
 * INPUT_<NAME> environment variables (name upper-cased, hyphens kept), outputs and the job summary written to the
 * files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name, annotations as workflow commands on stdout.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * A temporary copy of this repository's example catalog repository (catalog/, requests/, .github/) with the action
 * checked in at action/ as a consumer would have it: action.yml, package.json and the committed bundle, and no
 * node_modules anywhere above it, so the bundle must stand on its own.
 */
export function exampleRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), "pao-action-"));
  for (const folder of ["catalog", "requests", ".github"]) cpSync(join(REPO_ROOT, folder), join(dir, folder), { recursive: true });
  mkdirSync(join(dir, "action", "dist"), { recursive: true });
  for (const file of ["action.yml", "package.json", "dist/index.js"]) cpSync(join(REPO_ROOT, "action", file), join(dir, "action", file));
  return dir;
}

export function removeRepository(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Replaces `from` (which must occur) with `to` in a file of the repository. */
export function edit(repo: string, file: string, from: string, to: string): void {
  const path = join(repo, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The step outputs, as the runner reads them from GITHUB_OUTPUT. */
  outputs: Map<string, string>;
  /** What the step appended to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The workflow commands on stdout (`::error file=...,line=...::message` and the like), decoded. */
  commands: WorkflowCommand[];
}

export interface RunOptions {
  /** Input values by name as in action.yml; an input left out is not set (the runner would apply its default). */
  inputs?: Record<string, string>;
  /** Where GITHUB_STEP_SUMMARY points (default: a fresh empty file). */
  summaryPath?: string;
}

export function runAction(workspace: string, options: RunOptions = {}): ActionRun {
  const files = mkdtempSync(join(tmpdir(), "pao-runner-"));
  try {
    const outputPath = join(files, "output");
    const summaryPath = options.summaryPath ?? join(files, "summary");
    writeFileSync(outputPath, "");
    if (!options.summaryPath) writeFileSync(summaryPath, "");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
    };
    for (const [name, value] of Object.entries(options.inputs ?? {})) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
    const child = spawnSync(process.execPath, ["action/dist/index.js"], { cwd: workspace, env, encoding: "utf8", timeout: 60_000 });
    if (child.error) throw child.error;
    return {
      status: child.status,
      stdout: child.stdout,
      stderr: child.stderr,
      outputs: parseOutputFile(readFileSync(outputPath, "utf8")),
      summary: options.summaryPath ? "" : readFileSync(summaryPath, "utf8"),
      commands: parseWorkflowCommands(child.stdout),
    };
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
}

/** The GITHUB_OUTPUT file format: `name=value` lines and `name<<DELIMITER` ... `DELIMITER` blocks. */
export function parseOutputFile(text: string): Map<string, string> {
  const outputs = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const name = block[1]!;
      const delimiter = block[2]!;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: '${name}' is not closed by ${delimiter}`);
      outputs.set(name, value.join("\n"));
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`GITHUB_OUTPUT: cannot read line ${JSON.stringify(line)}`);
    outputs.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return outputs;
}

/** `::command key=value,key=value::message` lines, with the runner's escapes (%25 %0D %0A %3A %2C) undone. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? "").split(",").filter(Boolean)) {
      const eq = pair.indexOf("=");
      properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
    }
    commands.push({ command: m[1]!, properties, message: unescape(m[3]!) });
  }
  return commands;
}

function unescape(text: string): string {
  return text.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
}

/** The cells of each row of the HTML tables in a job summary, tags inside cells removed and entities decoded. */
export function summaryRows(summary: string): string[][] {
  const rows: string[][] = [];
  for (const row of summary.matchAll(/<tr>(.*?)<\/tr>/gs)) {
    rows.push([...row[1]!.matchAll(/<t[dh]>(.*?)<\/t[dh]>/gs)].map((cell) => decodeHtml(cell[1]!.replace(/<br>/g, "\n").replace(/<[^>]+>/g, ""))));
  }
  return rows;
}

function decodeHtml(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

/** Annotations (errors and warnings that point at a file). */
export function annotations(run: ActionRun): WorkflowCommand[] {
  return run.commands.filter((c) => (c.command === "error" || c.command === "warning") && c.properties.file !== undefined);
}
