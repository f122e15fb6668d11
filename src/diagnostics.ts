/**
 * User mistakes are data, not exceptions: every layer reports what is wrong with the files it was given as a list
 * of diagnostics, each pointing at a file, line and column. Adapters map them to text, JSON, annotations or HTTP.
 */
import type { DiagnosticCode } from "./diagnostic-codes.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** How to fix it, when there is something useful to say. */
  hint?: string;
  /** Where in the document, as a dotted path (`presentation.fields[2].max_length`), when it is about a value. */
  path?: string;
}

export interface Position {
  line: number;
  column: number;
}

export function errorCount(diagnostics: readonly Diagnostic[]): number {
  let n = 0;
  for (const d of diagnostics) if (d.severity === "error") n++;
  return n;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order for output: by file, then position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/**
 * Text from a file, fit to quote in a message: at most `max` characters, and nothing unprintable (control
 * characters, invalid bytes read as U+FFFD, format characters) echoed back raw; those are shown as \\uXXXX. A file
 * of random bytes then gives a short, readable message rather than its own garbage.
 */
export function printable(text: string, max = 60): string {
  let out = "";
  for (const ch of text) {
    const shown = /[\p{C}\uFFFD]/u.test(ch) ? `\\u${ch.codePointAt(0)!.toString(16).padStart(4, "0")}` : ch;
    // The bound is on what is shown: an escaped character takes six.
    if (out.length + shown.length > max) return `${out}…`;
    out += shown;
  }
  return out;
}
