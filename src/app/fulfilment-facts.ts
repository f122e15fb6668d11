/**
 * Gathers what fulfilment needs to decide on one request, read fresh: the plan frozen for it (rendered from the
 * catalog at the commit fulfilment started from, and the request file as it was then), and what GitHub says of the
 * run of each in-flight attempt — found by the run id pao recorded, by the id a dispatch answered, or else by its
 * display title among the dispatched runs of its workflow — with the outputs of a successful one.
 */
import type { CatalogItemDefinition } from "../catalog/model.js";
import { assessRequestFiles, type RequestAssessment } from "../fulfillment/assess.js";
import type { FulfilmentFacts } from "../fulfillment/engine.js";
import { freezePlan, type FrozenPlan } from "../fulfillment/frozen-plan.js";
import { attemptKey, runMatches, type RunFacts, type RunObservation } from "../fulfillment/run-facts.js";
import type { EngineSettings } from "../fulfillment/settings.js";
import type { StatusRecord } from "../fulfillment/status-record.js";
import type { GitHubGateway } from "../github/gateway.js";
import type { GitHubSource } from "../repo/github-source.js";
import type { Snapshot } from "../repo/snapshot.js";
import type { DispatchAnswers } from "./dispatch-answers.js";
import { MAX_ARTIFACT_BYTES, OUTPUTS_ARTIFACT, readOutputs } from "./outputs.js";

export type FactsPort = Pick<GitHubGateway, "owner" | "repo" | "blob" | "workflowRun" | "dispatchedRuns" | "runArtifact">;

export interface FactsDeps {
  gateway: FactsPort;
  source: Pick<GitHubSource, "catalogAt">;
  answers: DispatchAnswers;
  settings: EngineSettings;
}

/** How far before an attempt's intent a run may have been created and still be its run (clocks differ). */
/** What looking at runs needs: GitHub, and the dispatch answers this process saw. */
type RunDeps = Pick<FactsDeps, "gateway" | "answers">;

const CLOCK_SLACK_MS = 120_000;

export async function gatherFulfilment(
  deps: FactsDeps,
  snapshot: Snapshot,
  record: StatusRecord | null,
  assessment: RequestAssessment | null,
  context: { pullRequest: number; author: string; headSha: string },
  /** The record's runs, looked at already (beside the pull request, to save a round trip); looked at here if not. */
  observed?: Promise<Map<string, RunObservation>>,
): Promise<FulfilmentFacts> {
  const repository = `${deps.gateway.owner}/${deps.gateway.repo}`;
  const frozen = record?.catalog_commit ? await frozenPlanOf(deps, snapshot, record, assessment, context) : startingPlan(snapshot, assessment);
  return {
    frozen,
    runs: record ? await (observed ?? observeRuns(deps, record, snapshot.repository.branch)) : new Map(),
    settings: deps.settings,
    defaultBranch: snapshot.repository.branch,
    repository,
    headSha: context.headSha,
  };
}

/** The plan a request would start with now: the current assessment, on the snapshot's catalog. */
function startingPlan(snapshot: Snapshot, assessment: RequestAssessment | null): FrozenPlan | null {
  if (!assessment?.valid || !snapshot.catalogCommit) return null;
  const { request, plan, steps } = assessment.valid;
  return freezePlan(plan, steps, snapshot.catalog, snapshot.catalogCommit, parallelLimitOf(request.definition));
}

/** A started request's plan: its request file as recorded, assessed on the catalog of the recorded commit. */
async function frozenPlanOf(
  deps: FactsDeps,
  snapshot: Snapshot,
  record: StatusRecord,
  assessment: RequestAssessment | null,
  context: { pullRequest: number; author: string },
): Promise<FrozenPlan | null> {
  const commit = record.catalog_commit!;
  const catalog = await deps.source.catalogAt(commit);
  const same = assessment && assessment.sha === record.request_sha && snapshot.catalogCommit === commit ? assessment : null;
  const assessed =
    same ??
    (record.request_sha
      ? assessRequestFiles(catalog, [{ path: record.request_path, sha: record.request_sha, text: await deps.gateway.blob(record.request_sha) }], {
          repository: `${deps.gateway.owner}/${deps.gateway.repo}`,
          pullRequest: context.pullRequest,
          author: context.author,
          defaultBranchRequests: snapshot.requestFiles.map((f) => f.path),
          targets: { files: snapshot.requestFiles, records: snapshot.records },
        })[0]
      : undefined);
  if (!assessed?.valid) return null;
  return freezePlan(assessed.valid.plan, assessed.valid.steps, catalog, commit, parallelLimitOf(assessed.valid.request.definition));
}

