/**
 * What a decision asks the world to do, as data. Each effect carries the key that makes it idempotent; one
 * interpreter (src/app/effects.ts) performs them, and only after the commit that recorded the decision won.
 */
import type { MergeMethodName } from "./settings.js";

export type Effect =
  /** Dispatch an attempt's executor workflow on the default branch with exactly `pao_step` and `pao_payload`. */
  | { type: "dispatch"; key: string; workflow: string; ref: string; inputs: { pao_step: string; pao_payload: string } }
  /** Cancel a run that no longer serves its request (timed out, or the request ended); `force` stops `always()` jobs too. */
  | { type: "cancel-run"; key: string; runId: number; force: boolean }
  /** Merge the pull request if its head is still `sha`. */
  | { type: "merge"; key: string; pullRequest: number; sha: string; method: MergeMethodName }
  /** Look at the request again at this time (a backoff, a grace period or a timeout ends then). */
  | { type: "wake"; key: string; at: string };

export type EffectType = Effect["type"];
