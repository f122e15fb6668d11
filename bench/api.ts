/**
 * REST API benchmark (issue 3): pao's real express app serving a generated 10,000-item catalog from a local source,
 * against a bare express route that answers the same bytes, both loaded with autocannon in the same run.
 *
 *   GET /api/v1/catalog/items?limit=50      requests/second relative to the bare route (target >= 0.6)
 *   GET /api/v1/catalog/items/{name}        the same over a rotation of item names (target >= 0.8)
 *
 * plus p99 latency of each, and the RSS of the serving process after the load.
 *
 * Both servers run in the benchmark process, on 127.0.0.1 with port 0. The load generator (autocannon) runs in a
 * child process (this file again, with --load-child), so that it does not share the servers' event loop: in one
 * thread the client's own cost would be added to both sides and pull every ratio towards 1.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { loadConfig } from "../src/config.js";
import { createLocalSource } from "../src/repo/local-source.js";
import type { SnapshotSource } from "../src/repo/snapshot.js";
import { createServer } from "../src/server.js";
import { generateCatalog } from "./generate-catalog.js";
import { atLeastRow, type Benchmark, type BenchmarkContext, type BenchmarkReport, type Row } from "./report.js";
import { collectGarbage, formatMs, median, mib, time } from "./stats.js";

const SEED = 20250816;
const ITEMS = 10_000;
const LIST_TARGET = 0.6;
const ITEM_TARGET = 0.8;
/** Distinct item names the single-item case rotates through (spread evenly over the sorted catalog). */
const ITEM_NAMES = 64;
const THIS_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = resolve(dirname(THIS_FILE), "..");
const LIST_PATH = "/api/v1/catalog/items?limit=50";

interface Plan {
  connections: number;
  /** Seconds of each warm-up run (one per server and case). */
  warmupSeconds: number;
  /** Seconds of each measured run. */
  seconds: number;
  /** Alternating rounds: each round measures pao and bare once, the order swapping every round. */
  rounds: number;
}

const PLAN: Plan = { connections: 10, warmupSeconds: 2, seconds: 2, rounds: 5 };
const QUICK_PLAN: Plan = { connections: 10, warmupSeconds: 1, seconds: 1, rounds: 1 };

/** What the load child reports for one autocannon run (plus the server process's CPU time, measured here). */
interface LoadResult {
  /** CPU time (user + system, all threads) of the serving process during the run, per answered request, in µs. */
  cpuPerRequest?: number;
  /** That CPU time over the run's wall time: 1.0 is one core kept busy. */
  cpuShare?: number;
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  p50: number;
  p99: number;
  max: number;
}

interface LoadOrder {
  id: number;
  url: string;
  paths: string[];
  connections: number;
  seconds: number;
}

type Side = "pao" | "bare";

interface Case {
  name: string;
  /** The URL paths a run rotates through. */
  paths: string[];
  target: number;
}

