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
