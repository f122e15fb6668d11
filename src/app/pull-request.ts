/**
 * Brings one pull request's requests up to date: reads the pull request as GitHub has it now (not as the webhook
 * that woke us described it, which may be late, repeated or out of order), validates its request files against
 * the default branch's catalog, judges approvals, lets the state machine decide each status record on fresh state,
 * and then says so in the `pao` check run of the head commit and the sticky comment. Running it twice in a row
 * changes nothing the second time.
 */
import { DEFAULT_LAYOUT, isYamlUnder } from "../catalog/paths.js";
import type { Diagnostic } from "../diagnostics.js";
import { approvalState, reviewersToLookUp, standingApprovals, type ApprovalState, type ReviewerAuthority } from "../fulfillment/approval.js";
import { assessRequestFiles, type RequestAssessment } from "../fulfillment/assess.js";
import { changeRefusal, decide, type PullRequestFacts } from "../fulfillment/decide.js";
import type { StatusRecord } from "../fulfillment/status-record.js";
import type { GitHubGateway, PullRequestInfo, ReviewInfo } from "../github/gateway.js";
import type { Snapshot, SnapshotSource } from "../repo/snapshot.js";
import { checkNote, validationCheck, type FileVerdict } from "./render/check-run.js";
import { renderRequestComment, STICKY_MARKER } from "./render/comment.js";
import { approvalView, requestCommentView } from "./render/request-view.js";
import type { StatusWriter } from "./status-writer.js";

export interface PullRequestDeps {
  gateway: GitHubGateway;
  source: SnapshotSource;
  writer: StatusWriter;
  /** The app's own login (`<slug>[bot]`): its comments are the sticky ones. */
  botLogin: string;
  now: () => Date;
  log: { warn(details: object, message: string): void };
}

const isRequestFile = (path: string) => isYamlUnder(path, DEFAULT_LAYOUT.requestsDir);

/** A request's record after the write: the record (null: none), or why it could not be written. */
type RecordOutcome = StatusRecord | null | Error;

/**
 * Returns `again` when a record write raced another writer (a second replica): the facts this pass decided from
 * may be older than that writer's, so the pull request deserves another pass on fresh facts.
 */
export async function reconcilePullRequest(deps: PullRequestDeps, number: number): Promise<{ again: boolean }> {
  const { gateway } = deps;
  const pr = await gateway.pullRequest(number);
  const snapshot = deps.source.current();
  const changed = await gateway.pullRequestFiles(number);
  const files = await Promise.all(
    changed
      .filter((f) => f.status !== "removed" && isRequestFile(f.path))
      .map(async (f) => ({ path: f.path, sha: f.sha, text: await gateway.blob(f.sha) })),
  );
  const assessments = assessRequestFiles(snapshot.catalog, files, {
    repository: `${gateway.owner}/${gateway.repo}`,
    pullRequest: number,
    author: pr.author,
    defaultBranchRequests: snapshot.requestFiles.map((f) => f.path),
  });
  const approvals = await judgeApprovals(deps, pr, assessments);

  const intoDefaultBranch = pr.base === snapshot.repository.branch;
  const facts: PullRequestFacts = { number, state: pr.state, merged: pr.merged, fork: pr.fork, intoDefaultBranch, author: pr.author };
  const { records, raced } = pr.fork ? { records: new Map<string, RecordOutcome>(), raced: false } : await recordRequests(deps, snapshot, facts, assessments, approvals);
  const { judged, withdrawn, takenOut } = judgeRequests(assessments, records, approvals, pr.author);
  const catalogChanged = changed.some((f) => f.path.startsWith(`${DEFAULT_LAYOUT.catalogDir}/`));
  const notes = [
    ...(catalogChanged ? [checkNote("catalog-changed")] : []),
    ...(pr.fork ? [checkNote("fork")] : []),
    ...(intoDefaultBranch ? [] : [checkNote("other-base")]),
  ];
  const verdicts = [
    ...judged.map(
      (j): FileVerdict => ({
        path: j.assessment.path,
        diagnostics: j.diagnostics,
        ...(j.assessment.valid ? { orders: `${j.assessment.valid.request.definition.name} ${j.assessment.valid.request.definition.version}` } : {}),
        approval: j.approval,
      }),
    ),
    ...takenOut,
  ];
  await gateway.publishCheckRun(pr.headSha, validationCheck(verdicts, notes));

  // A pull request that orders nothing gets no comment, unless it had one (its requests were taken out).
  const view = requestCommentView({ catalog: snapshot.catalog, fromFork: pr.fork, otherBase: !intoDefaultBranch, catalogChanged, requester: pr.author, files: judged, withdrawn });
  await upsertStickyComment(deps, number, renderRequestComment(view), judged.length > 0 || withdrawn.length > 0);
  return { again: raced };
}

/**
 * What the check and the comment say of each request: its problems (validation, a refused change, a record that
 * could not be written), its approval and its record; and the requests the pull request no longer has, refused
 * when their fulfilment had started.
 */
function judgeRequests(assessments: readonly RequestAssessment[], records: ReadonlyMap<string, RecordOutcome>, approvals: ReadonlyMap<string, ApprovalState>, requester: string) {
  const recordOf = (id: string) => {
    const outcome = records.get(id);
    return outcome && !(outcome instanceof Error) ? outcome : null;
  };

  const judged = assessments.map((a) => {
    const record = recordOf(a.requestId);
    const failure = records.get(a.requestId);
    const problems: Diagnostic[] = [changeRefusal(record, a), failure instanceof Error ? notRecorded(a.path, failure) : null].filter((d) => d !== null);
    return {
      assessment: a,
      record,
      approval: approvalView(a, approvals.get(a.path) ?? null, requester, record),
      diagnostics: [...problems, ...a.validation.diagnostics],
    };
  });
  // Requests recorded earlier whose file the pull request no longer has; refused when fulfilment had started.
  const current = new Set(assessments.map((a) => a.requestId));
  const withdrawn = [...records.keys()].filter((id) => !current.has(id)).map(recordOf).filter((r) => r !== null);
  const takenOut = withdrawn.flatMap((record) => {
    const refusal = changeRefusal(record, null);
    return refusal ? [{ path: record.request_path, diagnostics: [refusal] }] : [];
  });
  return { judged, withdrawn, takenOut };
}

