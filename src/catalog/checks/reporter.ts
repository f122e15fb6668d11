import type { Diagnostic, Severity } from "../../diagnostics.js";
import type { DiagnosticCode } from "../../diagnostic-codes.js";
import type { LoadedYaml, PathSegment } from "../../yaml/load.js";
import { dottedPath } from "../../yaml/path.js";

export interface ReportOptions {
  severity?: Severity;
  hint?: string | undefined;
  /** Point at the key rather than its value (for "this field should not be here"). */
  key?: boolean;
}

/** Collects diagnostics for one file, placing each by its path in the file. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    private readonly locate: LoadedYaml["locate"],
  ) {}

  report(code: DiagnosticCode, path: readonly PathSegment[], message: string, options: ReportOptions = {}): void {
    const at = this.locate(path, { key: options.key ?? false });
    this.diagnostics.push({
      code,
      severity: options.severity ?? "error",
      message,
      file: this.file,
      line: at.line,
      column: at.column,
      ...(options.hint !== undefined ? { hint: options.hint } : {}),
      path: dottedPath(path),
    });
  }
}
