/**
 * How fast pao writes to GitHub. Octokit's throttling plugin (bundled with Probot) spaces writes a second apart, as
 * GitHub asks of integrations, and writes that notify people (comments, merges, reviews) three seconds apart,
 * through process-wide Bottleneck groups. PAO_WRITE_INTERVAL_MS sets the first spacing and the second at three
 * times it: the plugin takes groups of our own for its `write` and `notifications` limiters, and keeps its handling
 * of rate-limit answers.
 */
import Bottleneck from "bottleneck/light.js";
import { ProbotOctokit } from "probot";

/** The plugin's ratio between the spacing of notifying writes and of all writes (3 s to 1 s). */
const NOTIFYING_FACTOR = 3;

/** Probot's Octokit with writes at most one per `writeIntervalMs`, notifying ones one per three (as the plugin does). */
export function pacedOctokit(writeIntervalMs: number): typeof ProbotOctokit {
  const write = new Bottleneck.Group({ id: "pao-write", maxConcurrent: 1, minTime: writeIntervalMs });
  const notifications = new Bottleneck.Group({ id: "pao-notifications", maxConcurrent: 1, minTime: writeIntervalMs * NOTIFYING_FACTOR });
  // A function default, so the throttle options Probot passes (its rate-limit handlers) are kept beside ours.
  return ProbotOctokit.defaults((options: Record<string, unknown> & { throttle?: object }) => ({
    ...options,
    throttle: { ...options.throttle, write, notifications },
  })) as typeof ProbotOctokit;
}
