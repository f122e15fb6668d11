/**
 * How pao's calls to GitHub behave, as one Octokit hook in place of the throttling and retry plugins Probot bundles.
 * Those schedule every call through Bottleneck; measured here, that added about 20 ms to each call (a plain Octokit
 * call to the simulator took under 2 ms), and a pass makes several calls in a row: with them, event-to-dispatch was
 * 331 ms at the median, without them 81 ms (bench/lifecycle). What they did for pao is kept, in this file:
 *
 * - writes go one at a time, each PAO_WRITE_INTERVAL_MS after the previous write's answer, and writes that notify
 *   people (issues, comments, pull requests, reviews, merges) three times that after the previous such write, as
 *   GitHub asks of integrations (its secondary limits) and as the throttling plugin did by default;
 * - at most MAX_CONCURRENT calls at once (GitHub refuses more than 100; the plugin allowed 10); a write takes its
 *   place only when it is its turn, so writes waiting for theirs never keep reads out;
 * - a caller's `answerWithinMs` is a time-out armed when the call is sent, not while it waits for its turn;
 * - a 5xx or a failed connection is tried again, after 1, 4 and 9 seconds, unless the caller said
 *   `request: { retries: 0 }` (a compare-and-swap, a merge, a dispatch: repeating those is the caller's decision);
 * - a rate-limit answer (403 or 429 with `retry-after`, or the primary limit spent) is waited out once, up to
 *   fifteen minutes, and logged; a longer wait fails the call at once, for the reconciler to come back to.
 */
import type { Octokit } from "@octokit/core";
import { statusOf } from "./client.js";

const MAX_CONCURRENT = 10;
const DEFAULT_RETRIES = 3;
const MAX_RATE_LIMIT_WAIT_MS = 15 * 60_000;
/** Notifying writes are spaced three times as far apart as other writes. */
const NOTIFYING_FACTOR = 3;

/** Routes whose writes notify people (GitHub's guidance on secondary limits names content that notifies). */
const NOTIFYING_ROUTES = [
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
];

export interface RequestPolicyOptions {
  writeIntervalMs: number;
  /** The first retry's delay; the next ones are 4 and 9 times it. Shorter in tests. */
  retryUnitMs?: number;
}

/**
 * What a caller may ask of a call beyond Octokit's own options: `retries` (0: never again), and `answerWithinMs`, a
 * time-out that starts when the call is sent, not while it waits for its turn among the writes (a dispatch waiting
 * behind others must not time out before it reached GitHub).
 */
export type PolicyRequestOptions = { retries?: number; signal?: AbortSignal; answerWithinMs?: number };

type RequestOptions = { method: string; url: string; request?: PolicyRequestOptions };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A gate that lets a limited number through at once, first come first served. */
function concurrencyLimit(max: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** Writes one at a time, each starting no sooner than the interval after the previous one (of its kind) ended. */
function writeLane(intervalMs: number) {
  let tail: Promise<void> = Promise.resolve();
  let lastWrite = -Infinity;
  let lastNotifying = -Infinity;
  return async <T>(notifying: boolean, work: () => Promise<T>): Promise<T> => {
    const previous = tail;
    let release!: () => void;
    tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      const at = Math.max(lastWrite + intervalMs, notifying ? lastNotifying + intervalMs * NOTIFYING_FACTOR : -Infinity);
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
      return await work();
    } finally {
      // Spaced from the end of the previous write: its answer, not its start, is when GitHub is done with it.
      lastWrite = Date.now();
      if (notifying) lastNotifying = lastWrite;
      release();
    }
  };
}

/** How long a rate-limit answer asks to wait, or null when the answer is not one. */
export function rateLimitWait(error: unknown, now = Date.now()): number | null {
  const status = statusOf(error);
  if (status !== 403 && status !== 429) return null;
  const headers = ((error as { response?: { headers?: Record<string, string | number | undefined> } }).response?.headers ?? {}) as Record<string, string | number | undefined>;
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && headers["retry-after"] !== undefined) return Math.max(0, retryAfter * 1000);
  if (String(headers["x-ratelimit-remaining"]) === "0") {
    const reset = Number(headers["x-ratelimit-reset"]);
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : null;
  }
  return status === 429 ? 60_000 : null;
}

/** Whether trying again may go better: GitHub failed (5xx) or the call never got an answer. */
function transient(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

/** The Octokit plugin. */
export function requestPolicy(options: RequestPolicyOptions) {
  const unit = options.retryUnitMs ?? 1000;
  const limit = concurrencyLimit(MAX_CONCURRENT);
  const lane = writeLane(options.writeIntervalMs);
  return (octokit: Pick<Octokit, "hook" | "log">): void => {
    octokit.hook.wrap("request", async (request, raw) => {
      const opts = raw as unknown as RequestOptions;
      const method = opts.method.toUpperCase();
      const write = method !== "GET" && method !== "HEAD";
      const notifying = write && NOTIFYING_ROUTES.includes(opts.url);
      const retries = opts.request?.retries ?? DEFAULT_RETRIES;
      const within = opts.request?.answerWithinMs;
      const given = opts.request?.signal;
      const call = async () => {
        // Set on the options themselves: the hooks inside this one (authentication) are handed the same object, not
        // whatever this one passes on.
        if (within !== undefined && opts.request) {
          const timeout = AbortSignal.timeout(within);
          opts.request.signal = given ? AbortSignal.any([given, timeout]) : timeout;
        }
        return request(raw);
      };
      // A write waits for its turn before it takes one of the concurrent places, so waiting writes never keep reads out.
      const send = () => (write ? lane(notifying, () => limit(call)) : limit(call));
      let rateLimited = false;
      for (let attempt = 0; ; attempt++) {
        try {
          return await send();
        } catch (error) {
          if (given?.aborted) throw error;
          const wait = rateLimitWait(error);
          if (wait !== null) {
            if (rateLimited || wait > MAX_RATE_LIMIT_WAIT_MS) throw error;
            rateLimited = true;
            // Octokit types its logger as (message, info); Probot's (pino) takes a format string and its values.
            const warn = octokit.log.warn as (format: string, ...values: unknown[]) => void;
            warn("pao: GitHub's rate limit answered %s %s; waiting %d s to try once more", method, opts.url, Math.ceil(wait / 1000));
            await sleep(wait);
            attempt--;
            continue;
          }
          if (!transient(error) || attempt >= retries) throw error;
          await sleep(unit * (attempt + 1) ** 2);
        }
      }
    });
  };
}
