/**
 * The Octokit pao's Probot uses: Probot's own, with its throttling and retry plugins turned off and pao's request
 * policy (request-policy.ts: write spacing, concurrency, retries, rate limits) in their place.
 */
import { ProbotOctokit } from "probot";
import { requestPolicy, type RequestPolicyOptions } from "./request-policy.js";

export function paoOctokit(options: RequestPolicyOptions): typeof ProbotOctokit {
  // A function default, so whatever else Probot passes (its logger, auth, base URL) is kept.
  const withoutPlugins = ProbotOctokit.defaults((given: Record<string, unknown>) => ({
    ...given,
    throttle: { ...(given["throttle"] as object | undefined), enabled: false },
    retry: { ...(given["retry"] as object | undefined), enabled: false },
  })) as typeof ProbotOctokit;
  return withoutPlugins.plugin(requestPolicy(options) as never) as typeof ProbotOctokit;
}
