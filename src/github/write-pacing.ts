/**
 * How fast pao writes to GitHub. Octokit's throttling plugin (bundled with Probot) spaces writes a second apart, as
 * GitHub asks of integrations, through one process-wide Bottleneck group. PAO_WRITE_INTERVAL_MS sets that spacing;
 * the plugin takes a group of our own for its `write` limiter, and keeps its handling of rate-limit answers.
 */
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";

/** Probot's Octokit with writes at most one per `writeIntervalMs` (one at a time, as the plugin does). */
export function pacedOctokit(writeIntervalMs: number): typeof ProbotOctokit {
  const write = new Bottleneck.Group({ id: "pao-write", maxConcurrent: 1, minTime: writeIntervalMs });
  // A function default, so the throttle options Probot passes (its rate-limit handlers) are kept beside ours.
  return ProbotOctokit.defaults((options: Record<string, unknown> & { throttle?: object }) => ({
    ...options,
    throttle: { ...options.throttle, write },
  })) as typeof ProbotOctokit;
}
