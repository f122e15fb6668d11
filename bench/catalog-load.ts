/**
 * Catalog load benchmark: how long `CatalogLoader.load` takes on large generated catalogs, relative to plain
 * `yaml.parse` of the same texts; how cheap re-validation after a one-file edit is; and how much memory a
 * 10,000-item load needs.
 *
 * Run through bench/run.ts. This file is also the entry of the child process that measures peak RSS
 * (`node --expose-gc --import tsx bench/catalog-load.ts --rss-child <dir>`), so that the figure belongs to one
 * load in a fresh process and not to whatever the benchmark process did before.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import type { Diagnostic } from "../src/diagnostics.js";
import { CatalogLoader, type LoadResult, type SourceFile } from "../src/catalog/load.js";
import { editDescription, generateCatalog, type GeneratedCatalog } from "./generate-catalog.js";
import { ratioRow, type Benchmark, type BenchmarkContext, type BenchmarkReport, type Row } from "./report.js";
import { collectGarbage, formatMs, formatSummary, measureInterleaved, median, mib, summarize, time } from "./stats.js";

const SEED = 20250816;
const FULL_LOAD_TARGET = 2.0;
const INCREMENTAL_TARGET = 0.05;
const THIS_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = resolve(dirname(THIS_FILE), "..");

interface Plan {
  items: number;
  fullWarmup: number;
  fullRuns: number;
  incrementalWarmup: number;
  incrementalRuns: number;
}

const PLANS: Plan[] = [
  { items: 1_000, fullWarmup: 2, fullRuns: 7, incrementalWarmup: 3, incrementalRuns: 15 },
  { items: 10_000, fullWarmup: 1, fullRuns: 3, incrementalWarmup: 3, incrementalRuns: 15 },
];
const QUICK_PLANS: Plan[] = [{ items: 1_000, fullWarmup: 1, fullRuns: 3, incrementalWarmup: 2, incrementalRuns: 7 }];

export const catalogLoadBenchmark: Benchmark = {
  name: "catalog-load",
  description: "full load+validate vs yaml.parse, incremental re-validation, peak RSS",
  async run(ctx: BenchmarkContext): Promise<BenchmarkReport> {
    const rows: Row[] = [];
    const plans = (ctx.quick ? QUICK_PLANS : PLANS).map((p) => (ctx.runs ? { ...p, fullRuns: ctx.runs } : p));
    let largest: GeneratedCatalog | undefined;
    for (const plan of plans) {
      const result = measureSize(plan, ctx);
      rows.push(...result.rows);
      largest = result.catalog;
    }
    if (largest) {
      const items = largest.counts.items;
      ctx.log(`catalog-load: peak RSS of a ${count(items)}-item load, in a child process`);
      rows.push(...peakRss(largest));
    }
    return {
      name: "catalog-load",
      rows,
      notes: [
        `Catalogs are generated in memory (seed ${SEED}): items over the five categories with 3-8 fields of all 11 types, 1-3 actions of all five types with Handlebars templates, plus bundles, update items, update operations and the executor workflows; "files" counts all of them.`,
        "Full load = new CatalogLoader({checkWorkflows: true}).load(files) on a fresh loader (parse, schema, per-file checks, references, workflows). It is timed interleaved with yaml.parse(text) of the same file texts, after warm-up runs, with a GC before each run; figures are medians (min-max). The ratio is of the medians; 'paired' is the median of the per-round ratios, which drifts less when the machine is busy.",
        "Incremental = the same loader loads the file list again after one catalog item's description changed (a different item each run; unchanged entries are the same objects, as an editor or a watcher holding the files would pass them); the loader must report parsed = 1. The ratio is against the median full load of the same size.",
        "Incremental, texts re-read = as above, but every text is a fresh string with equal content and no sha, as when a tool re-reads the tree from disk: the cache then compares contents. Information only.",
        "Peak RSS = process.resourceUsage().maxRSS of a fresh child process (node --expose-gc --import tsx) that reads the generated files from a temporary directory and loads them once, cold. The high-water mark before the load covers node, tsx, the loaded modules and the file texts; the difference is what the load itself added at its peak. Retained heap = heapUsed after GC with the result and the loader's cache alive, minus heapUsed before the load.",
      ],
    };
  },
};

function count(n: number): string {
  return n.toLocaleString("en-US");
}

function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === "error");
}

function describeDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`;
}

/** Fails the benchmark when the generated catalog is not what it should be: a catalog of errors measures the wrong thing. */
function assertValid(catalog: GeneratedCatalog, result: LoadResult): { warnings: number } {
  const errors = errorsOf(result.diagnostics);
  if (errors.length > 0) {
    const shown = errors.slice(0, 10).map(describeDiagnostic).join("\n  ");
    throw new Error(`the generated catalog of ${count(catalog.counts.items)} items has ${errors.length} error diagnostics:\n  ${shown}`);
  }
  const c = catalog.counts;
  const got = result.catalog;
  const mismatch = [
    ["items", got.items.size, c.items],
    ["bundles", got.bundles.size, c.bundles],
    ["update items", got.updateItems.size, c.updateItems],
    ["update operations", got.updateOperations.size, c.updateOperations],
  ].filter(([, a, b]) => a !== b);
  if (mismatch.length > 0) throw new Error(`the loaded catalog lacks definitions: ${mismatch.map(([k, a, b]) => `${k} ${a} of ${b}`).join(", ")}`);
  return { warnings: result.diagnostics.length - errors.length };
}

