/**
 * Fulfilment under a steady rain of faults (issue 11): well over a thousand dispatches across many orders, while
 * GitHub answers 5xx, 409 and 422, times out on dispatches, loses answers after doing the work, fails run look-ups
 * and status writes, and pao itself is killed with SIGKILL now and then — at random moments, and right as a
 * dispatch reaches GitHub. Runs fail now and then too (each step retries by its policy).
 *
 * What must hold at the end: no (step, attempt) ever had two runs; every order ended `completed` (its pull request
 * merged once) or `failed` by its policy (a step that spent its attempts); GitHub's description was kept throughout.
 * Faults come on every Nth matching call (prime periods, so they fall on different requests), outcomes and timings
 * from a seeded generator: a failure replays.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../sim/index.js";
import { completeRun, startRun } from "../sim/groups/actions.js";
import { parse } from "yaml";
import { recordPath } from "../../src/app/status-writer.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { until } from "./github-world.js";
import { idOf, requestKit, useRequestWorld } from "./request-kit.js";
import { fulfilmentKit, httpItem } from "./fulfilment-kit.js";
import { seeded } from "../helpers/seeded.js";

const ORDERS = 110;
const MIN_DISPATCHES = 1000;
const MAX_ATTEMPTS = 5;
const KILLS = 6;
const SEED = 20261207;
const GRACE_SECONDS = 8;

const world = useRequestWorld({
  PAO_WRITE_INTERVAL_MS: "0",
  PAO_DISPATCH_GRACE_SECONDS: String(GRACE_SECONDS),
  PAO_DISPATCH_TIMEOUT_SECONDS: "2",
  PAO_RECONCILE_INTERVAL_SECONDS: "2",
  LOG_LEVEL: "error",
});
const { recordOn } = requestKit(world);
const statusOf = statusReader(world);
const { publishItem } = fulfilmentKit(world, recordOn);

const MIDDLE = ["network", "storage", "dns", "certificate", "backup", "monitoring"];
const CHAOS_ITEM = httpItem({
  name: "chaos-demo",
  description: "Eight HTTP steps — one, six side by side, one — for the fault-injection test",
  parallelLimit: 3,
  maxAttempts: MAX_ATTEMPTS,
  steps: [{ name: "create" }, ...MIDDLE.map((name) => ({ name, dependsOn: ["create"] })), { name: "announce", dependsOn: MIDDLE }],
});


/** GitHub's faults, each on every Nth matching call. */
function injectFaults(): void {
  const { sim } = world();
  // Dispatches: the work done but the answer lost (502), refused before any work (502, 409), answered too late.
  sim.fault({ match: "actions/create-workflow-dispatch", status: 502, afterWork: true, every: 9 });
  sim.fault({ match: "actions/create-workflow-dispatch", status: 502, every: 13 });
  sim.fault({ match: "actions/create-workflow-dispatch", status: 409, every: 19 });
  sim.fault({ match: "actions/create-workflow-dispatch", answerAfterWorkMs: 4_000, every: 17 });
  // Run look-ups.
  sim.fault({ match: "actions/get-workflow-run", status: 502, every: 11 });
  sim.fault({ match: "actions/list-workflow-runs", status: 500, every: 7 });
  sim.fault({ match: "actions/list-workflow-run-artifacts", status: 503, every: 10 });
  // Status writes: a lost race (422), a conflict (409), server errors before and after the work; one record changes
  // by a contents call, several by tree, commit and ref.
  sim.fault({ match: "repos/create-or-update-file-contents", status: 409, every: 6 });
  sim.fault({ match: "repos/create-or-update-file-contents", status: 422, every: 23 });
  sim.fault({ match: "repos/create-or-update-file-contents", status: 502, afterWork: true, every: 29 });
  sim.fault({ match: "repos/create-or-update-file-contents", status: 502, every: 17 });
  sim.fault({ match: "git/update-ref", status: 422, every: 6 });
  sim.fault({ match: "git/update-ref", status: 409, every: 23 });
  sim.fault({ match: "git/update-ref", status: 502, afterWork: true, every: 29 });
  sim.fault({ match: "git/create-commit", status: 500, every: 15 });
  sim.fault({ match: "git/create-tree", status: 502, every: 14 });
  // Reading the pull request.
  sim.fault({ match: "pulls/get", status: 502, every: 31 });
}

/** GitHub's runners: each queued run starts and ends after a short random while; one in six fails. */
function startRunners(random: () => number): { stop(): void } {
  const taken = new Set<number>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const poll = setInterval(() => {
    const { sim, repo } = world();
    for (const run of repo.runs.values()) {
      if (run.status !== "queued" || taken.has(run.id)) continue;
      taken.add(run.id);
      const fails = random() < 1 / 6;
      later(random() * 300, () => {
        if (run.status !== "queued") return; // cancelled meanwhile
        startRun(sim, repo, run.id);
        later(random() * 600, () => {
          if (run.status === "in_progress") completeRun(sim, repo, run.id, { conclusion: fails ? "failure" : "success" });
        });
      });
    }
  }, 50);
  return {
    stop() {
      clearInterval(poll);
      for (const t of timers) clearTimeout(t);
    },
  };
}

