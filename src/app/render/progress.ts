/**
 * The live progress of a started request, as the check run and the sticky comment show it: per step its status, the
 * attempt, a link to its run, and its error or a summary of its outputs; and how the request ended (the merge, or
 * why it was cancelled). Made from the status record alone.
 */
import type { StatusRecord, StepStatus } from "../../fulfillment/status-record.js";

export interface StepProgressView {
  id: string;
  name: string;
  status: StepStatus;
  icon: string;
  /** "2 of 3" once attempted; "—" before. */
  attempt: string;
  runUrl: string | null;
  /** The latest attempt's error (`type: message`), or the outputs in short, or null. */
  result: string | null;
  /** A retry is due at this instant (ISO 8601). */
  nextAttemptAt: string | null;
}

export interface ProgressView {
  completed: boolean;
  failed: boolean;
  aborted: boolean;
  done: number;
  total: number;
  steps: StepProgressView[];
  /** The first step that failed for good, when the request failed, and the command that retries it. */
  failedStep: { id: string; name: string; retry: string } | null;
  merge: { merged: boolean; message: string | null } | null;
}

const ICONS: Record<StepStatus, string> = { pending: "⏸️", dispatched: "🕐", running: "🔄", completed: "✅", failed: "❌", skipped: "⏭️", cancelled: "🚫" };
const MAX_OUTPUT_KEYS = 5;

/** The progress of a request whose fulfilment has started; null before. */
export function progressView(record: StatusRecord | null): ProgressView | null {
  if (!record?.started_at) return null;
  const steps = record.fulfillment.steps.map((s): StepProgressView => {
    const latest = s.attempts[s.attempts.length - 1];
    const max = s.retry_policy?.max_attempts ?? record.fulfillment.retry_policy.max_attempts;
    return {
      id: s.step_id,
      name: s.name,
      status: s.status,
      icon: ICONS[s.status],
      attempt: latest ? `${latest.attempt_number} of ${Math.max(max, latest.attempt_number)}` : "—",
      runUrl: latest?.run_url ?? null,
      result: latest?.error ? `${latest.error.type}: ${latest.error.message}` : outputsSummary(s.outputs),
      nextAttemptAt: s.status === "pending" ? (s.next_attempt_at ?? null) : null,
    };
  });
  const failed = record.status === "failed" ? (steps.find((s) => s.status === "failed") ?? null) : null;
  return {
    completed: record.status === "completed",
    failed: record.status === "failed",
    aborted: record.status === "aborted",
    done: steps.filter((s) => s.status === "completed" || s.status === "skipped").length,
    total: steps.length,
    steps,
    failedStep: failed ? { id: failed.id, name: failed.name, retry: `/retry ${failed.id}` } : null,
    merge: record.merge ? { merged: record.merge.outcome === "merged", message: record.merge.message ?? null } : null,
  };
}

function outputsSummary(outputs: Record<string, unknown>): string | null {
  const keys = Object.keys(outputs);
  if (keys.length === 0) return null;
  const shown = keys.slice(0, MAX_OUTPUT_KEYS).map((k) => `${k}=${JSON.stringify(outputs[k])}`);
  return keys.length > MAX_OUTPUT_KEYS ? `${shown.join(", ")}, … (${keys.length} outputs)` : shown.join(", ");
}
