/**
 * Whether pao merges a pull request now (DESIGN.md, "Completion"): once every request it orders is completed, with
 * the method `.github/pao.yml` sets, and only the head fulfilment started from — a pull request that changed since
 * is left to a person. A merge GitHub refused is not tried again for the same head.
 */
import type { Effect } from "./effects.js";
import type { EngineSettings } from "./settings.js";
import type { StatusRecord } from "./status-record.js";

export type MergeDecision =
  | { type: "merge"; effect: Extract<Effect, { type: "merge" }> }
  | { type: "refuse"; sha: string; message: string }
  /** Merged already, and not recorded (pao stopped between its merge and the record): only the record is written. */
  | { type: "record-merged"; sha: string }
  | { type: "none" };

export function decideMerge(
  records: readonly StatusRecord[],
  pr: { number: number; state: "open" | "closed"; merged?: boolean; headSha: string },
  settings: EngineSettings,
): MergeDecision {
  if (!settings.merge.enabled || records.length === 0 || !records.every((r) => r.status === "completed")) return { type: "none" };
  if (records.some((r) => r.merge?.sha === pr.headSha)) return { type: "none" };
  if (pr.merged) return records.every((r) => r.merge === null || r.merge === undefined) ? { type: "record-merged", sha: pr.headSha } : { type: "none" };
  if (pr.state !== "open") return { type: "none" };
  const fulfilledFor = [...new Set(records.map((r) => r.head_sha ?? pr.headSha))];
  if (fulfilledFor.length !== 1 || fulfilledFor[0] !== pr.headSha) {
    return {
      type: "refuse",
      sha: pr.headSha,
      message: `the pull request changed after fulfilment started (its head is ${pr.headSha.slice(0, 7)}, fulfilment started at ${fulfilledFor.map((s) => s.slice(0, 7)).join(", ")}); a person reviews and merges it`,
    };
  }
  return { type: "merge", effect: { type: "merge", key: `pull/${pr.number}/${pr.headSha}`, pullRequest: pr.number, sha: pr.headSha, method: settings.merge.method } };
}
