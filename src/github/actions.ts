/**
 * GitHub Actions: dispatching executor workflows, reading their runs, cancelling them, and fetching the outputs
 * artifact a run published. What a run means for a request is decided in src/fulfillment; this only asks GitHub.
 */
import type { RunFacts } from "../fulfillment/run-facts.js";
import type { PolicyRequestOptions } from "./request-policy.js";
import { allPages, orNone, PAGE_SIZE, type GitHubContext } from "./client.js";

/** A workflow run as pao reads it: enough to tell whether it is the run of an attempt, and how it went. */
export type RunInfo = RunFacts;

/** The answer to a dispatch: the run it started, when GitHub said (200 with run details; older servers say 204). */
export type DispatchAnswer = { runId: number; runUrl: string } | { runId: null };

export interface ArtifactFile {
  /** The zip as downloaded. */
  zip: Buffer;
  /** The size GitHub says it has, before the download. */
  sizeInBytes: number;
}

/** The run fields pao reads, from any of GitHub's run shapes (REST answers and webhook payloads). */
interface RunJson {
  id: number;
  html_url: string;
  path: string;
  event: string;
  head_branch: string | null;
  repository: { full_name: string };
  display_title: string;
  status: string | null;
  conclusion: string | null;
  run_attempt?: number;
  created_at: string;
  run_started_at?: string;
  updated_at: string;
}

export function runInfo(run: RunJson): RunInfo {
  return {
    id: run.id,
    url: run.html_url,
    workflowPath: run.path,
    event: run.event,
    headBranch: run.head_branch,
    repository: run.repository.full_name,
    displayTitle: run.display_title,
    status: run.status ?? "queued",
    conclusion: run.conclusion,
    runAttempt: run.run_attempt ?? 1,
    createdAt: run.created_at,
    startedAt: run.run_started_at ?? null,
    updatedAt: run.updated_at,
  };
}

/** A dispatch unanswered for this long is given up on (and its run looked up by title): PAO_DISPATCH_TIMEOUT_SECONDS. */
export const DEFAULT_DISPATCH_TIMEOUT_MS = 30_000;

export function actionsArea({ octokit, owner, repo, dispatchTimeoutMs = DEFAULT_DISPATCH_TIMEOUT_MS }: GitHubContext) {
  return {
    /**
     * Dispatches a workflow on a ref with inputs, asking for the run's details. No client retry: a dispatch that
     * failed ambiguously (5xx, 429, a timeout) may still have started a run, which the caller looks up by title
     * rather than dispatching a second time.
     */
    async dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<DispatchAnswer> {
      const route = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";
      // Octokit's bundled route types predate `return_run_details` and the 200 answer GitHub now gives.
      // The time-out counts from when the call is sent (request-policy.ts), not while it waits its turn.
      const request: PolicyRequestOptions = { retries: 0, answerWithinMs: dispatchTimeoutMs };
      const answer = (await octokit.request(route, { owner, repo, workflow_id: workflow, ref, inputs, return_run_details: true, request } as never)) as {
        status: number;
        data?: { workflow_run_id?: number; html_url?: string; run_url?: string };
      };
      if (answer.status === 200 && typeof answer.data?.workflow_run_id === "number") {
        return { runId: answer.data.workflow_run_id, runUrl: answer.data.html_url ?? answer.data.run_url ?? "" };
      }
      return { runId: null };
    },

    /** A run by id, or null when GitHub has none (deleted, or never there). */
    async workflowRun(runId: number): Promise<RunInfo | null> {
      return orNone(async () => runInfo((await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { owner, repo, run_id: runId })).data as RunJson), null);
    },

    /**
     * The dispatched runs of a workflow on a branch created since a time, newest first: where a run whose id the
     * dispatch did not say is found by its display title.
     */
    async dispatchedRuns(workflow: string, branch: string, createdSince: string): Promise<RunInfo[]> {
      const runs = await orNone(
        () =>
          allPages(async (page) => {
            const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
              owner,
              repo,
              workflow_id: workflow,
              branch,
              event: "workflow_dispatch",
              created: `>=${createdSince}`,
              per_page: PAGE_SIZE,
              page,
            });
            return { data: data.workflow_runs };
          }),
        [],
      );
      return runs.map((r) => runInfo(r as RunJson));
    },

    /** Asks GitHub to cancel a run (202: it ends later); `force` also stops `always()` jobs. A run already over is left alone. */
    async cancelRun(runId: number, force = false): Promise<void> {
      const route = force ? "POST /repos/{owner}/{repo}/actions/runs/{run_id}/force-cancel" : "POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel";
      try {
        await octokit.request(route, { owner, repo, run_id: runId });
      } catch (error) {
        // 409: the run is already over, which is what cancelling wanted.
        if ((error as { status?: number }).status !== 409) throw error;
      }
    },

    /** The newest unexpired artifact of a run with this name, downloaded (null when the run has none). */
    async runArtifact(runId: number, name: string, maxBytes: number): Promise<ArtifactFile | "too-large" | null> {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts", { owner, repo, run_id: runId, name, per_page: PAGE_SIZE });
      const artifact = data.artifacts.filter((a) => a.name === name && !a.expired).sort((a, b) => b.id - a.id)[0];
      if (!artifact) return null;
      if (artifact.size_in_bytes > maxBytes) return "too-large";
      const download = await octokit.request("GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}", { owner, repo, artifact_id: artifact.id, archive_format: "zip" });
      const zip = Buffer.from(download.data as ArrayBuffer);
      return zip.length > maxBytes ? "too-large" : { zip, sizeInBytes: artifact.size_in_bytes };
    },
  };
}

export type ActionsArea = ReturnType<typeof actionsArea>;
