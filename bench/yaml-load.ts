/**
 * YAML load benchmark: a request file whose `parameters` mapping holds N keys (a pull request can submit one up to
 * the 1 MiB size cap), loaded by our loader (`loadYaml`: size cap, depth pre-scan, parse, conversion with the
 * alias, duplicate and forbidden-key checks) and by `yaml.parse` of the same text, timed interleaved in this run.
 *
 *   loadYaml / yaml.parse                 at 10,000 and 40,000 keys (target <= 3.0)
 *   loadYaml 40k / 10k                    4.0 when loading is linear in the keys, 16 when quadratic (target <= 5.0)
 *   load + locate 5,000 keys / yaml.parse what a request with 5,000 unknown fields costs to report (target <= 3.0)
 *
 * The baseline is `yaml.parse(text, { uniqueKeys: false })`: with its default `uniqueKeys: true` the library
 * compares each key with every earlier key of its mapping, so the default parse is itself quadratic and would hide
 * a quadratic loader. The default parse is timed too, for information, to show what that check costs.
 */
import YAML from "yaml";
import { loadYaml, type LoadedYaml } from "../src/yaml/load.js";
import { ratioRow, type Benchmark, type BenchmarkContext, type BenchmarkReport, type Row } from "./report.js";
import { formatMs, formatSummary, measure, measureInterleaved, median, summarize } from "./stats.js";

const FILE = "requests/bench-team/many-parameters.yaml";
const LOAD_TARGET = 3.0;
const SCALING_TARGET = 5.0;
/** Keys located after loading, as the schema layer locates each unknown field it reports. */
const LOCATED = 5_000;

interface Plan {
  keys: number;
  warmup: number;
  runs: number;
  /** Timed runs of yaml.parse with its default options (quadratic: slow at 40,000 keys). */
  defaultRuns: number;
}

const PLANS: Plan[] = [
  { keys: 10_000, warmup: 4, runs: 15, defaultRuns: 3 },
  { keys: 40_000, warmup: 1, runs: 7, defaultRuns: 1 },
];
const QUICK_PLANS: Plan[] = [
  { keys: 10_000, warmup: 1, runs: 3, defaultRuns: 1 },
  { keys: 40_000, warmup: 1, runs: 3, defaultRuns: 0 },
];

export const yamlLoadBenchmark: Benchmark = {
  name: "yaml-load",
  description: "loadYaml of a request with 10,000 and 40,000 parameters vs yaml.parse: ratio and linear scaling",
  async run(ctx: BenchmarkContext): Promise<BenchmarkReport> {
    const rows: Row[] = [];
    const plans = (ctx.quick ? QUICK_PLANS : PLANS).map((p) => (ctx.runs ? { ...p, runs: ctx.runs } : p));
    const loads: Array<{ keys: number; load: number; yaml: number }> = [];
    for (const plan of plans) {
      const result = measureSize(plan, ctx);
      rows.push(...result.rows);
      loads.push({ keys: plan.keys, load: result.load, yaml: result.yaml });
    }
    const small = loads[0]!;
    const large = loads[loads.length - 1]!;
    if (large.keys > small.keys) {
      const kase = `${count(large.keys)} / ${count(small.keys)} keys`;
      const factor = large.keys / small.keys;
      const row = ratioRow(kase, `loadYaml time ratio (linear: ${factor.toFixed(1)})`, large.load / small.load, SCALING_TARGET);
      rows.push(row);
      rows.push({ case: kase, metric: "yaml.parse time ratio (info)", value: `${(large.yaml / small.yaml).toFixed(2)}x` });
    }
    return {
      name: "yaml-load",
      rows,
      notes: [
        `The file is a request (catalog_item, version, parameters, requester) whose parameters mapping has N keys \`  p00042: value-42\`; both sizes fit the 1 MiB cap and must load without diagnostics.`,
        "loadYaml is timed interleaved with yaml.parse(text, { uniqueKeys: false }) of the same text, after warm-up runs, with a GC before each run; figures are medians (min-max). The ratio is of the medians; 'paired' is the median of the per-round ratios.",
        `load + locate = loadYaml, then doc.locate(["parameters", key], { key: true }) for the last ${count(LOCATED)} keys (the locator re-parses the text on first use and indexes each mapping's keys once).`,
        "The time ratio 40k / 10k is of the loadYaml medians: 4.0 is linear in the number of keys, 16 quadratic.",
        "yaml.parse with default options keeps uniqueKeys: true, whose duplicate check compares each key with all earlier ones (quadratic); it is timed separately (fewer runs), for information. loadYaml sets uniqueKeys: false and finds duplicates itself in linear time.",
      ],
    };
  },
};

