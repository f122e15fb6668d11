/**
 * What GitHub says of the run of an attempt, as facts for the state machine, and which runs may speak for an
 * attempt at all. Only a run of the attempt's frozen workflow, dispatched (event `workflow_dispatch`) on the default
 * branch of the catalog repository, whose display title names the attempt, counts: a run from a pull request branch,
 * of another workflow or repository, or with a forged title changes nothing.
 */

export interface RunFacts {
  id: number;
  url: string;
  /** The workflow file, `.github/workflows/pao-http.yml`. */
  workflowPath: string;
  event: string;
  headBranch: string | null;
  /** owner/name. */
  repository: string;
  displayTitle: string;
  /** queued, in_progress, completed, ... as GitHub says. */
  status: string;
  conclusion: string | null;
  runAttempt: number;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
}

/** The `pao-outputs` artifact of a successful run, read: its outputs, or why they could not be read. */
export type OutputsReading = { ok: true; values: Record<string, unknown> } | { ok: false; type: string; message: string };

/**
 * An in-flight attempt's run: found (with its outputs when it succeeded), or looked for and not found — and, when
 * GitHub refused the dispatch outright (a 4xx: the workflow is missing or refuses the inputs), why.
 */
export type RunObservation = { found: true; run: RunFacts; outputs?: OutputsReading } | { found: false; refused?: string };

export const WORKFLOWS_DIR = ".github/workflows/";

/** `pao_step`: `<request_id>/<step_id>/<attempt>`; the executor's `run-name` makes the run's title `pao <pao_step>`. */
export const attemptKey = (requestId: string, stepId: string, attempt: number): string => `${requestId}/${stepId}/${attempt}`;
export const runTitle = (key: string): string => `pao ${key}`;

/** The request, step and attempt a run's display title names, if it names one. */
export function parseRunTitle(title: string): { requestId: string; stepId: string; attempt: number } | null {
  const match = /^pao (req-[0-9a-f]{12})\/(step-\d{3,})\/([1-9]\d{0,3})$/.exec(title);
  return match ? { requestId: match[1]!, stepId: match[2]!, attempt: Number(match[3]) } : null;
}

export interface AttemptIdentity {
  key: string;
  workflow: string;
  defaultBranch: string;
  /** owner/name of the catalog repository. */
  repository: string;
}

/** Whether a run may speak for an attempt. */
export function runMatches(run: RunFacts, attempt: AttemptIdentity): boolean {
  return (
    run.workflowPath === `${WORKFLOWS_DIR}${attempt.workflow}` &&
    run.event === "workflow_dispatch" &&
    run.headBranch === attempt.defaultBranch &&
    run.repository.toLowerCase() === attempt.repository.toLowerCase() &&
    run.displayTitle === runTitle(attempt.key)
  );
}
