/**
 * The `pao` check run of a pull request's validation: a title that says the verdict, a summary that lists each
 * request file, and one annotation per diagnostic on the line it is about.
 */
import type { Diagnostic } from "../../diagnostics.js";
import type { CheckAnnotation, CheckRunContent } from "../../github/gateway.js";

export const CHECK_NAME = "pao";

export interface FileVerdict {
  path: string;
  diagnostics: Diagnostic[];
  /** What the file orders, when it could be read: `eks-container-app 1.2.0`. */
  orders?: string;
}

export function validationCheck(files: readonly FileVerdict[], notes: readonly string[] = []): CheckRunContent {
  const errors = files.reduce((n, f) => n + f.diagnostics.filter((d) => d.severity === "error").length, 0);
  const annotations: CheckAnnotation[] = files.flatMap((f) =>
    f.diagnostics.map((d) => ({
      path: d.file,
      start_line: d.line,
      end_line: d.line,
      annotation_level: d.severity === "error" ? ("failure" as const) : ("warning" as const),
      title: d.code,
      message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    })),
  );
  if (files.length === 0) {
    return { name: CHECK_NAME, title: "No request files", summary: "This pull request adds or changes no file under requests/, so there is nothing to order.", conclusion: "neutral", annotations };
  }
  const lines = files.map((f) => {
    const count = f.diagnostics.filter((d) => d.severity === "error").length;
    return `- \`${f.path}\`${f.orders ? ` orders ${f.orders}` : ""}: ${count === 0 ? "valid" : `${count} error${count === 1 ? "" : "s"}`}`;
  });
  return {
    name: CHECK_NAME,
    title: errors === 0 ? `${files.length} valid request${files.length === 1 ? "" : "s"}` : `${errors} error${errors === 1 ? "" : "s"} to fix`,
    summary: [...lines, ...(notes.length > 0 ? ["", ...notes] : [])].join("\n"),
    conclusion: errors === 0 ? "success" : "failure",
    annotations,
  };
}
