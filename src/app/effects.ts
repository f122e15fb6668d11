/**
 * The one interpreter of effects. It runs after the commit that recorded the decision, and only for the writer whose
 * commit won, so every effect it performs is backed by a recorded intent; each is idempotent by its key.
 */
import type { Effect } from "../fulfillment/effects.js";
import type { GitHubGateway, MergeOutcome } from "../github/gateway.js";
import { statusOf } from "../github/client.js";
import type { DispatchAnswers } from "./dispatch-answers.js";
import type { Timers } from "./timers.js";

export type EffectsPort = Pick<GitHubGateway, "dispatchWorkflow" | "cancelRun" | "mergePullRequest">;

export interface EffectDeps {
  gateway: EffectsPort;
  answers: DispatchAnswers;
  timers: Timers;
  /** Schedules another pass of the pull request the effects came from. */
  wake: () => void;
  now: () => Date;
  log: { warn(details: object, message: string): void };
}

export interface EffectOutcomes {
  /** A dispatch was sent (or its fate is unknown): the next pass should look at its run. */
  dispatched: boolean;
  merge?: { sha: string; outcome: MergeOutcome };
}

/** Statuses of a dispatch that say GitHub did not and will not start a run (a 403 may be a rate limit: ambiguous). */
const REFUSED = new Set([400, 401, 404, 410, 422]);

export async function performEffects(deps: EffectDeps, effects: readonly Effect[]): Promise<EffectOutcomes> {
  const outcomes: EffectOutcomes = { dispatched: false };
  for (const effect of effects) {
    switch (effect.type) {
      case "dispatch":
        await dispatch(deps, effect);
        outcomes.dispatched = true;
        break;
      case "cancel-run":
        await deps.gateway.cancelRun(effect.runId, effect.force).catch((error: unknown) => deps.log.warn({ status: statusOf(error), key: effect.key }, "pao: cancelling a run failed"));
        break;
      case "merge":
        outcomes.merge = { sha: effect.sha, outcome: await deps.gateway.mergePullRequest(effect.pullRequest, effect.sha, effect.method) };
        break;
      case "wake":
        deps.timers.wakeAt(effect.key, effect.at, deps.wake);
        break;
    }
  }
  return outcomes;
}

/**
 * Dispatches an attempt and notes GitHub's answer for the next pass. It is sent at once, without looking for a run
 * first: the attempt's intent was just committed by this writer alone (compare-and-swap), and an attempt whose
 * intent is on record is never dispatched again, so no run can be there yet. A 5xx, 429 or a time-out is ambiguous
 * — a run may have started — so the next pass looks for the run by its title, and the attempt fails as
 * `dispatch_lost` if none appears in the grace period.
 */
async function dispatch(deps: EffectDeps, effect: Extract<Effect, { type: "dispatch" }>): Promise<void> {
  const { gateway } = deps;
  try {
    const answer = await gateway.dispatchWorkflow(effect.workflow, effect.ref, effect.inputs);
    if (answer.runId !== null) deps.answers.set(effect.key, { runId: answer.runId });
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && REFUSED.has(status)) {
      const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message;
      deps.answers.set(effect.key, { refused: `${status} ${message}` });
      return;
    }
    deps.log.warn({ status, key: effect.key }, "pao: a dispatch got no clear answer; its run will be looked up by title");
  }
}
