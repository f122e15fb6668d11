/**
 * When the next automatic attempt of a failed step is due: `initial_delay` (default 30 s) grown by the policy's
 * strategy, with up to ±10 % jitter so steps that failed together do not retry in lockstep. The jitter comes from
 * the attempt's key, not a random source, so deciding twice gives the same time (the state machine is pure).
 */
import { createHash } from "node:crypto";
import type { RetryPolicy } from "../catalog/schema.js";
import { durationMs } from "./durations.js";

const MAX_DELAY_MS = 3_600_000;

export function backoffMs(policy: Pick<RetryPolicy, "backoff_strategy"> & { initial_delay?: string | null | undefined }, failedAttempts: number, key: string): number {
  const initial = durationMs(policy.initial_delay ?? "30s");
  const n = Math.max(1, failedAttempts);
  const base = policy.backoff_strategy === "exponential" ? initial * 2 ** (n - 1) : policy.backoff_strategy === "linear" ? initial * n : initial;
  const unit = createHash("sha256").update(key).digest().readUInt32BE(0) / 0xffffffff;
  return Math.round(Math.min(MAX_DELAY_MS, base) * (0.9 + 0.2 * unit));
}
