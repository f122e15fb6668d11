/** Diagnostics as the check summary and the sticky comment list them: where, what, and how to fix it. */
import { sortDiagnostics, type Diagnostic } from "../../diagnostics.js";

export interface ProblemView {
  /** `file:line`. */
  at: string;
  code: string;
  message: string;
  hint: string | null;
  warning: boolean;
}

export function problemViews(diagnostics: readonly Diagnostic[]): ProblemView[] {
  return sortDiagnostics(diagnostics).map((d) => ({
    at: `${d.file}:${d.line}`,
    code: d.code,
    message: d.message,
    hint: d.hint ?? null,
    warning: d.severity === "warning",
  }));
}

/** How many problems a file lists in the check summary and the comment; the annotations carry the rest. */
export const MAX_LISTED_PROBLEMS = 20;

/** The first problems of a file to list, and how many more there are. */
export function listedProblems(diagnostics: readonly Diagnostic[]): { problems: ProblemView[]; moreProblems: number } {
  const all = problemViews(diagnostics);
  return { problems: all.slice(0, MAX_LISTED_PROBLEMS), moreProblems: Math.max(0, all.length - MAX_LISTED_PROBLEMS) };
}