function measureSize(plan: Plan, ctx: BenchmarkContext): { rows: Row[]; catalog: GeneratedCatalog } {
  const kase = `${count(plan.items)} items`;
  const rows: Row[] = [];
  ctx.log(`catalog-load: generating ${kase}`);
  const generated = time(() => generateCatalog({ items: plan.items, seed: SEED }));
  const catalog = generated.result;
  const { files } = catalog;
  const c = catalog.counts;
  rows.push({
    case: kase,
    metric: "generated catalog",
    value: `${count(c.files)} files, ${(c.bytes / 1e6).toFixed(1)} MB, ${count(c.fields)} fields, ${count(c.actions)} actions, ${count(c.templates)} templates (${formatMs(generated.ms)})`,
  });

  // Once, outside timing: the catalog must load with no error.
  ctx.log(`catalog-load: ${kase}: checking that the catalog is valid`);
  const check = new CatalogLoader({ checkWorkflows: true }).load(files);
  const { warnings } = assertValid(catalog, check);
  rows.push({
    case: kase,
    metric: "diagnostics of one load (untimed)",
    value: `${check.diagnostics.length} (${check.diagnostics.length - warnings} errors, ${warnings} warnings)`,
    target: "0 errors",
    verdict: "PASS",
  });

  // Full load against yaml.parse of the same texts, interleaved.
  ctx.log(`catalog-load: ${kase}: full load vs yaml.parse, ${plan.fullWarmup} warm-up + ${plan.fullRuns} runs each`);
  let sink = 0;
  const full = measureInterleaved(
    {
      yaml: () => {
        for (const f of files) if (YAML.parse(f.text) !== undefined) sink++;
      },
      load: () => {
        sink += new CatalogLoader({ checkWorkflows: true }).load(files).parsed;
      },
    },
    { warmup: plan.fullWarmup, runs: plan.fullRuns },
  );
  const yamlStats = summarize(full.yaml);
  const loadStats = summarize(full.load);
  rows.push({ case: kase, metric: "yaml.parse of all files", value: formatSummary(yamlStats) });
  rows.push({ case: kase, metric: "full load+validate", value: formatSummary(loadStats) });
  const fullRatio = ratioRow(kase, "full load / yaml.parse", loadStats.median / yamlStats.median, FULL_LOAD_TARGET);
  // Each round times both back to back, so the median of the per-round ratios is robust to drift in machine speed.
  const paired = median(full.load.map((ms, i) => ms / full.yaml[i]!));
  rows.push({ ...fullRatio, value: `${fullRatio.value} (paired ${paired.toFixed(2)}x)` });

  // Incremental: one loader, one edited item per run.
  ctx.log(`catalog-load: ${kase}: incremental re-validation, ${plan.incrementalWarmup} warm-up + ${plan.incrementalRuns} runs`);
  const incremental = incrementalRuns(catalog, plan, false);
  const incStats = summarize(incremental);
  rows.push({ case: kase, metric: "incremental (1 item edited)", value: formatSummary(incStats) });
  rows.push(ratioRow(kase, "incremental / full load", incStats.median / loadStats.median, INCREMENTAL_TARGET, 3));
  const reread = summarize(incrementalRuns(catalog, { ...plan, incrementalRuns: Math.min(5, plan.incrementalRuns), incrementalWarmup: 1 }, true));
  rows.push({
    case: kase,
    metric: "incremental, texts re-read (info)",
    value: `${formatSummary(reread)} = ${(reread.median / loadStats.median).toFixed(3)}x`,
  });

  if (sink < 0) console.log(sink);
  return { rows, catalog };
}

