/** What a benchmark returns, and how the runner prints it. */

export type Verdict = "PASS" | "MISS";

export interface Row {
  /** Which benchmark case, e.g. "1,000 items". */
  case: string;
  metric: string;
  value: string;
  /** The target, as text ("<= 2.0"), when the figure has one. */
  target?: string;
  verdict?: Verdict;
}

export interface BenchmarkReport {
  name: string;
  rows: Row[];
  /** What the figures mean: how they were measured, what is included. Printed under the table. */
  notes: string[];
}

export interface BenchmarkContext {
  /** Fewer cases and runs: a smoke run that still exercises every measurement. */
  quick: boolean;
  /** Override the number of timed runs of the expensive measurements. */
  runs?: number;
  /** Progress, printed to stderr so that stdout holds only the report. */
  log(message: string): void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchmarkContext): Promise<BenchmarkReport>;
}

/** A ratio against a "<= limit" target. */
export function ratioRow(kase: string, metric: string, ratio: number, limit: number, digits = 2): Row {
  return { case: kase, metric, value: `${ratio.toFixed(digits)}x`, target: `<= ${Number.isInteger(limit) ? limit.toFixed(1) : limit}`, verdict: ratio <= limit ? "PASS" : "MISS" };
}

/** A ratio against a ">= limit" target (higher is better, e.g. throughput relative to a baseline). */
export function atLeastRow(kase: string, metric: string, ratio: number, limit: number, digits = 2): Row {
  return { case: kase, metric, value: `${ratio.toFixed(digits)}x`, target: `>= ${Number.isInteger(limit) ? limit.toFixed(1) : limit}`, verdict: ratio >= limit ? "PASS" : "MISS" };
}

export function formatTable(rows: readonly Row[], benchmarkColumn?: readonly string[]): string {
  const header = [...(benchmarkColumn ? ["benchmark"] : []), "case", "metric", "value", "target", "result"];
  const body = rows.map((r, i) => [...(benchmarkColumn ? [benchmarkColumn[i] ?? ""] : []), r.case, r.metric, r.value, r.target ?? "", r.verdict ?? ""]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}
