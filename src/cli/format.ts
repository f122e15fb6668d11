/** How `pao validate` prints diagnostics: one line each for people, or JSON for tools. */
import { errorCount, type Diagnostic } from "../diagnostics.js";

export function formatText(diagnostics: readonly Diagnostic[]): string {
  const lines: string[] = [];
  for (const d of diagnostics) {
    const severity = d.severity === "warning" ? "warning " : "";
    lines.push(`${d.file}:${d.line}:${d.column}  ${d.code}  ${severity}${d.message}`);
    if (d.hint) lines.push(`    hint: ${d.hint}`);
  }
  return lines.join("\n");
}

export function formatJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify(
    diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      file: d.file,
      line: d.line,
      column: d.column,
      ...(d.hint ? { hint: d.hint } : {}),
    })),
    null,
    2,
  );
}

export function summary(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = errorCount(diagnostics);
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")} in ${plural(files, "file")}`;
}
