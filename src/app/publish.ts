/**
 * Projects a pull request's state into what people see on it: the `pao` check run of the head commit and the one
 * sticky comment. Both are made from the assessments of the request files and the records as they stand after the
 * pass's decisions, so they show validation first and then the live progress of fulfilment.
 */
import { DEFAULT_LAYOUT } from "../catalog/paths.js";
import type { Diagnostic } from "../diagnostics.js";
import type { ApprovalState } from "../fulfillment/approval.js";
import type { RequestAssessment } from "../fulfillment/assess.js";
import { changeRefusal } from "../fulfillment/decide.js";
import type { StatusRecord } from "../fulfillment/status-record.js";
import type { GitHubGateway, PullRequestInfo } from "../github/gateway.js";
import type { Snapshot } from "../repo/snapshot.js";
import { checkNote, validationCheck, type FileVerdict } from "./render/check-run.js";
import { renderRequestComment, STICKY_MARKER } from "./render/comment.js";
import { approvalView, requestCommentView } from "./render/request-view.js";

export type PublishPort = Pick<GitHubGateway, "publishCheckRun" | "publishStickyComment">;

/** A request's record after the pass: the record (null: none), or why it could not be written. */
export type RecordOutcome = StatusRecord | null | Error;

export interface PublishInput {
  snapshot: Snapshot;
  pr: PullRequestInfo;
  changedPaths: readonly string[];
  assessments: readonly RequestAssessment[];
  approvals: ReadonlyMap<string, ApprovalState>;
  records: ReadonlyMap<string, RecordOutcome>;
}

export async function publishPullRequest(deps: { gateway: PublishPort; botLogin: string }, input: PublishInput): Promise<void> {
  const { snapshot, pr } = input;
  const intoDefaultBranch = pr.base === snapshot.repository.branch;
  const { judged, withdrawn, takenOut } = judgeRequests(input.assessments, input.records, input.approvals, pr.author);
  const catalogChanged = input.changedPaths.some((p) => p.startsWith(`${DEFAULT_LAYOUT.catalogDir}/`));
  const draft = pr.draft && pr.state === "open" && !pr.fork && intoDefaultBranch;
  const notes = [
    ...(catalogChanged ? [checkNote("catalog-changed")] : []),
    ...(pr.fork ? [checkNote("fork")] : []),
    ...(intoDefaultBranch ? [] : [checkNote("other-base")]),
    ...(draft ? [checkNote("draft")] : []),
  ];
  const verdicts = [
    ...judged.map(
      (j): FileVerdict => ({
        path: j.assessment.path,
        diagnostics: j.diagnostics,
        ...(j.assessment.valid ? { orders: `${j.assessment.valid.request.definition.name} ${j.assessment.valid.request.definition.version}` } : {}),
        approval: j.approval,
        record: j.record,
      }),
    ),
    ...takenOut,
  ];
  await deps.gateway.publishCheckRun(pr.headSha, validationCheck(verdicts, notes));

  // A pull request that orders nothing gets no comment, unless it had one (its requests were taken out).
  const view = requestCommentView({ catalog: snapshot.catalog, fromFork: pr.fork, otherBase: !intoDefaultBranch, catalogChanged, draft, requester: pr.author, files: judged, withdrawn });
  await deps.gateway.publishStickyComment(pr.number, STICKY_MARKER, deps.botLogin, renderRequestComment(view), judged.length > 0 || withdrawn.length > 0);
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
