/**
 * Says in the server's log what is wrong in the repository served — once per change, not at every poll or refresh:
 * each new diagnostic on its own line (file:line:column, severity, code, message, hint), and how many went away.
 */
import { errorCount, sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import type { Snapshot } from "./snapshot.js";

/** How many new diagnostics one change logs line by line; health lists them all (up to its own bound). */
const MAX_LOGGED = 50;

/** Writes one finished line; the caller prints it as data (console.error("%s", line)), never as a format. */
export type LogLine = (line: string) => void;

const keyOf = (d: Diagnostic) => `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.message}`;

export function diagnosticsLogger(log: LogLine): (snapshot: Snapshot) => void {
  let seen = new Set<string>();
  return (snapshot) => {
    const now = new Map(snapshot.diagnostics.map((d) => [keyOf(d), d]));
    const added = sortDiagnostics([...now].filter(([key]) => !seen.has(key)).map(([, d]) => d));
    const gone = [...seen].filter((key) => !now.has(key)).length;
    seen = new Set(now.keys());
    if (added.length === 0 && gone === 0) return;
    const errors = errorCount(snapshot.diagnostics);
    const warnings = snapshot.diagnostics.length - errors;
    for (const d of added.slice(0, MAX_LOGGED)) {
      log(`pao: ${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ""}`.replace(/[\r\n]+/g, " "));
    }
    if (added.length > MAX_LOGGED) log(`pao: and ${added.length - MAX_LOGGED} more; GET /api/v1/health lists them`);
    if (gone > 0) log(`pao: ${gone} problem(s) fixed; now ${errors} error(s) and ${warnings} warning(s)`);
  };
}
