/** Small statistics and timing helpers for the benchmarks. */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface Summary {
  n: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  /** Sample standard deviation (0 for one sample). */
  stdev: number;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error("median of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Linear-interpolated percentile, p in [0, 100]. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  const mean = samples.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? samples.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { n, median: median(samples), mean, min: Math.min(...samples), max: Math.max(...samples), stdev: Math.sqrt(variance) };
}

let gcFunction: (() => void) | null | undefined;

/**
 * Runs a full garbage collection when the runtime allows it (with --expose-gc, or by enabling it at run time), so
 * that garbage left by one timed run is not collected during the next. Returns whether it could.
 */
export function collectGarbage(): boolean {
  if (gcFunction === undefined) {
    const global = globalThis as { gc?: () => void };
    if (typeof global.gc === "function") gcFunction = global.gc;
    else {
      try {
        setFlagsFromString("--expose-gc");
        gcFunction = runInNewContext("gc") as () => void;
      } catch {
        gcFunction = null;
      }
    }
  }
  if (!gcFunction) return false;
  gcFunction();
  return true;
}

/** Milliseconds taken by `fn`; its result is returned too, so the work cannot be optimised away. */
export function time<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

export interface MeasureOptions {
  warmup: number;
  runs: number;
  /** Collect garbage before each run (default true). */
  gc?: boolean;
}

/** Times `fn` `runs` times after `warmup` untimed runs. `fn` gets the run index (warm-up runs are negative). */
export function measure(fn: (run: number) => unknown, options: MeasureOptions): number[] {
  for (let i = 0; i < options.warmup; i++) fn(i - options.warmup);
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    if (options.gc !== false) collectGarbage();
    samples.push(time(() => fn(i)).ms);
  }
  return samples;
}

/**
 * Times several contenders in the same loop, interleaved (the order rotates each round), so that drift in machine
 * speed (thermal, other load) affects them alike and their ratio stays meaningful.
 */
export function measureInterleaved<K extends string>(contenders: Record<K, () => unknown>, options: MeasureOptions): Record<K, number[]> {
  const keys = Object.keys(contenders) as K[];
  for (let i = 0; i < options.warmup; i++) for (const k of keys) contenders[k]();
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < options.runs; i++) {
    for (let j = 0; j < keys.length; j++) {
      const k = keys[(i + j) % keys.length]!;
      if (options.gc !== false) collectGarbage();
      samples[k].push(time(contenders[k]).ms);
    }
  }
  return samples;
}

export function formatMs(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** "median (min–max, n runs)". */
export function formatSummary(s: Summary): string {
  return `${formatMs(s.median)} (${formatMs(s.min)}–${formatMs(s.max)}, n=${s.n})`;
}

export function mib(bytes: number): number {
  return bytes / (1024 * 1024);
}