export const apiBenchmark: Benchmark = {
  name: "api",
  description: "REST API req/s vs a bare express route (autocannon), p99 latency, RSS after load",
  async run(ctx: BenchmarkContext): Promise<BenchmarkReport> {
    const plan = { ...(ctx.quick ? QUICK_PLAN : PLAN), ...(ctx.runs ? { rounds: ctx.runs } : {}) };
    const dir = mkdtempSync(join(tmpdir(), "pao-bench-api-"));
    const closers: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
    try {
      ctx.log(`api: generating ${count(ITEMS)} items into ${dir}`);
      const generated = time(() => writeCatalog(dir));
      const rows: Row[] = [
        {
          case: "setup",
          metric: "generated catalog",
          value: `${count(generated.result.items)} items, ${count(generated.result.files)} files, ${(generated.result.bytes / 1e6).toFixed(1)} MB (${formatMs(generated.ms)})`,
        },
      ];

      ctx.log("api: loading it with the local source");
      const config = loadConfig({ PAO_LOCAL_REPO: dir, PAO_RATE_LIMIT: "1000000", PAO_POLL_INTERVAL_MS: "0", PAO_TIMEZONE: "UTC" }, dir);
      const loaded = await timeAsync(() => createLocalSource({ root: dir, pollInterval: 0, onError: (e) => ctx.log(`api: source error: ${String(e)}`) }));
      const source: SnapshotSource = loaded.result;
      closers.unshift(() => source.close());
      const snapshot = source.current();
      const errors = snapshot.diagnostics.filter((d) => d.severity === "error");
      if (errors.length > 0) {
        throw new Error(`the generated catalog loads with ${errors.length} errors: ${errors.slice(0, 3).map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join("; ")}`);
      }
      if (snapshot.catalog.items.size !== ITEMS) throw new Error(`the local source holds ${snapshot.catalog.items.size} items, not ${ITEMS}`);
      rows.push({ case: "setup", metric: "local source start (read + load)", value: formatMs(loaded.ms) });

      const version = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
      const pao = await listen(
        createServer({ config, source, version, onError: (e) => ctx.log(`api: pao error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`) }),
      );
      closers.unshift(() => close(pao.server));

      // Several names spread over the catalog, so the single-item case is not one object answered again and again.
      const names = [...snapshot.catalog.items.keys()].sort();
      const stride = Math.floor(names.length / ITEM_NAMES);
      const itemPaths = Array.from({ length: ITEM_NAMES }, (_, i) => `/api/v1/catalog/items/${encodeURIComponent(names[i * stride]!)}`);

      // The bare app answers exactly the bytes pao answers for the same URL, fetched from pao first.
      ctx.log(`api: fetching the answers of pao for 1 list URL and ${itemPaths.length} item URLs`);
      const answers = new Map<string, Buffer>();
      for (const path of [LIST_PATH, ...itemPaths]) answers.set(path, await fetchOk(pao.url + path));
      const bare = await listen(bareApp(answers));
      closers.unshift(() => close(bare.server));
      for (const [path, body] of answers) {
        const got = await fetchOk(bare.url + path);
        if (!got.equals(body)) throw new Error(`the bare app answers ${path} with other bytes than pao`);
      }
      const listBytes = answers.get(LIST_PATH)!.length;
      const itemBytes = itemPaths.map((p) => answers.get(p)!.length);
      rows.push({
        case: "setup",
        metric: "payloads (identical on both servers)",
        value: `list ${(listBytes / 1024).toFixed(1)} KiB; items ${(Math.min(...itemBytes) / 1024).toFixed(1)}-${(Math.max(...itemBytes) / 1024).toFixed(1)} KiB (median ${(median(itemBytes) / 1024).toFixed(1)}) over ${itemPaths.length} names`,
      });

      const loader = await LoadChild.start();
      closers.unshift(() => loader.stop());

      collectGarbage();
      const before = process.memoryUsage();

      const cases: Case[] = [
        { name: "list ?limit=50", paths: [LIST_PATH], target: LIST_TARGET },
        { name: "single item", paths: itemPaths, target: ITEM_TARGET },
      ];
      const urls: Record<Side, string> = { pao: pao.url, bare: bare.url };
      for (const kase of cases) {
        const run = async (side: Side, seconds: number): Promise<LoadResult> => {
          collectGarbage();
          const cpu = process.cpuUsage();
          const wall = performance.now();
          const r = await loader.run({ url: urls[side], paths: kase.paths, connections: plan.connections, seconds });
          const used = process.cpuUsage(cpu);
          const cpuMicros = used.user + used.system;
          r.cpuPerRequest = cpuMicros / Math.max(1, r.ok);
          r.cpuShare = cpuMicros / 1000 / (performance.now() - wall);
          if (r.ok === 0 || r.non2xx > 0 || r.errors > 0) {
            throw new Error(`${kase.name} on ${side}: ${r.ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors (${r.timeouts} timeouts): the run measured failures`);
          }
          return r;
        };
        ctx.log(`api: ${kase.name}: warm-up ${plan.warmupSeconds}s each, then ${plan.rounds} alternating rounds of ${plan.seconds}s per server`);
        await run("pao", plan.warmupSeconds);
        await run("bare", plan.warmupSeconds);
        const results: Record<Side, LoadResult[]> = { pao: [], bare: [] };
        for (let round = 0; round < plan.rounds; round++) {
          const order: Side[] = round % 2 === 0 ? ["pao", "bare"] : ["bare", "pao"];
          for (const side of order) results[side].push(await run(side, plan.seconds));
          const p = results.pao[round]!;
          const b = results.bare[round]!;
          ctx.log(`api: ${kase.name}: round ${round + 1}: pao ${p.rps.toFixed(0)} req/s, bare ${b.rps.toFixed(0)} req/s = ${(p.rps / b.rps).toFixed(2)}`);
        }
        rows.push(...caseRows(kase, results));
      }

      const after = process.memoryUsage();
      collectGarbage();
      const afterGc = process.memoryUsage();
      rows.push(
        { case: "memory", metric: "RSS after load", value: `${mib(after.rss).toFixed(0)} MiB` },
        { case: "memory", metric: "  RSS before load (catalog loaded, servers up, after GC)", value: `${mib(before.rss).toFixed(0)} MiB` },
        { case: "memory", metric: "  RSS after load and a GC", value: `${mib(afterGc.rss).toFixed(0)} MiB` },
        { case: "memory", metric: "  heap used before / after load (after GC)", value: `${mib(before.heapUsed).toFixed(0)} / ${mib(afterGc.heapUsed).toFixed(0)} MiB` },
        { case: "memory", metric: "  heap total before / after load (after GC)", value: `${mib(before.heapTotal).toFixed(0)} / ${mib(afterGc.heapTotal).toFixed(0)} MiB` },
        { case: "memory", metric: "  external before / after load (after GC)", value: `${mib(before.external).toFixed(0)} / ${mib(afterGc.external).toFixed(0)} MiB` },
      );

      return {
        name: "api",
        rows,
        notes: [
          `The catalog is generated (seed ${SEED}, ${count(ITEMS)} items plus bundles, updates and the executor workflows), written to a temporary directory (catalog/, .github/) and served by createServer() with createLocalSource({pollInterval: 0}) and loadConfig (PAO_RATE_LIMIT=1000000 so the limiter counts but never trips, PAO_TIMEZONE=UTC): helmet, the rate limiter, zod query parsing, the view, the ETag and res.json all run.`,
          "The bare app is express() (the same express) with ETag generation off like pao's, one GET route per case that looks the URL up in a Map of the bodies pao answered (fetched from pao first and checked byte for byte) and sends it with res.type('json').send: the same payload without any of pao's work.",
          `Load: autocannon in a child process (so it does not share the servers' event loop), ${plan.connections} connections, no pipelining, against 127.0.0.1. Per case: one ${plan.warmupSeconds} s warm-up run per server, then ${plan.rounds} rounds of one ${plan.seconds} s run per server, the order alternating each round; a GC in the server process before each run. The single-item case rotates through ${ITEM_NAMES} item names spread over the catalog.`,
          "req/s = 2xx answers / run duration; figures are medians over the rounds (min-max). The ratio is of the medians; 'paired' is the median of the per-round ratios, which drifts less when the machine is busy. Any non-2xx answer or connection error fails the benchmark.",
          "Server CPU per request = process.cpuUsage() of the benchmark process over a run (user + system, all threads: JS, GC, libuv) / 2xx answers; bare's CPU per request over pao's is the throughput ratio pao would reach if the server had the CPU to itself, and is much less disturbed by other load on the machine than req/s. 'busy' is that CPU time over the run's wall time (1.0 = one core). Information only.",
          "p99 latency is autocannon's per run (ms, from send to the full answer); the median over the rounds is shown. RSS is process.memoryUsage().rss of the benchmark process, which holds both servers and the loaded catalog (and tsx), but not the load generator.",
        ],
      };
    } finally {
      for (const closeOne of closers) {
        try {
          await closeOne();
        } catch (e) {
          ctx.log(`api: cleanup failed: ${String(e)}`);
        }
      }
    }
  },
};