function parallelLimitOf(definition: { kind: string }): number | undefined {
  return definition.kind === "CatalogItem" ? (definition as CatalogItemDefinition).body.fulfillment.parallel_limit : undefined;
}

/** What GitHub says of the run of each attempt in flight. */
/** What GitHub says of the runs of a record's live attempts (and of failed ones waiting for a retry), steps side by side. */
export async function observeRuns(deps: RunDeps, record: StatusRecord, defaultBranch: string): Promise<Map<string, RunObservation>> {
  const repository = `${deps.gateway.owner}/${deps.gateway.repo}`;
  const seen = await Promise.all(record.fulfillment.steps.map((step) => observeStep(deps, record, step, defaultBranch, repository)));
  // In the steps' order, whatever order GitHub answered in.
  return new Map(seen.filter((entry): entry is [string, RunObservation] => entry !== null));
}

async function observeStep(
  deps: RunDeps,
  record: StatusRecord,
  step: StatusRecord["fulfillment"]["steps"][number],
  defaultBranch: string,
  repository: string,
): Promise<[string, RunObservation] | null> {
  const attempt = step.attempts[step.attempts.length - 1];
  if (!attempt || !step.workflow) return null;
  const key = attemptKey(record.request_id, step.step_id, attempt.attempt_number);
  const identity = { key, workflow: step.workflow, defaultBranch, repository };
  if (waitsForRetry(step) && attempt.run_id) {
    // Its run may have been re-run by hand meanwhile (the engine then takes it back as this attempt).
    const run = await deps.gateway.workflowRun(attempt.run_id);
    return run && runMatches(run, identity) && run.runAttempt > (attempt.run_attempt ?? 1) ? [key, await observe(deps, run, step)] : null;
  }
  if (attempt.status !== "dispatched" && attempt.status !== "running") return null;
  const answer = deps.answers.get(key);
  if (answer && "refused" in answer) return [key, { found: false, refused: answer.refused }];
  const runId = attempt.run_id ?? (answer && "runId" in answer ? answer.runId : null);
  let run = runId ? await deps.gateway.workflowRun(runId) : null;
  if (run && !runMatches(run, identity)) run = null;
  if (!run && !attempt.run_id) {
    const since = new Date(Date.parse(attempt.requested_at ?? record.updated_at) - CLOCK_SLACK_MS).toISOString();
    const candidates = (await deps.gateway.dispatchedRuns(step.workflow, defaultBranch, since)).filter((r) => runMatches(r, identity));
    // The first run dispatched for the attempt is its run.
    run = candidates.sort((a, b) => a.id - b.id)[0] ?? null;
  }
  return [key, run ? await observe(deps, run, step) : { found: false }];
}

/** A run found for an attempt, with the outputs it published when it succeeded. */
async function observe(deps: Pick<FactsDeps, "gateway">, run: RunFacts, step: { verification?: unknown }): Promise<RunObservation> {
  const settled = run.status === "completed" && run.conclusion === "success";
  return settled ? { found: true, run, outputs: await outputsOf(deps, run.id, step.verification != null) } : { found: true, run };
}

/** A step whose last attempt failed and whose next one is due later. */
const waitsForRetry = (step: StatusRecord["fulfillment"]["steps"][number]): boolean =>
  step.status === "pending" && step.next_attempt_at != null && step.attempts.at(-1)?.status === "failed";

async function outputsOf(deps: Pick<FactsDeps, "gateway">, runId: number, needed: boolean) {
  const artifact = await deps.gateway.runArtifact(runId, OUTPUTS_ARTIFACT, MAX_ARTIFACT_BYTES);
  if (artifact === "too-large") return { ok: false as const, type: "outputs_too_large", message: `the ${OUTPUTS_ARTIFACT} artifact is larger than ${MAX_ARTIFACT_BYTES} bytes` };
  if (artifact === null) {
    // A run may publish no outputs; a step that verifies them cannot do without.
    return needed ? { ok: false as const, type: "outputs_missing", message: `the run published no ${OUTPUTS_ARTIFACT} artifact, and the step's verification needs it` } : { ok: true as const, values: {} };
  }
  return readOutputs(artifact.zip);
}
