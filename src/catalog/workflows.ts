/**
 * What the catalog needs to know about an executor workflow (DESIGN.md, executor workflow contract): that it can be
 * dispatched with exactly the inputs `pao_step` and `pao_payload`, and that it never expands an input inside a
 * `run:` script, where a requester's text would become shell code.
 */
import type { Diagnostic } from "../diagnostics.js";
import { loadYaml, type LoadedYaml, type PathSegment } from "../yaml/load.js";

export const EXECUTOR_INPUTS = ["pao_step", "pao_payload"] as const;

export interface WorkflowFile {
  file: string;
  /** Declared `workflow_dispatch` inputs, or null when the workflow cannot be dispatched. */
  inputs: string[] | null;
  /** Paths of `run:` scripts that expand an input directly. */
  inputsInRun: PathSegment[][];
  /** Jobs with steps but no `timeout-minutes`: GitHub would let them run for six hours. */
  jobsWithoutTimeout: string[];
  locate: LoadedYaml["locate"];
  source: LoadedYaml["source"];
}

/** Whether a script holds an expression `${{ ... }}` that reads `inputs` (or `github.event.inputs`). Linear time. */
export function expandsInput(script: string): boolean {
  for (let i = script.indexOf("${{"); i !== -1; i = script.indexOf("${{", i)) {
    const end = script.indexOf("}}", i + 3);
    if (/\binputs\s*[.[]/.test(script.slice(i + 3, end === -1 ? undefined : end))) return true;
    if (end === -1) return false;
    i = end + 2;
  }
  return false;
}

export function analyseWorkflow(file: string, text: string, size?: number): { workflow?: WorkflowFile; diagnostics: Diagnostic[] } {
  const loaded = loadYaml(text, file, undefined, size);
  if (!loaded.ok) return { diagnostics: loaded.diagnostics };
  const root = loaded.doc.value;
  const on = isRecord(root) ? root["on"] : undefined;
  let inputs: string[] | null = null;
  if (on === "workflow_dispatch" || (Array.isArray(on) && on.includes("workflow_dispatch"))) inputs = [];
  else if (isRecord(on) && "workflow_dispatch" in on) {
    const dispatch = on["workflow_dispatch"];
    inputs = isRecord(dispatch) && isRecord(dispatch["inputs"]) ? Object.keys(dispatch["inputs"]) : [];
  }
  const inputsInRun: PathSegment[][] = [];
  findRunExpansions(root, [], inputsInRun);
  const jobs = isRecord(root) && isRecord(root["jobs"]) ? root["jobs"] : {};
  // A job that calls a reusable workflow (`uses:`) cannot set timeout-minutes; its called jobs do.
  const jobsWithoutTimeout = Object.entries(jobs).flatMap(([id, job]) => (isRecord(job) && !("uses" in job) && !("timeout-minutes" in job) ? [id] : []));
  return { workflow: { file, inputs, inputsInRun, jobsWithoutTimeout, locate: loaded.doc.locate, source: loaded.doc.source }, diagnostics: [] };
}

/** The diagnostics of a workflow that the catalog uses as an executor. */
export function checkExecutorWorkflow(workflow: WorkflowFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: PathSegment[], key = false) => workflow.locate(path, { key });
  if (workflow.inputs === null) {
    const p = at(["on"], true);
    out.push({
      code: "workflow-inputs",
      severity: "error",
      message: "the workflow is used as an executor but has no workflow_dispatch trigger",
      file: workflow.file,
      ...p,
      hint: "add on.workflow_dispatch with the inputs pao_step and pao_payload",
    });
  } else {
    const missing = EXECUTOR_INPUTS.filter((i) => !workflow.inputs!.includes(i));
    const extra = workflow.inputs.filter((i) => !(EXECUTOR_INPUTS as readonly string[]).includes(i));
    if (missing.length > 0 || extra.length > 0) {
      const p = at(["on", "workflow_dispatch", "inputs"], true);
      const parts = [
        missing.length > 0 ? `does not declare ${missing.join(" and ")}` : "",
        extra.length > 0 ? `declares ${extra.join(", ")}, which pao never sends` : "",
      ].filter(Boolean);
      out.push({
        code: "workflow-inputs",
        severity: "error",
        message: `executor workflow ${parts.join(" and ")}`,
        file: workflow.file,
        ...p,
        hint: "an executor workflow takes exactly two inputs: pao_step and pao_payload (both type: string)",
      });
    }
  }
  for (const path of workflow.inputsInRun) {
    out.push({
      code: "workflow-inputs-in-run",
      severity: "error",
      message: "a run: script expands ${{ inputs.* }} directly, so a requester's text would run as shell code",
      file: workflow.file,
      ...expressionPosition(workflow, path),
      hint: "pass the value through env: (PAO_PAYLOAD: ${{ inputs.pao_payload }}) and use \"$PAO_PAYLOAD\" in the script",
    });
  }
  for (const job of workflow.jobsWithoutTimeout) {
    out.push({
      code: "workflow-no-timeout",
      severity: "warning",
      message: `job ${job} of an executor workflow sets no timeout-minutes, so a stuck run holds a runner for GitHub's six hours`,
      file: workflow.file,
      ...at(["jobs", job], true),
      hint: "add timeout-minutes to the job, a little above the step's timeout in the catalog (default 60m)",
    });
  }
  return out;
}

/** Where in a run: script the first input expansion is: the script starts at its `|` or its first character. */
function expressionPosition(workflow: WorkflowFile, path: PathSegment[]): { line: number; column: number } {
  const start = workflow.locate(path);
  const raw = workflow.source(path);
  const index = raw?.search(/\$\{\{[^}]*\binputs\s*[.[]/) ?? -1;
  if (raw === undefined || index < 0) return start;
  const before = raw.slice(0, index);
  const newlines = before.split("\n").length - 1;
  return newlines === 0
    ? { line: start.line, column: start.column + index }
    : { line: start.line + newlines, column: index - before.lastIndexOf("\n") };
}

function findRunExpansions(node: unknown, path: PathSegment[], out: PathSegment[][]): void {
  if (Array.isArray(node)) node.forEach((item, i) => findRunExpansions(item, [...path, i], out));
  else if (isRecord(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "run" && typeof value === "string" && expandsInput(value)) out.push([...path, key]);
      else findRunExpansions(value, [...path, key], out);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