function caseRows(kase: Case, results: Record<Side, LoadResult[]>): Row[] {
  const rps = (side: Side) => results[side].map((r) => r.rps);
  const summary = (values: number[], unit: string, digits = 0) =>
    `${median(values).toFixed(digits)} ${unit} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}, n=${values.length})`;
  const ratio = median(rps("pao")) / median(rps("bare"));
  const paired = median(results.pao.map((r, i) => r.rps / results.bare[i]!.rps));
  const row = atLeastRow(kase.name, "req/s pao / bare", ratio, kase.target);
  const p99 = (side: Side) => summary(results[side].map((r) => r.p99), "ms", 1);
  const cpu = (side: Side) => median(results[side].map((r) => r.cpuPerRequest!));
  const share = (side: Side) => median(results[side].map((r) => r.cpuShare!));
  return [
    { case: kase.name, metric: "pao req/s", value: summary(rps("pao"), "req/s") },
    { case: kase.name, metric: "bare express req/s", value: summary(rps("bare"), "req/s") },
    { ...row, value: `${row.value} (paired ${paired.toFixed(2)}x)` },
    { case: kase.name, metric: "pao p99 latency", value: p99("pao") },
    { case: kase.name, metric: "bare p99 latency", value: p99("bare") },
    { case: kase.name, metric: "pao p50 / max latency (median)", value: `${median(results.pao.map((r) => r.p50)).toFixed(1)} / ${median(results.pao.map((r) => r.max)).toFixed(0)} ms` },
    {
      case: kase.name,
      metric: "server CPU per request pao / bare (info)",
      value: `${cpu("pao").toFixed(0)} / ${cpu("bare").toFixed(0)} µs = ${(cpu("bare") / cpu("pao")).toFixed(2)}x bare's rate (busy ${share("pao").toFixed(2)} / ${share("bare").toFixed(2)} cores)`,
    },
  ];
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

/** Writes the generated catalog under `dir`; the in-memory files are dropped when this returns. */
function writeCatalog(dir: string): { items: number; files: number; bytes: number } {
  const catalog = generateCatalog({ items: ITEMS, seed: SEED });
  for (const f of catalog.files) {
    const abs = join(dir, ...f.path.split("/"));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, f.text);
  }
  return { items: catalog.counts.items, files: catalog.counts.files, bytes: catalog.counts.bytes };
}