/**
 * Lets the state machine decide the record of each of the pull request's requests — the files it has now, and any
 * recorded earlier that it no longer has — on the records as the status branch holds them when the write happens.
 */
async function recordRequests(
  deps: PullRequestDeps,
  snapshot: Snapshot,
  pullRequest: PullRequestFacts,
  assessments: readonly RequestAssessment[],
  approvals: ReadonlyMap<string, ApprovalState>,
): Promise<{ records: Map<string, RecordOutcome>; raced: boolean }> {
  const now = deps.now().toISOString();
  const requests = new Map<string, RequestAssessment | null>(assessments.map((a) => [a.requestId, a]));
  for (const record of snapshot.records.values()) {
    if (record.pull_request === pullRequest.number && !requests.has(record.request_id)) requests.set(record.request_id, null);
  }
  const records = new Map<string, RecordOutcome>();
  let raced = false;
  // One request's failure (an unreadable record, GitHub failing) must not keep the others from being recorded.
  await Promise.all(
    [...requests].map(async ([id, request]) => {
      const approval = request ? (approvals.get(request.path) ?? null) : null;
      try {
        const written = await deps.writer.update(id, (current) => decide(current, { pullRequest, request, approval, now }));
        records.set(id, written.record);
        raced ||= written.raced;
      } catch (error) {
        deps.log.warn({ err: error, requestId: id }, "pao: could not write a status record");
        records.set(id, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  return { records, raced };
}

/** A request whose record could not be written this time: the check says so, and the next event tries again. */
function notRecorded(path: string, error: Error): Diagnostic {
  return {
    code: "request-not-recorded",
    severity: "error",
    file: path,
    line: 1,
    column: 1,
    message: `pao could not write this request's status record: ${error.message}`,
    hint: "pao tries again at the next event on this pull request (a push, a review); if it persists, ask the operators of pao",
  };
}

/**
 * Whether each request that needs approval has it: the standing approvals of the pull request's reviewers, judged
 * with what GitHub says of each reviewer. A look-up that fails denies (and is logged), it never approves.
 */
async function judgeApprovals(deps: PullRequestDeps, pr: PullRequestInfo, assessments: readonly RequestAssessment[]): Promise<Map<string, ApprovalState>> {
  const out = new Map<string, ApprovalState>();
  const needing = assessments.filter((a) => a.valid?.need);
  if (needing.length === 0) return out;
  const reviews = await deps.gateway.reviews(pr.number);
  const teams = [...new Set(needing.flatMap((a) => a.valid!.need!.teams))];
  const authority = new Map<string, ReviewerAuthority>();
  for (const user of reviewersToLookUp(reviews, pr.author)) authority.set(user.toLowerCase(), await lookUpAuthority(deps, user, teams));

  const contentAt = new Map<string, string | null | "unknown">();
  const key = (review: ReviewInfo, path: string) => `${review.id}\0${path}`;
  for (const review of standingApprovals(reviews)) {
    for (const a of needing) {
      if (review.commitId === pr.headSha) contentAt.set(key(review, a.path), a.sha);
      else contentAt.set(key(review, a.path), await deps.gateway.fileShaAt(review.commitId, a.path).catch((error: unknown) => lookUpFailed(deps, error, "file at review commit")));
    }
  }
  for (const a of needing) {
    out.set(
      a.path,
      approvalState({
        need: a.valid!.need!,
        requester: pr.author,
        contentSha: a.sha,
        reviews,
        contentAt: (review) => contentAt.get(key(review as ReviewInfo, a.path)) ?? "unknown",
        authority: (user) => authority.get(user.toLowerCase()) ?? { write: "unknown", teams: new Set() },
      }),
    );
  }
  return out;
}

async function lookUpAuthority(deps: PullRequestDeps, user: string, teams: readonly string[]): Promise<ReviewerAuthority> {
  try {
    const write = await deps.gateway.canWrite(user);
    const member = new Set<string>();
    if (write) for (const team of teams) if (await deps.gateway.inTeam(team, user)) member.add(team.toLowerCase());
    return { write, teams: member };
  } catch (error) {
    lookUpFailed(deps, error, `permission of ${user}`);
    return { write: "unknown", teams: new Set() };
  }
}

function lookUpFailed(deps: PullRequestDeps, error: unknown, what: string): "unknown" {
  deps.log.warn({ status: (error as { status?: number }).status, what }, "pao: a GitHub look-up for an approval failed; the approval does not count for now");
  return "unknown";
}

/** One sticky comment per pull request: found by its marker among the app's own comments, edited only when it changes. */
async function upsertStickyComment(deps: PullRequestDeps, number: number, body: string, create: boolean): Promise<void> {
  const ours = (await deps.gateway.issueComments(number)).filter((c) => c.author === deps.botLogin && c.body.startsWith(STICKY_MARKER));
  const [first, ...extra] = ours;
  if (!first) {
    if (create) await deps.gateway.createComment(number, body);
    return;
  }
  if (first.body.trimEnd() !== body.trimEnd()) await deps.gateway.updateComment(first.id, body);
  // Two replicas that both found none may each have created one: keep the oldest.
  for (const comment of extra) await deps.gateway.deleteComment(comment.id);
}
