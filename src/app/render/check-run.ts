/**
 * The `pao` check run of a pull request's validation: a title that says the verdict, a summary that lists each
 * request file, what to fix and the approvals it waits for, and one annotation per diagnostic on the line it is
 * about. Errors fail it; a valid request waiting for approval keeps it in progress. The texts are the
 * templates of templates.ts; this module only works out what they show.
 */
import type { DiagnosticCode } from "../../diagnostic-codes.js";
import { errorCount, type Diagnostic } from "../../diagnostics.js";
import type { CheckAnnotation, CheckRunContent } from "../../github/gateway.js";
import { compileMarkdown } from "./markdown.js";
import { CHECK_NOTES, CHECK_SUMMARY, CHECK_TITLE } from "./templates.js";
import { listedProblems, type ProblemView } from "./problems.js";
import { fitGitHubText } from "./markdown.js";
import { approvalContext, type ApprovalContext, type ApprovalView } from "./approval.js";
import type { StatusRecord } from "../../fulfillment/status-record.js";
import { progressView, type ProgressView } from "./progress.js";

export const CHECK_NAME = "pao";

/**
 * Problems of pao's own rather than of a line of the file: listed in the summary, never annotated. Annotations stay
 * on a run for good, so one that came and went (GitHub failing for a moment) would need a second run for the head.
 */
const NOT_ABOUT_A_LINE: ReadonlySet<DiagnosticCode> = new Set(["request-not-recorded"]);

/** Annotations per check run: each 50 cost a write to GitHub, and past a hundred nobody reads them on the diff. */
export const MAX_ANNOTATIONS = 100;

export interface FileVerdict {
  path: string;
  diagnostics: Diagnostic[];
  /** What the file orders, when it could be read: `eks-container-app 1.2.0`. */
  orders?: string;
  /** The approval the request needs, when it needs one. */
  approval?: ApprovalView | null;
  /** Its status record after the pass: once fulfilment started, the check shows its progress. */
  record?: StatusRecord | null;
}

export type CheckNoteKind = keyof typeof CHECK_NOTES;

/** The text of a note the check can carry, for `validationCheck`'s `notes`. */
export function checkNote(kind: CheckNoteKind): string {
  return CHECK_NOTES[kind];
}

interface CheckContext {
  noFiles: boolean;
  valid: boolean;
  fileCount: number;
  errorCount: number;
  failingCount: number;
  waitingCount: number;
  /** Requests whose fulfilment failed, goes on, or completed (and none goes on or failed). */
  failedCount: number;
  runningCount: number;
  fulfilledCount: number;
  abortedCount: number;
  doneSteps: number;
  totalSteps: number;
  files: Array<{
    path: string;
    orders: string | null;
    errors: number;
    warnings: number;
    valid: boolean;
    approval: ApprovalContext | null;
    progress: ProgressView | null;
    problems: ProblemView[];
    moreProblems: number;
  }>;
  annotationsCut: boolean;
  annotationLimit: number;
  notes: string[];
}

const renderTitle = compileMarkdown<CheckContext>(CHECK_TITLE);
const renderSummary = compileMarkdown<CheckContext>(CHECK_SUMMARY);

export function validationCheck(files: readonly FileVerdict[], notes: readonly string[] = []): CheckRunContent {
  const annotations: CheckAnnotation[] = files.flatMap((f) =>
    f.diagnostics.filter((d) => !NOT_ABOUT_A_LINE.has(d.code)).map((d) => ({
      path: d.file,
      start_line: d.line,
      end_line: d.line,
      annotation_level: d.severity === "error" ? ("failure" as const) : ("warning" as const),
      title: d.code,
      message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    })),
  );
  const views = files.map((f) => {
    const errors = errorCount(f.diagnostics);
    return {
      path: f.path,
      orders: f.orders ?? null,
      errors,
      warnings: f.diagnostics.length - errors,
      valid: errors === 0,
      approval: f.approval ? approvalContext(f.approval) : null,
      progress: progressView(f.record ?? null),
      ...listedProblems(f.diagnostics),
    };
  });
  const started = views.flatMap((f) => (f.progress ? [f.progress] : []));
  const running = started.filter((p) => !p.completed && !p.failed && !p.aborted);
  const failed = started.filter((p) => p.failed).length;
  const fulfilled = started.filter((p) => p.completed).length;
  const aborted = started.filter((p) => p.aborted).length;
  const totalErrors = views.reduce((n, f) => n + f.errors, 0);
  const waiting = views.filter((f) => f.valid && f.approval && !f.approval.approved).length;
  const context: CheckContext = {
    noFiles: files.length === 0,
    valid: totalErrors === 0,
    fileCount: files.length,
    errorCount: totalErrors,
    failingCount: views.filter((f) => !f.valid).length,
    waitingCount: waiting,
    failedCount: failed,
    runningCount: running.length,
    fulfilledCount: fulfilled,
    abortedCount: aborted,
    doneSteps: running.reduce((n, p) => n + p.done, 0),
    totalSteps: running.reduce((n, p) => n + p.total, 0),
    files: views,
    notes: [...notes],
    annotationsCut: annotations.length > MAX_ANNOTATIONS,
    annotationLimit: MAX_ANNOTATIONS,
  };
  return {
    name: CHECK_NAME,
    title: renderTitle(context),
    summary: fitGitHubText(renderSummary(context)),
    // A request waiting for approval, or being fulfilled, keeps the check in progress: nothing failed, but it is not
    // done either (a branch protection requiring the check then keeps a person from merging too early).
    ...(files.length === 0
      ? { conclusion: "neutral" as const }
      : totalErrors > 0 || failed > 0
        ? { conclusion: "failure" as const }
        : waiting > 0 || running.length > 0
          ? {}
          : aborted > 0 && fulfilled === 0
            ? { conclusion: "neutral" as const }
            : { conclusion: "success" as const }),
    annotations: annotations.slice(0, MAX_ANNOTATIONS),
  };
}
