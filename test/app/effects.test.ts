/**
 * The effect interpreter's reading of GitHub's answer to a dispatch: only a clear refusal (the workflow is missing or
 * refuses the inputs) is an answer the next pass records as such; a 5xx, a 429, a 403 that may be a rate limit or no
 * answer at all is ambiguous — a run may have started — so nothing is recorded and the run is looked up by title.
 * The dispatch goes out without a look-up first: only the writer whose commit of the intent won performs it.
 */
import { describe, expect, it } from "vitest";
import { DispatchAnswers } from "../../src/app/dispatch-answers.js";
import { performEffects, type EffectsPort } from "../../src/app/effects.js";
import { Timers } from "../../src/app/timers.js";
import type { Effect } from "../../src/fulfillment/effects.js";

const KEY = "req-0123456789ab/step-001/1";
const DISPATCH: Effect = { type: "dispatch", key: KEY, workflow: "pao-http.yml", ref: "main", inputs: { pao_step: KEY, pao_payload: "{}" } };

const httpError = (status: number, message: string) => Object.assign(new Error(message), { status, response: { data: { message } } });

function interpret(dispatch: () => Promise<{ runId: number | null }>) {
  const answers = new DispatchAnswers();
  const warnings: object[] = [];
  const calls: string[] = [];
  const gateway = {
    dispatchWorkflow: async () => (calls.push("dispatch"), dispatch()),
    cancelRun: async () => undefined,
    mergePullRequest: async () => ({ merged: true, sha: "m" }),
  } as unknown as EffectsPort;
  const deps = { gateway, answers, timers: new Timers(), wake: () => undefined, now: () => new Date(), log: { warn: (d: object) => warnings.push(d) } };
  return { run: () => performEffects(deps, [DISPATCH]), answers, warnings, calls };
}

describe("performing a dispatch", () => {
  it("notes the run id GitHub answers with", async () => {
    const world = interpret(async () => ({ runId: 4242 }));
    expect(await world.run()).toEqual({ dispatched: true });
    expect(world.answers.get(KEY)).toEqual({ runId: 4242 });
  });

  it("notes a clear refusal (400, 404, 422) with GitHub's reason", async () => {
    for (const status of [400, 404, 422]) {
      const world = interpret(async () => Promise.reject(httpError(status, "Unexpected inputs provided")));
      await world.run();
      expect(world.answers.get(KEY)).toEqual({ refused: `${status} Unexpected inputs provided` });
    }
  });

  it("records nothing for an ambiguous answer (5xx, 429, 403, a time-out), so the run is looked up by its title", async () => {
    const ambiguous = [httpError(502, "Bad Gateway"), httpError(503, "Unavailable"), httpError(429, "Too Many Requests"), httpError(403, "secondary rate limit"), new Error("This operation was aborted")];
    for (const error of ambiguous) {
      const world = interpret(async () => Promise.reject(error));
      expect(await world.run()).toEqual({ dispatched: true });
      expect(world.answers.get(KEY), error.message).toBeUndefined();
      expect(world.warnings).toHaveLength(1);
    }
  });

  it("sends the dispatch straight away: the committed intent is the guard, not a look-up of runs", async () => {
    const world = interpret(async () => ({ runId: 5 }));
    await world.run();
    expect(world.calls).toEqual(["dispatch"]);
  });
});
