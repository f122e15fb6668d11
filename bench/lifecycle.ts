/**
 * What a request costs in GitHub calls, and how fast pao reacts (issue 11): the real pao (`node dist/main.js`, as a
 * GitHub App) against the simulator, with an item of three HTTP steps in a chain. A "runner" in this process starts
 * and completes every run pao dispatches.
 *
 *   alone      requests one after another, each left to finish (fulfilled, merged, quiet) before the next: the
 *              baseline cost of one request, and event-to-dispatch latency on an idle pao
 *   at load    fifty requests opened together, all left to finish: calls per request by class (reads, writes,
 *              content-creating), status commits per request, each against the baseline as a ratio; targets at
 *              that load <= 30 calls and <= 12 writes (content-creating included) per request
 *   latency    every GitHub call held 2 s (a slow GitHub): how long pao takes to answer a webhook (target < 1 s)
 *
 * Event-to-dispatch: from the delivery of the event that made a step ready (the pull request opened for the first
 * step, the previous step's workflow_run completed for the others) to the dispatch arriving at the simulator; no
 * simulated latency (target p99 <= 50 ms). Its baseline is the round trip of one webhook delivery in the same run.
 *
 * pao runs with PAO_WRITE_INTERVAL_MS=0: at the default one write a second the figures would measure the pacing,
 * not pao. Only calls made with the installation's token count (the installation's 5,000 an hour); the app's own
 * calls to issue tokens are not part of that budget.
 */
import { performance } from "node:perf_hooks";
import { commitFiles, completeRun, openPullRequest, startRun } from "../test/sim/index.js";
import type { CallRecord } from "../test/sim/types.js";
import { httpItem } from "../test/e2e/fulfilment-kit.js";
import { quietFor, startGitHubWorld, until, type GitHubWorld } from "../test/e2e/github-world.js";
import { atLeastRow, ratioRow, type Benchmark, type BenchmarkContext, type BenchmarkReport, type Row } from "./report.js";
import { percentile } from "./stats.js";

const ITEM_PATH = "catalog/compute/bench-chain.yaml";
const ITEM = httpItem({
  name: "bench-chain",
  description: "Three HTTP steps in a chain, for the lifecycle benchmark",
  steps: [{ name: "create" }, { name: "configure", type: "HttpPut", dependsOn: ["create"] }, { name: "announce", dependsOn: ["configure"] }],
});
const STEPS = ["step-001", "step-002", "step-003"] as const;
const HOURLY_CALLS = 5000;
const CONTENT_CREATING_PER_MINUTE = 80;
const CALLS_TARGET = 30;
const WRITES_TARGET = 12;
const P99_TARGET_MS = 50;
const WEBHOOK_ANSWER_TARGET_MS = 1000;
const SLOW_GITHUB_MS = 2000;

interface Order {
  number: number;
  label: string;
}

interface Cost {
  requests: number;
  calls: number;
  reads: number;
  writes: number;
  contentCreating: number;
  commits: number;
  conflicts: number;
  seconds: number;
}

export const lifecycleBenchmark: Benchmark = {
  name: "lifecycle",
  description: "GitHub calls per request alone and at load, event-to-dispatch latency, webhook answers on a slow GitHub",
  async run(ctx: BenchmarkContext): Promise<BenchmarkReport> {
    const alone = ctx.quick ? 2 : 5;
    const atLoad = ctx.quick ? 10 : 50;
    const world = await startGitHubWorld({ env: { PAO_WRITE_INTERVAL_MS: "0", LOG_LEVEL: "error" } });
    try {
      return await measure(world, ctx, alone, atLoad);
    } finally {
      await world.stop();
    }
  },
};