const ENDED = new Set(["completed", "failed", "cancelled", "aborted"]);

/** Each record's status as the status branch holds it, parsed once per version of its file (hundreds are polled). */
function statusReader(current: () => { repo: { refs: Map<string, string>; store: { fileAt(c: string, p: string): { sha: string; content: Buffer } | null } } }) {
  const parsed = new Map<string, StatusRecord>();
  return (id: string): StatusRecord | undefined => {
    const { repo } = current();
    const head = repo.refs.get("heads/pao-status");
    const file = head ? repo.store.fileAt(head, recordPath(id)) : null;
    if (!file) return undefined;
    let record = parsed.get(file.sha);
    if (!record) parsed.set(file.sha, (record = StatusRecord.parse(parse(file.content.toString("utf8")))));
    return record;
  };
}

describe("fulfilment under faults", { timeout: 2_400_000 }, () => {
  it(`dispatches at least ${MIN_DISPATCHES} times across ${ORDERS} orders with faults and kills: no attempt runs twice, no order is stuck`, async () => {
    await publishItem(CHAOS_ITEM, "catalog/compute/chaos-demo.yaml");
    const random = seeded(SEED);
    const runners = startRunners(random);
    injectFaults();

    const { sim, repo } = world();
    const ids: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const label = `chaos-${String(i).padStart(3, "0")}`;
      const path = `requests/product-team/${label}.yaml`;
      const pull = openPullRequest(sim, repo, { author: "dev-user", branch: label, title: `Order ${label}`, files: { [path]: `catalog_item: chaos-demo\nversion: "1.0.0"\nparameters:\n  label: ${label}\n` } });
      ids.push(idOf(path, pull.number));
      // Orders come in over a while, not all in one instant.
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 1000));
    }

    // Kills: at a random moment, or as soon as a dispatch reaches GitHub (its answer then never reaches pao).
    const dispatches = () => sim.calls.filter((c) => c.operationId === "actions/create-workflow-dispatch").length;
    let kills = 0;
    const allEnded = () => ids.every((id) => ENDED.has(statusOf(id)?.status ?? "none"));
    while (kills < KILLS && !allEnded()) {
      await new Promise((r) => setTimeout(r, 5_000 + random() * 10_000));
      if (kills % 2 === 1) {
        const before = dispatches();
        await until(() => dispatches() > before || allEnded(), "a dispatch to kill pao at", 120_000);
      }
      if (allEnded()) break;
      await world().pao.kill();
      kills++;
      await world().restart();
    }

    const ended = await until(() => (allEnded() ? ids.map((id) => statusOf(id)!) : undefined), `all ${ORDERS} orders ended`, 1_200_000);
    runners.stop();
    sim.clearFaults();
    await sim.webhooks.settled();

    const byStatus = new Map<string, number>();
    for (const r of ended) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    console.info(`chaos: ${dispatches()} dispatches, ${repo.runs.size} runs, ${kills} kills, orders ${JSON.stringify(Object.fromEntries(byStatus))}`);

    // No (step, attempt) had two runs.
    const runsByAttempt = new Map<string, number>();
    for (const run of repo.runs.values()) runsByAttempt.set(run.display_title, (runsByAttempt.get(run.display_title) ?? 0) + 1);
    const twice = [...runsByAttempt].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    expect(dispatches()).toBeGreaterThanOrEqual(MIN_DISPATCHES);
    expect(kills).toBe(KILLS);

    // Each order completed and merged, or failed by its policy: a step that spent every attempt on failures.
    const spent = (r: StatusRecord) => r.fulfillment.steps.some((s) => s.status === "failed" && s.attempts.length >= MAX_ATTEMPTS && s.attempts.every((a) => a.status === "failed"));
    const stuck = ended.filter((r) => !(r.status === "completed" || (r.status === "failed" && spent(r))));
    expect(stuck.map((r) => `${r.request_id}: ${r.status}`)).toEqual([]);
    const completed = ended.filter((r) => r.status === "completed");
    const unmerged = () => completed.filter((r) => !repo.pulls.get(r.pull_request!)?.merged);
    // Merges come last; a hundred of them take a few minutes on a two-core machine.
    await until(() => unmerged().length === 0, "every completed order merged", 900_000).catch(() => undefined);
    expect(unmerged().map((r) => `#${r.pull_request}: merge ${JSON.stringify(statusOf(r.request_id)?.merge ?? null)}, pull request ${repo.pulls.get(r.pull_request!)?.state}`)).toEqual([]);
    const merges = sim.calls.filter((c) => c.operationId === "pulls/merge" && c.status === 200).length;
    expect(merges).toBe(ended.filter((r) => r.status === "completed").length);
  });
});
