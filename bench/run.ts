/**
 * Runs the benchmarks and prints one table: `npm run bench [-- options] [names...]`.
 *
 *   names       run only these benchmarks (default: all)
 *   --quick     fewer cases and runs: a smoke run of every measurement
 *   --runs N    timed runs of the expensive measurements
 *   --json      print the reports as JSON instead of a table
 *   --strict    exit with status 1 when a figure misses its target
 *   --list      list the benchmarks
 *
 * To add a benchmark, write a module that exports a `Benchmark` (see report.ts) and add it to BENCHMARKS.
 * Benchmarks never fail on timing unless --strict is given; they fail when their input is not what they need.
 */
import { availableParallelism, cpus, platform, release } from "node:os";
import { performance } from "node:perf_hooks";
import { apiBenchmark } from "./api.js";
import { catalogLoadBenchmark } from "./catalog-load.js";
import { lifecycleBenchmark } from "./lifecycle.js";
import { formatTable, type Benchmark, type BenchmarkReport } from "./report.js";
import { yamlLoadBenchmark } from "./yaml-load.js";

const BENCHMARKS: readonly Benchmark[] = [catalogLoadBenchmark, yamlLoadBenchmark, apiBenchmark, lifecycleBenchmark];

interface Args {
  names: string[];
  quick: boolean;
  runs?: number;
  json: boolean;
  strict: boolean;
  list: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { names: [], quick: false, json: false, strict: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") args.quick = true;
    else if (a === "--json") args.json = true;
    else if (a === "--strict") args.strict = true;
    else if (a === "--list") args.list = true;
    else if (a === "--runs") {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error("--runs takes a positive whole number");
      args.runs = n;
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else args.names.push(a);
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name}  ${b.description}`);
    return 0;
  }
  const unknown = args.names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`);
  const selected = args.names.length > 0 ? BENCHMARKS.filter((b) => args.names.includes(b.name)) : BENCHMARKS;

  const started = performance.now();
  const log = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`);
  const reports: BenchmarkReport[] = [];
  for (const benchmark of selected) {
    log(`${benchmark.name}: ${benchmark.description}`);
    reports.push(await benchmark.run({ quick: args.quick, ...(args.runs !== undefined ? { runs: args.runs } : {}), log }));
  }
  const elapsed = (performance.now() - started) / 1000;

  if (args.json) {
    console.log(JSON.stringify({ environment: environment(), elapsedSeconds: elapsed, reports }, null, 2));
  } else {
    console.log(`pao benchmarks — ${environment()}${args.quick ? " — quick" : ""}`);
    for (const report of reports) {
      console.log(`\n## ${report.name}\n`);
      console.log(formatTable(report.rows));
      if (report.notes.length > 0) console.log("\n" + report.notes.map((n) => `- ${n}`).join("\n"));
    }
    const verdicts = reports.flatMap((r) => r.rows.filter((row) => row.verdict !== undefined));
    const missed = verdicts.filter((r) => r.verdict === "MISS");
    console.log(`\n${verdicts.length - missed.length} of ${verdicts.length} targets met${missed.length > 0 ? `; missed: ${missed.map((m) => `${m.case} ${m.metric}`).join(", ")}` : ""} (${elapsed.toFixed(0)} s)`);
  }
  const missed = reports.some((r) => r.rows.some((row) => row.verdict === "MISS"));
  return args.strict && missed ? 1 : 0;
}

function environment(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `node ${process.version}, ${platform()} ${release()}, ${availableParallelism()} × ${cpu}`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
