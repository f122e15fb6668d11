/**
 * The end-to-end world of GitHub App mode: the simulator with a catalog repository (this repository's own example
 * catalog, requests and workflows), and the real pao server — `node dist/main.js`, as `npm start` runs it —
 * started as a GitHub App against the simulator through GHE_HOST, with the simulator's freshly generated private
 * key and webhook secret. Webhooks from the simulator go to pao's webhook path.
 */
import { readFileSync } from "node:fs";
import { Octokit } from "octokit";
import { walkFiles } from "../../src/repo/fs-files.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";
import { createRepository, startSimulator, type Simulator } from "../sim/index.js";
import type { SimRepo } from "../sim/state.js";
import type { CallRecord } from "../sim/types.js";
import { startServer, type RunningServer } from "./server.js";

export const OWNER = "acme";
export const NAME = "catalog";

export interface GitHubWorld {
  sim: Simulator;
  repo: SimRepo;
  pao: RunningServer;
  /** Starts pao again with the same settings (after `pao.kill()` or `pao.stop()`), and sends webhooks to it. */
  restart(): Promise<RunningServer>;
  /** Starts a second pao with the same settings; from then on webhooks go to the two in turn. */
  startReplica(): Promise<RunningServer>;
  /** A REST client acting as a user with a personal token (what a person's browser or script would hold). */
  as(login: string): Octokit;
  stop(): Promise<void>;
}

/** This repository's catalog, requests and .github as a file map for the simulated repository. */
export function exampleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  walkFiles(REPO_ROOT, ["catalog", "requests", ".github"], (path, abs) => (files[path] = readFileSync(abs, "utf8")));
  files["README.md"] = "# acme catalog\n";
  return files;
}

export async function startGitHubWorld(options: { env?: Record<string, string>; collaborators?: Record<string, "admin" | "write" | "read"> } = {}): Promise<GitHubWorld> {
  const sim = await startSimulator();
  const repo = createRepository(sim, {
    owner: OWNER,
    name: NAME,
    files: exampleFiles(),
    collaborators: { "platform-lead": "admin", "dev-user": "write", reader: "read", ...(options.collaborators ?? {}) },
    teams: { "acme/platform-data-team": ["platform-lead"] },
  });
  const env = {
    APP_ID: String(sim.app.id),
    PRIVATE_KEY: sim.app.privateKeyPem,
    WEBHOOK_SECRET: sim.app.webhookSecret,
    PAO_REPOSITORY: `${OWNER}/${NAME}`,
    GHE_HOST: sim.host,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    ...(options.env ?? {}),
  };
  let pao: RunningServer;
  try {
    pao = await startServer(env);
  } catch (error) {
    await sim.stop();
    throw error;
  }
  sim.webhooks.target = { url: `${pao.origin}/api/github/webhooks`, secret: sim.app.webhookSecret };
  const replicas: RunningServer[] = [];
  const world: GitHubWorld = {
    sim,
    repo,
    pao,
    async restart() {
      world.pao = await startServer(env);
      sim.webhooks.target = { url: `${world.pao.origin}/api/github/webhooks`, secret: sim.app.webhookSecret };
      return world.pao;
    },
    async startReplica() {
      const replica = await startServer(env);
      replicas.push(replica);
      sim.webhooks.replicas = [world.pao, replica].map((p) => ({ url: `${p.origin}/api/github/webhooks`, secret: sim.app.webhookSecret }));
      return replica;
    },
    as: (login) => new Octokit({ auth: sim.user(login).token, baseUrl: sim.apiUrl, retry: { enabled: false }, throttle: { enabled: false } }),
    async stop() {
      await Promise.all(replicas.map((r) => r.stop()));
      await world.pao.stop();
      await sim.stop();
    },
  };
  return world;
}

/** Polls until `check` returns something truthy, within a bounded time (generous: a loaded two-core machine is slow). */
export async function until<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Until GitHub has had no call for `ms`: pao has finished what the last events asked of it. `counts` picks the calls
 * that matter: with two replicas each listing pull requests every few seconds, reads alone may never fall silent, so
 * a test about duplicate work waits for its writes to stop. Bounded: it fails, naming the last calls, rather than wait
 * for ever.
 */
export async function quietFor(world: GitHubWorld, ms = 1500, counts: (call: CallRecord) => boolean = () => true, timeoutMs = 300_000): Promise<void> {
  const { sim } = world;
  await sim.webhooks.settled();
  const deadline = Date.now() + timeoutMs;
  const seen = () => sim.calls.filter(counts).length;
  let count = seen();
  let since = Date.now();
  while (Date.now() - since < ms) {
    if (Date.now() > deadline) {
      const last = sim.calls.filter(counts).slice(-5).map((c) => `${c.method} ${c.path} ${c.status}`);
      throw new Error(`GitHub never had ${ms} ms without a call within ${timeoutMs} ms; the last calls:\n${last.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
    const now = seen();
    if (now !== count) {
      count = now;
      since = Date.now();
    }
  }
}

/** Calls that change something on GitHub (the reads of a reconciler are not work done). */
export const writes = (call: CallRecord): boolean => call.class !== "read";