function bareApp(answers: ReadonlyMap<string, Buffer>): express.Express {
  const bodies = new Map([...answers].map(([path, body]) => [path, body.toString("utf8")]));
  const app = express();
  app.set("etag", false);
  const list = bodies.get(LIST_PATH)!;
  app.get("/api/v1/catalog/items", (_req, res) => {
    res.type("json").send(list);
  });
  app.get("/api/v1/catalog/items/:name", (req, res) => {
    const body = bodies.get(req.path);
    if (body === undefined) res.status(404).end();
    else res.type("json").send(body);
  });
  return app;
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolvePromise, reject) => {
    const server = app.listen(0, "127.0.0.1", (error?: Error) => {
      if (error) return reject(error);
      const { port } = server.address() as AddressInfo;
      resolvePromise({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
}

async function fetchOk(url: string): Promise<Buffer> {
  const response = await fetch(url);
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body.toString("utf8").slice(0, 300)}`);
  if (!response.headers.get("content-type")?.startsWith("application/json")) throw new Error(`GET ${url} answered ${response.headers.get("content-type")}`);
  return body;
}

// ---------------------------------------------------------------------------------------------------------------
// The load generator, in a child process

class LoadChild {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message: { id: number; result?: LoadResult; error?: string }) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.result) waiter.resolve(message.result);
      else waiter.reject(new Error(`the load child failed: ${message.error}`));
    });
    child.on("exit", (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the load child exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  static async start(): Promise<LoadChild> {
    const child = fork(THIS_FILE, ["--load-child"], { cwd: REPO_ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    await new Promise<void>((resolvePromise, reject) => {
      child.once("message", () => resolvePromise());
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the load child exited with ${code} before it was ready`)));
    });
    return new LoadChild(child);
  }

  run(order: Omit<LoadOrder, "id">): Promise<LoadResult> {
    const id = ++this.next;
    return new Promise((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      this.child.send({ ...order, id } satisfies LoadOrder);
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolvePromise) => {
      this.child.once("exit", () => resolvePromise());
      this.child.disconnect();
    });
  }
}

async function loadChild(): Promise<void> {
  const { default: autocannon } = await import("autocannon");
  process.on("message", (order: LoadOrder) => {
    autocannon({
      url: order.url,
      connections: order.connections,
      duration: order.seconds,
      requests: order.paths.map((path) => ({ method: "GET", path })),
    }).then(
      (r) => {
        const result: LoadResult = {
          rps: r["2xx"] / r.duration,
          ok: r["2xx"],
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          duration: r.duration,
          p50: r.latency.p50,
          p99: r.latency.p99,
          max: r.latency.max,
        };
        process.send!({ id: order.id, result });
      },
      (error: unknown) => process.send!({ id: order.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
  process.send!({ ready: true });
}

if (process.argv[2] === "--load-child" && process.argv[1] !== undefined && resolve(process.argv[1]) === THIS_FILE) {
  await loadChild();
}
