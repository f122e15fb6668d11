/** The engine's settings: what the operator configures (environment) and the repository (`.github/pao.yml`). */

export type MergeMethodName = "merge" | "squash" | "rebase";

export interface EngineSettings {
  /** How long an attempt may go without a run before it fails with `dispatch_lost` (PAO_DISPATCH_GRACE_SECONDS). */
  dispatchGraceMs: number;
  merge: { enabled: boolean; method: MergeMethodName };
}

export const DEFAULT_TIMEOUT = "60m";
export const DEFAULT_QUEUE_TIMEOUT = "30m";