async function measure(world: GitHubWorld, ctx: BenchmarkContext, alone: number, atLoad: number): Promise<BenchmarkReport> {
  const { sim, repo } = world;
  const dispatchedAt = new Map<string, number>();
  sim.onCall = (call, body) => {
    if (call.operationId !== "actions/create-workflow-dispatch" || call.status >= 300) return;
    const step = (body as { inputs?: { pao_step?: string } } | undefined)?.inputs?.pao_step;
    if (step && !dispatchedAt.has(step)) dispatchedAt.set(step, call.receivedAt);
  };
  const runner = startRunner(world);
  try {
    commitFiles(sim, repo, repo.defaultBranch, { [ITEM_PATH]: ITEM }, { message: "Add the benchmark item" });
    await until(async () => {
      const res = await fetch(`${world.pao.api}/catalog/items/bench-chain`, { headers: { authorization: `Bearer ${sim.user("dev-user").token}` } });
      return res.ok;
    }, "pao to serve bench-chain", 60_000);
    await quietFor(world);

    // A fresh process's first calls open connections and compile code: one order first, left out of every figure.
    ctx.log("lifecycle: one warm-up request");
    await finished(world, [openOrder(world, "warm-up")]);
    await quietFor(world);

    ctx.log(`lifecycle: ${alone} requests one after another`);
    const aloneOrders: Order[] = [];
    const aloneFrom = sim.calls.length;
    const aloneStarted = performance.now();
    for (let i = 0; i < alone; i++) {
      const order = openOrder(world, `alone-${i}`);
      aloneOrders.push(order);
      await finished(world, [order]);
      await quietFor(world);
    }
    const baseline = costOf(sim.calls.slice(aloneFrom), alone, aloneStarted);
    const aloneLatency = eventToDispatch(world, aloneOrders, dispatchedAt);
    const roundTrip = sim.webhooks.deliveries.filter((d) => d.ms !== undefined && d.event === "workflow_run").map((d) => d.ms!);

    ctx.log(`lifecycle: ${atLoad} requests at once`);
    const loadFrom = sim.calls.length;
    const loadStarted = performance.now();
    const loadOrders = Array.from({ length: atLoad }, (_, i) => openOrder(world, `load-${i}`));
    await finished(world, loadOrders);
    await quietFor(world);
    const load = costOf(sim.calls.slice(loadFrom), atLoad, loadStarted);
    const loadLatency = eventToDispatch(world, loadOrders, dispatchedAt);

    ctx.log(`lifecycle: every GitHub call held ${SLOW_GITHUB_MS} ms`);
    sim.fault({ match: "*", latencyMs: SLOW_GITHUB_MS });
    const slowFrom = sim.webhooks.deliveries.length;
    openOrder(world, "slow-github");
    // The pull request's events, and pao's own check and comment events as they come back.
    await new Promise((r) => setTimeout(r, 4 * SLOW_GITHUB_MS));
    await sim.webhooks.settled();
    sim.clearFaults();
    const slowAnswers = sim.webhooks.deliveries.slice(slowFrom).filter((d) => d.ms !== undefined).map((d) => d.ms!);

    return report(baseline, load, aloneLatency, loadLatency, median(roundTrip), slowAnswers);
  } finally {
    runner.stop();
    sim.onCall = undefined;
  }
}

/** Acts as GitHub's runners: every queued run is started and completed with success a moment later. */
function startRunner(world: GitHubWorld): { stop(): void } {
  const seen = new Set<number>();
  const timer = setInterval(() => {
    for (const run of world.repo.runs.values()) {
      if (run.status !== "queued" || seen.has(run.id)) continue;
      seen.add(run.id);
      startRun(world.sim, world.repo, run.id);
      completeRun(world.sim, world.repo, run.id, { conclusion: "success" });
    }
  }, 20);
  return { stop: () => clearInterval(timer) };
}

function openOrder(world: GitHubWorld, label: string): Order {
  const path = `requests/product-team/${label}.yaml`;
  const pull = openPullRequest(world.sim, world.repo, {
    author: "dev-user",
    branch: label,
    title: `Order ${label}`,
    files: { [path]: `catalog_item: bench-chain\nversion: "1.0.0"\nparameters:\n  label: ${label}\n` },
  });
  return { number: pull.number, label };
}

/** Until every order's pull request is merged (pao merges once every step completed). */
async function finished(world: GitHubWorld, orders: readonly Order[]): Promise<void> {
  await until(() => orders.every((o) => world.repo.pulls.get(o.number)?.merged), `${orders.length} orders fulfilled and merged`, 30 * 60_000);
}


