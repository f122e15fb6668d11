/**
 * What the request pull request tests share: a world per test file (the real pao server as a GitHub App against the
 * simulator, see github-world.ts) and ways to look at what pao did there — the status records on pao-status, the
 * `pao` check runs, the sticky comment — and to wait until it has done it.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { STICKY_MARKER } from "../../src/app/render/comment.js";
import { recordPath } from "../../src/app/status-writer.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { requestId } from "../../src/requests/request-id.js";
import { openPullRequest } from "../sim/index.js";
import type { CallRecord } from "../sim/types.js";
import { NAME, OWNER, quietFor, startGitHubWorld, until, type GitHubWorld } from "./github-world.js";

/** Starts a world for the test file, stops it after, and checks after each test that every call was one GitHub accepts. */
export function useRequestWorld(env: Record<string, string> = {}): () => GitHubWorld {
  let world: GitHubWorld;
  beforeAll(async () => {
    // ops-dev may write but is not in acme/platform-data-team, the approver team of postgres-database.
    world = await startGitHubWorld({ collaborators: { "ops-dev": "write" }, env });
  });
  afterAll(async () => {
    await world?.stop();
  });
  afterEach(async () => {
    await world.sim.webhooks.settled();
    expect(world.sim.violations).toEqual([]);
  });
  return () => world;
}

export const CACHE = (name: string) => `catalog_item: redis-cache
version: ">=1.0.0"
parameters:
  cache_name: ${name}
  cache_size: 2gb
`;
export const ORDERS_DB = readFileSync("requests/data-team/orders-db.yaml", "utf8");
export const DB_UPGRADE = readFileSync("requests/data-team/orders-db-upgrade.yaml", "utf8");

export const idOf = (path: string, number: number) => requestId(`${OWNER}/${NAME}`, path, number);

export function requestKit(current: () => GitHubWorld) {
  /** A status record as the pao-status branch holds it now, or undefined. */
  function recordOn(id: string): StatusRecord | undefined {
    const world = current();
    const head = world.repo.refs.get("heads/pao-status");
    const file = head ? world.repo.store.fileAt(head, recordPath(id)) : undefined;
    return file ? StatusRecord.parse(parse(file.content.toString("utf8"))) : undefined;
  }

  /** Every `pao` check run of a commit, newest first (not only the latest, so a second run on one head shows). */
  async function checkRuns(sha: string) {
    const { data } = await current().as("dev-user").request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: OWNER, repo: NAME, ref: sha, filter: "all" });
    return data.check_runs.filter((c) => c.name === "pao");
  }

  async function annotations(checkRunId: number) {
    const { data } = await current().as("dev-user").request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", { owner: OWNER, repo: NAME, check_run_id: checkRunId });
    return data;
  }

  async function stickyComments(number: number) {
    const { data } = await current().as("dev-user").request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: OWNER, repo: NAME, issue_number: number, per_page: 100 });
    return data.filter((c) => c.body?.startsWith(STICKY_MARKER));
  }

  /** The one sticky comment once it says `text`. */
  async function commentSaying(number: number, text: string): Promise<string> {
    return until(async () => {
      const comments = await stickyComments(number);
      return comments.length === 1 && comments[0]!.body!.includes(text) ? comments[0]!.body! : undefined;
    }, `the sticky comment of #${number} to say ${JSON.stringify(text)}`);
  }

  /** The check run of a head commit once it has `title`. */
  async function checkTitled(sha: string, title: string) {
    return until(async () => (await checkRuns(sha)).find((c) => c.output.title === title), `the check on ${sha.slice(0, 7)} titled ${JSON.stringify(title)}`);
  }

  /**
   * Waits until pao has made no call to the simulator for a while: everything queued has been done. The while is
   * longer than the second Probot leaves between two writes to GitHub.
   */
  async function quiet(ms = 1500, counts?: (call: CallRecord) => boolean): Promise<void> {
    await quietFor(current(), ms, counts);
  }

  /** The payload of the `pull_request` opened webhook of a pull request, to deliver again. */
  function openedPayload(number: number): Record<string, unknown> {
    const delivery = current().sim.webhooks.deliveries.find((d) => d.event === "pull_request" && d.action === "opened" && d.payload["number"] === number);
    if (!delivery) throw new Error(`no opened delivery for #${number}`);
    return structuredClone(delivery.payload);
  }

  /** A developer orders by pull request, and pao has recorded it, commented, and gone quiet. */
  async function settledOrder(path: string, text: string, branch: string) {
    const pull = openPullRequest(current().sim, current().repo, { draft: true, author: "dev-user", branch, title: "Order", files: { [path]: text } });
    await until(() => recordOn(idOf(path, pull.number)), `the record of ${path}`);
    await commentSaying(pull.number, idOf(path, pull.number));
    await quiet();
    return pull;
  }

  return { recordOn, checkRuns, annotations, stickyComments, commentSaying, checkTitled, quiet, openedPayload, settledOrder };
}

/** A seeded shuffle (mulberry32), so a failing order can be replayed. */
export function shuffled(seed: number) {
  return (count: number): number[] => {
    let a = seed;
    const random = () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const order = [...Array(count).keys()];
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  };
}