function count(n: number): string {
  return n.toLocaleString("en-US");
}

function key(i: number): string {
  return `p${String(i).padStart(5, "0")}`;
}

/** A request whose parameters mapping holds `keys` entries. */
function manyParametersRequest(keys: number): string {
  const lines = ["# yaml-language-server: $schema=../../schemas/request.schema.json", "catalog_item: eks-container-app", "version: 1.2.0", "parameters:"];
  for (let i = 0; i < keys; i++) lines.push(`  ${key(i)}: value-${i}`);
  lines.push("requester:", "  team: bench-team", "");
  return lines.join("\n");
}

/** Fails the benchmark when the loader refuses the file or loses keys: a refusal would measure the wrong thing. */
function loaded(text: string, keys: number): LoadedYaml {
  const result = loadYaml(text, FILE);
  if (!result.ok) {
    const shown = result.diagnostics.slice(0, 3).map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`);
    throw new Error(`the ${count(keys)}-key request was refused:\n  ${shown.join("\n  ")}`);
  }
  const parameters = (result.doc.value as { parameters?: Record<string, unknown> }).parameters ?? {};
  if (Object.keys(parameters).length !== keys) throw new Error(`the ${count(keys)}-key request loaded ${Object.keys(parameters).length} keys`);
  return result.doc;
}

function measureSize(plan: Plan, ctx: BenchmarkContext): { rows: Row[]; load: number; yaml: number } {
  const kase = `${count(plan.keys)} keys`;
  const text = manyParametersRequest(plan.keys);
  const bytes = Buffer.byteLength(text);
  const rows: Row[] = [{ case: kase, metric: "request file", value: `${(bytes / 1024).toFixed(0)} KiB, ${count(plan.keys + 6)} lines` }];

  // Once, outside timing: the file must load whole, and the located keys must be where they are written.
  const doc = loaded(text, plan.keys);
  const lastLine = doc.locate(["parameters", key(plan.keys - 1)], { key: true }).line;
  if (lastLine !== plan.keys + 4) throw new Error(`the last parameter was located on line ${lastLine}, not ${plan.keys + 4}`);

  ctx.log(`yaml-load: ${kase}: loadYaml, load + locate and yaml.parse, ${plan.warmup} warm-up + ${plan.runs} runs each`);
  let sink = 0;
  const samples = measureInterleaved(
    {
      yaml: () => {
        if (YAML.parse(text, { uniqueKeys: false }) !== undefined) sink++;
      },
      load: () => {
        if (loadYaml(text, FILE).ok) sink++;
      },
      locate: () => {
        const result = loadYaml(text, FILE);
        if (!result.ok) return;
        for (let i = plan.keys - LOCATED; i < plan.keys; i++) sink += result.doc.locate(["parameters", key(i)], { key: true }).line;
      },
    },
    { warmup: plan.warmup, runs: plan.runs },
  );
  const yaml = summarize(samples.yaml);
  const load = summarize(samples.load);
  const locate = summarize(samples.locate);
  rows.push({ case: kase, metric: "yaml.parse (uniqueKeys: false)", value: formatSummary(yaml) });
  rows.push({ case: kase, metric: "loadYaml", value: formatSummary(load) });
  const ratio = ratioRow(kase, "loadYaml / yaml.parse", load.median / yaml.median, LOAD_TARGET);
  const paired = median(samples.load.map((ms, i) => ms / samples.yaml[i]!));
  rows.push({ ...ratio, value: `${ratio.value} (paired ${paired.toFixed(2)}x)` });
  rows.push({ case: kase, metric: `load + locate ${count(LOCATED)} keys`, value: formatSummary(locate) });
  rows.push(ratioRow(kase, `load + locate ${count(LOCATED)} keys / yaml.parse`, locate.median / yaml.median, LOAD_TARGET));

  if (plan.defaultRuns > 0) {
    ctx.log(`yaml-load: ${kase}: yaml.parse with default options, ${plan.defaultRuns} run(s)`);
    const defaults = summarize(measure(() => (YAML.parse(text) !== undefined ? sink++ : sink), { warmup: 0, runs: plan.defaultRuns }));
    rows.push({
      case: kase,
      metric: "yaml.parse, default options (info)",
      value: `${formatSummary(defaults)} = ${(defaults.median / yaml.median).toFixed(1)}x the baseline`,
    });
  }
  if (sink < 0) console.log(formatMs(sink));
  return { rows, load: load.median, yaml: yaml.median };
}