function costOf(calls: readonly CallRecord[], requests: number, started: number): Cost {
  const mine = calls.filter((c) => c.caller === "installation");
  // A status commit moves the ref (tree, commit, swap), or is one contents call (a single record).
  const refUpdate = (c: CallRecord) => c.operationId === "git/update-ref" || c.operationId === "git/create-ref" || c.operationId === "repos/create-or-update-file-contents";
  return {
    requests,
    calls: mine.length,
    reads: mine.filter((c) => c.class === "read").length,
    writes: mine.filter((c) => c.class !== "read").length,
    contentCreating: mine.filter((c) => c.class === "content-creating").length,
    commits: mine.filter((c) => refUpdate(c) && c.status < 300).length,
    conflicts: mine.filter((c) => refUpdate(c) && (c.status === 422 || c.status === 409)).length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Milliseconds from the event that made each step ready to its dispatch reaching GitHub. */
function eventToDispatch(world: GitHubWorld, orders: readonly Order[], dispatchedAt: ReadonlyMap<string, number>): number[] {
  const deliveries = world.sim.webhooks.deliveries;
  const out: number[] = [];
  for (const order of orders) {
    const opened = deliveries.find((d) => d.event === "pull_request" && d.action === "opened" && (d.payload["pull_request"] as { number: number }).number === order.number);
    const requestOf = [...dispatchedAt.keys()].find((k) => k.endsWith("/step-001/1") && runTitleOf(world, k)?.label === order.label);
    if (!opened?.sentAt || !requestOf) throw new Error(`the benchmark lost track of ${order.label}`);
    const id = requestOf.split("/")[0]!;
    let ready = opened.sentAt;
    for (const step of STEPS) {
      const key = `${id}/${step}/1`;
      const at = dispatchedAt.get(key);
      if (at === undefined) throw new Error(`${key} was never dispatched (or not as attempt 1)`);
      out.push(at - ready);
      const run = [...world.repo.runs.values()].find((r) => r.display_title === `pao ${key}`);
      const completed = deliveries.find((d) => d.event === "workflow_run" && d.action === "completed" && (d.payload["workflow_run"] as { id: number }).id === run?.id);
      if (!completed?.sentAt) throw new Error(`no completion delivered for ${key}`);
      ready = completed.sentAt;
    }
  }
  return out;
}

/** The order a dispatched attempt belongs to, from the label in its payload. */
function runTitleOf(world: GitHubWorld, key: string): { label: string } | undefined {
  const run = [...world.repo.runs.values()].find((r) => r.display_title === `pao ${key}`);
  const payload = run?.inputs["pao_payload"];
  return payload ? { label: (JSON.parse(payload) as { body: { label: string } }).body.label } : undefined;
}

function median(samples: readonly number[]): number {
  return samples.length === 0 ? NaN : percentile(samples, 50);
}

function report(baseline: Cost, load: Cost, aloneLatency: number[], loadLatency: number[], roundTripMs: number, slowAnswers: number[]): BenchmarkReport {
  const per = (cost: Cost, n: number) => n / cost.requests;
  const rows: Row[] = [];
  const alone = `1 request alone (mean of ${baseline.requests})`;
  const loaded = `${load.requests} requests at once`;
  for (const [metric, pick] of [
    ["calls per request", (c: Cost) => c.calls],
    ["reads per request", (c: Cost) => c.reads],
    ["writes per request", (c: Cost) => c.writes],
    ["content-creating per request", (c: Cost) => c.contentCreating],
    ["status commits per request", (c: Cost) => c.commits],
  ] as const) {
    rows.push({ case: alone, metric, value: per(baseline, pick(baseline)).toFixed(1) });
    const value = per(load, pick(load));
    const target = metric === "calls per request" ? CALLS_TARGET : metric === "writes per request" ? WRITES_TARGET : undefined;
    rows.push({ case: loaded, metric, value: value.toFixed(1), ...(target !== undefined ? { target: `<= ${target}`, verdict: value <= target ? "PASS" : "MISS" } : {}) });
    rows.push({ case: `${loaded} / alone`, metric, value: `${(value / per(baseline, pick(baseline))).toFixed(2)}x` });
  }
  rows.push({ case: loaded, metric: "compare-and-swap conflicts per request", value: per(load, load.conflicts).toFixed(2) });
  const p50 = percentile(aloneLatency, 50);
  const p99 = percentile(aloneLatency, 99);
  rows.push({ case: alone, metric: "event-to-dispatch p50", value: `${p50.toFixed(0)} ms` });
  rows.push({ case: alone, metric: "event-to-dispatch p99", value: `${p99.toFixed(0)} ms`, target: `<= ${P99_TARGET_MS} ms`, verdict: p99 <= P99_TARGET_MS ? "PASS" : "MISS" });
  // The 50 ms target as a ratio to this run's webhook round trip (one decimal, as printed).
  rows.push(ratioRow(alone, "event-to-dispatch p99 / webhook round trip", p99 / roundTripMs, Math.round((10 * P99_TARGET_MS) / Math.max(roundTripMs, 1)) / 10, 1));
  rows.push({ case: loaded, metric: "event-to-dispatch p50", value: `${percentile(loadLatency, 50).toFixed(0)} ms` });
  rows.push({ case: loaded, metric: "event-to-dispatch p99", value: `${percentile(loadLatency, 99).toFixed(0)} ms` });
  const slowest = Math.max(...slowAnswers);
  rows.push({ case: `GitHub answering in ${SLOW_GITHUB_MS / 1000} s`, metric: `slowest webhook answer (of ${slowAnswers.length})`, value: `${slowest} ms`, target: `< ${WEBHOOK_ANSWER_TARGET_MS} ms`, verdict: slowest < WEBHOOK_ANSWER_TARGET_MS ? "PASS" : "MISS" });
  rows.push(atLeastRow(`GitHub answering in ${SLOW_GITHUB_MS / 1000} s`, "GitHub latency / slowest webhook answer", SLOW_GITHUB_MS / slowest, SLOW_GITHUB_MS / WEBHOOK_ANSWER_TARGET_MS, 1));
  const byCalls = HOURLY_CALLS / per(load, load.calls);
  const byContent = (CONTENT_CREATING_PER_MINUTE * 60) / Math.max(per(load, load.contentCreating), 1e-9);
  rows.push({ case: "one installation's limits", metric: `requests per hour by ${HOURLY_CALLS} calls/h`, value: byCalls.toFixed(0) });
  rows.push({ case: "one installation's limits", metric: `requests per hour by ${CONTENT_CREATING_PER_MINUTE} content-creating/min`, value: byContent.toFixed(0) });
  rows.push({ case: "one installation's limits", metric: "requests per hour (the lower)", value: Math.min(byCalls, byContent).toFixed(0) });
  return {
    name: "lifecycle",
    rows,
    notes: [
      "A request: a pull request with one request file for an item of three HTTP steps in a chain, validated, recorded, fulfilled (three dispatches, each run completed at once by the benchmark's runner) and merged.",
      "Calls are those made with the installation's token, from the pull request's opening until pao is quiet after the merge, divided by the number of requests; writes include content-creating calls; status commits are successful moves of the pao-status ref.",
      `Alone: ${baseline.seconds.toFixed(0)} s for ${baseline.requests} requests one after another; at load: ${load.seconds.toFixed(0)} s for ${load.requests}. pao ran with PAO_WRITE_INTERVAL_MS=0 (at the default of one write a second, a request's writes alone take that many seconds).`,
      `Event-to-dispatch baseline: the median webhook delivery round trip (simulator to pao's answer) in the same run, ${roundTripMs.toFixed(0)} ms. One request is fulfilled before the others and left out of every figure (a fresh process's first calls open connections and compile code).`,
      "Requests per hour: what one installation's budgets allow at the load figures (5,000 calls an hour; GitHub's secondary limit of about 80 content-creating requests a minute).",
    ],
  };
}