/** Times `load` after a one-file edit, with a loader that has loaded the whole catalog before. */
function incrementalRuns(catalog: GeneratedCatalog, plan: Plan, freshTexts: boolean): number[] {
  const loader = new CatalogLoader({ checkWorkflows: true });
  let current: SourceFile[] = catalog.files.slice();
  loader.load(current);
  const indexOf = new Map(current.map((f, i) => [f.path, i]));
  const paths = catalog.itemPaths;
  // Spread the edited files over the catalog (a stride coprime to the item count visits distinct files).
  let stride = Math.max(1, Math.floor(paths.length / 7) + 1);
  while (gcd(stride, paths.length) !== 1) stride++;
  const samples: number[] = [];
  const total = plan.incrementalWarmup + plan.incrementalRuns;
  for (let run = 0; run < total; run++) {
    const path = paths[(run * stride) % paths.length]!;
    const index = indexOf.get(path)!;
    const next = freshTexts ? current.map((f) => ({ path: f.path, text: copyString(f.text) })) : current.slice();
    next[index] = editDescription(current[index]!, `${freshTexts ? "reread" : "edit"}-${run}`);
    collectGarbage();
    const { ms, result } = time(() => loader.load(next));
    if (result.parsed !== 1) throw new Error(`incremental load parsed ${result.parsed} files, expected 1 (edited ${path})`);
    const errors = errorsOf(result.diagnostics);
    if (errors.length > 0) throw new Error(`the edit of ${path} produced errors: ${errors.slice(0, 3).map(describeDiagnostic).join("; ")}`);
    if (run >= plan.incrementalWarmup) samples.push(ms);
    current = next;
  }
  return samples;
}

/** A string with the same content that is a different object, as reading the file again would give. */
function copyString(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

// ---------------------------------------------------------------------------------------------------------------
// Peak RSS, in a child process

interface RssReport {
  files: number;
  bytes: number;
  errors: number;
  items: number;
  loadMs: number;
  maxRssBeforeKb: number;
  maxRssAfterKb: number;
  rssBefore: number;
  rssAfterGc: number;
  heapBefore: number;
  heapAfterGc: number;
}

function peakRss(catalog: GeneratedCatalog): Row[] {
  const kase = `${count(catalog.counts.items)} items`;
  const dir = mkdtempSync(join(tmpdir(), "pao-bench-"));
  try {
    for (const f of catalog.files) {
      const abs = join(dir, ...f.path.split("/"));
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, f.text);
    }
    const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", THIS_FILE, "--rss-child", dir], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`the RSS child process failed (${child.status ?? child.signal}):\n${child.stderr}`);
    const last = child.stdout.trim().split("\n").pop() ?? "";
    const r = JSON.parse(last) as RssReport;
    if (r.errors > 0) throw new Error(`the RSS child loaded the catalog with ${r.errors} errors`);
    if (r.items !== catalog.counts.items) throw new Error(`the RSS child loaded ${r.items} items, not ${catalog.counts.items}`);
    const before = r.maxRssBeforeKb / 1024;
    const peak = r.maxRssAfterKb / 1024;
    return [
      { case: kase, metric: "peak RSS of a process loading it (maxRSS)", value: `${peak.toFixed(0)} MiB` },
      { case: kase, metric: "  maxRSS before the load (node, modules, texts)", value: `${before.toFixed(0)} MiB` },
      { case: kase, metric: "  added at peak by the load", value: `${(peak - before).toFixed(0)} MiB` },
      { case: kase, metric: "  heap retained after load (result + cache)", value: `${mib(r.heapAfterGc - r.heapBefore).toFixed(0)} MiB` },
      { case: kase, metric: "  cold load time in that process", value: formatMs(r.loadMs) },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** All regular files below `root`, as repository-relative paths. */
function readFiles(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const visit = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) out.push({ path: relative(root, path).split(sep).join("/"), text: readFileSync(path, "utf8") });
    }
  };
  visit(root);
  return out;
}

function rssChild(dir: string): void {
  const files = readFiles(dir);
  collectGarbage();
  const maxRssBeforeKb = process.resourceUsage().maxRSS;
  const before = process.memoryUsage();
  const loader = new CatalogLoader({ checkWorkflows: true });
  const { ms, result } = time(() => loader.load(files));
  const maxRssAfterKb = process.resourceUsage().maxRSS;
  collectGarbage();
  const after = process.memoryUsage();
  const report: RssReport = {
    files: files.length,
    bytes: files.reduce((s, f) => s + f.text.length, 0),
    errors: errorsOf(result.diagnostics).length,
    items: result.catalog.items.size,
    loadMs: ms,
    maxRssBeforeKb,
    maxRssAfterKb,
    rssBefore: before.rss,
    rssAfterGc: after.rss,
    heapBefore: before.heapUsed,
    heapAfterGc: after.heapUsed,
  };
  // The loader (and its cache) stays alive until here, so the retained heap includes it.
  if (loader.load([]).parsed !== 0) throw new Error("unreachable");
  console.log(JSON.stringify(report));
}

if (process.argv[2] === "--rss-child" && process.argv[1] !== undefined && resolve(process.argv[1]) === THIS_FILE) {
  const dir = process.argv[3];
  if (!dir) throw new Error("usage: catalog-load.ts --rss-child <dir>");
  rssChild(dir);
}
