/** Check runs: the `pao` check of a head commit, published in place. */
import { allPages, PAGE_SIZE, statusOf, type GitHubContext } from "./client.js";

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  title?: string;
  message: string;
}

export interface CheckRunContent {
  name: string;
  title: string;
  summary: string;
  /** Absent while work is in progress. */
  conclusion?: "success" | "failure" | "neutral" | "action_required";
  annotations: CheckAnnotation[];
}

/** Whether a check run as GitHub lists it already shows this content. */
function sameCheck(
  run: { status: string; conclusion: string | null; output: { title: string | null; summary: string | null; annotations_count: number } },
  check: CheckRunContent,
): boolean {
  const status = check.conclusion ? "completed" : "in_progress";
  return (
    run.status === status &&
    (run.conclusion ?? undefined) === check.conclusion &&
    run.output.title === check.title &&
    run.output.summary === check.summary &&
    run.output.annotations_count === check.annotations.length
  );
}

/** How many head commits' check runs are remembered. */
const MAX_KEPT_CHECKS = 1_000;

/** What a check run says, as one comparable string (annotations apart: they decide update or new run). */
const contentKey = (check: CheckRunContent) => JSON.stringify([check.conclusion ?? null, check.title, check.summary]);
const annotationsKey = (check: CheckRunContent) => JSON.stringify(check.annotations);

/** The status fields of a check run that says this. */
function fieldsOf(check: CheckRunContent) {
  return {
    status: check.conclusion ? ("completed" as const) : ("in_progress" as const),
    ...(check.conclusion ? { conclusion: check.conclusion, completed_at: new Date().toISOString() } : {}),
  };
}

export function checksArea({ octokit, owner, repo, appId }: GitHubContext) {
  // The check run of each head commit as pao last wrote it: the same content again costs no call, new content on the
  // same annotations one update. Forgotten when an update fails, so the next publication looks again.
  const published = new Map<string, { id: number; content: string; annotations: string }>();
  const remember = (headSha: string, id: number, check: CheckRunContent) => {
    published.delete(`${headSha}:${check.name}`);
    if (published.size >= MAX_KEPT_CHECKS) published.delete(published.keys().next().value!);
    published.set(`${headSha}:${check.name}`, { id, content: contentKey(check), annotations: annotationsKey(check) });
  };

  /** Whether a check run carries exactly these annotations, in any order. */
  async function hasAnnotations(checkRunId: number | bigint, wanted: readonly CheckAnnotation[]): Promise<boolean> {
    if (wanted.length === 0) return true;
    const present = await allPages((page) =>
      octokit.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", { owner, repo, check_run_id: checkRunId, per_page: PAGE_SIZE, page }),
    );
    const key = (a: { path: string; start_line: number; end_line: number; annotation_level: string | null; title?: string | null; message: string | null }) =>
      JSON.stringify([a.path, a.start_line, a.end_line, a.annotation_level, a.title ?? null, a.message]);
    const have = present.map(key).sort();
    const want = wanted.map(key).sort();
    return have.length === want.length && have.every((k, i) => k === want[i]);
  }

  return {
    /**
     * Publishes the check run of a head commit: updated in place when this app's run with this name already carries
     * the same annotations, created anew otherwise. GitHub appends the annotations of every update to those already on
     * a run and offers no way to remove them, so changed annotations need a new run (GitHub shows the latest). A run
     * that already says all of this is not written again. Annotations go out 50 per call, as GitHub requires.
     */
    async publishCheckRun(headSha: string, check: CheckRunContent): Promise<number> {
      const key = `${headSha}:${check.name}`;
      const known = published.get(key);
      if (known && known.annotations === annotationsKey(check)) {
        if (known.content === contentKey(check)) return known.id;
        try {
          await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { owner, repo, check_run_id: known.id, ...fieldsOf(check), output: { title: check.title, summary: check.summary } });
          remember(headSha, known.id, check);
          return known.id;
        } catch (error) {
          published.delete(key);
          if (statusOf(error) !== 404) throw error;
        }
      }
      const id = await findOrCreate(headSha, check);
      remember(headSha, id, check);
      return id;
    },
  };

  /** Publishes by looking at the runs GitHub lists for the commit: update in place, or a new run. */
  async function findOrCreate(headSha: string, check: CheckRunContent): Promise<number> {
    const { data: existing } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      owner,
      repo,
      ref: headSha,
      check_name: check.name,
      ...(appId !== undefined ? { app_id: appId } : {}),
    });
    const fields = fieldsOf(check);
    const current = existing.check_runs.find((run) => appId === undefined || run.app?.id === appId);
    if (current && current.output.annotations_count === check.annotations.length && (await hasAnnotations(current.id, check.annotations))) {
      // Writes are what GitHub's secondary limits count: a run that already says this is left alone.
      if (sameCheck(current, check)) return Number(current.id);
      await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner,
        repo,
        check_run_id: current.id,
        ...fields,
        output: { title: check.title, summary: check.summary },
      });
      return Number(current.id);
    }
    const batches: CheckAnnotation[][] = [];
    for (let i = 0; i < check.annotations.length; i += 50) batches.push(check.annotations.slice(i, i + 50));
    const output = (annotations: CheckAnnotation[]) => ({ title: check.title, summary: check.summary, ...(annotations.length > 0 ? { annotations } : {}) });
    const { data } = await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
      owner,
      repo,
      name: check.name,
      head_sha: headSha,
      ...fields,
      output: output(batches[0] ?? []),
    });
    for (const batch of batches.slice(1)) {
      await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner,
        repo,
        check_run_id: data.id,
        output: output(batch),
      });
    }
    return Number(data.id);
  }
}

export type ChecksArea = ReturnType<typeof checksArea>;
