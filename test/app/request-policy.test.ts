/**
 * pao's request policy (in place of Probot's throttling and retry plugins), against the simulator: GitHub failing is
 * tried again unless the caller said not to, a rate limit is waited out once, and writes are spaced.
 */
import { format } from "node:util";
import { Octokit } from "@octokit/core";
import { describe, expect, it } from "vitest";
import { rateLimitWait, requestPolicy } from "../../src/github/request-policy.js";
import { createRepository } from "../sim/index.js";
import { useGatewaySimulator } from "../helpers/gateway-sim.js";

const { sim: current } = useGatewaySimulator();
const warnings: string[] = [];
const log = { debug: () => undefined, info: () => undefined, warn: (...args: unknown[]) => void warnings.push(format(...args)), error: () => undefined };

let counter = 0;
function client(writeIntervalMs = 0) {
  const repo = createRepository(current(), { owner: "acme", name: `policy-${++counter}`, files: { "README.md": "# x\n" } });
  const { token } = current().issueInstallationToken(repo.installationId);
  const Policy = Octokit.plugin(requestPolicy({ writeIntervalMs, retryUnitMs: 20 }) as never);
  const octokit = new Policy({ auth: token, baseUrl: current().apiUrl, log });
  const where = { owner: repo.owner, repo: repo.name };
  const calls = (operationId: string) => current().calls.filter((c) => c.operationId === operationId && new RegExp(`/${repo.name}(/|$)`).test(c.path));
  return { octokit, where, calls };
}

describe("the request policy", () => {
  it("tries a call GitHub failed (5xx) again, and answers with the retry's result", async () => {
    const { octokit, where, calls } = client();
    current().fault({ match: "repos/get", status: 502, times: 2 });
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", where);
    expect(data.name).toBe(where.repo);
    expect(calls("repos/get").map((c) => c.status)).toEqual([502, 502, 200]);
  });

  it("does not try again when the caller said so, nor on an answer that will not change (404, 422)", async () => {
    const { octokit, where, calls } = client();
    current().fault({ match: "repos/get", status: 502, times: 1 });
    await expect(octokit.request("GET /repos/{owner}/{repo}", { ...where, request: { retries: 0 } })).rejects.toMatchObject({ status: 502 });
    await expect(octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...where, ref: "heads/none" })).rejects.toMatchObject({ status: 404 });
    expect(calls("repos/get").map((c) => c.status)).toEqual([502]);
    expect(calls("git/get-ref").map((c) => c.status)).toEqual([404]);
  });

  it("waits out a secondary rate limit once, says so, and gives up on a second", async () => {
    const { octokit, where, calls } = client();
    current().fault({ match: "repos/get", status: 403, retryAfter: 1, times: 1 });
    const started = Date.now();
    await octokit.request("GET /repos/{owner}/{repo}", where);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(warnings.some((w) => w.includes("rate limit") && w.includes("1 s"))).toBe(true);
    current().fault({ match: "repos/get", status: 403, retryAfter: 1, times: 2 });
    await expect(octokit.request("GET /repos/{owner}/{repo}", where)).rejects.toMatchObject({ status: 403 });
    expect(calls("repos/get").map((c) => c.status)).toEqual([403, 200, 403, 403]);
  });

  it("writes one at a time and spaced, notifying writes three times as far apart", async () => {
    const { octokit, where, calls } = client(200);
    await Promise.all([
      octokit.request("POST /repos/{owner}/{repo}/git/blobs", { ...where, content: "a" }),
      octokit.request("POST /repos/{owner}/{repo}/git/blobs", { ...where, content: "b" }),
      octokit.request("POST /repos/{owner}/{repo}/issues", { ...where, title: "one" }),
      octokit.request("POST /repos/{owner}/{repo}/issues", { ...where, title: "two" }),
    ]);
    const blobs = calls("git/create-blob").map((c) => c.receivedAt);
    const issues = calls("issues/create").map((c) => c.receivedAt);
    expect(blobs[1]! - blobs[0]!).toBeGreaterThanOrEqual(190);
    expect(issues[1]! - issues[0]!).toBeGreaterThanOrEqual(590);
    // One at a time: each write reached GitHub after the one before it was answered.
    const all = [...calls("git/create-blob"), ...calls("issues/create")].sort((a, b) => a.receivedAt - b.receivedAt);
    for (let i = 1; i < all.length; i++) expect(all[i]!.receivedAt).toBeGreaterThanOrEqual(all[i - 1]!.at);
  });

  it("reads how long a rate limit asks to wait from GitHub's headers", () => {
    const error = (status: number, headers: Record<string, string>) => Object.assign(new Error("limited"), { status, response: { headers } });
    expect(rateLimitWait(error(403, { "retry-after": "30" }))).toBe(30_000);
    expect(rateLimitWait(error(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000" }), 990_000)).toBe(10_000);
    expect(rateLimitWait(error(403, {}))).toBeNull();
    expect(rateLimitWait(error(500, { "retry-after": "30" }))).toBeNull();
  });

  it("starts a call's answer time-out when the call is sent, not while it waits its turn among the writes", async () => {
    const { octokit, where } = client(400);
    const blob = (content: string, answerWithinMs?: number) =>
      octokit.request("POST /repos/{owner}/{repo}/git/blobs", { ...where, content, ...(answerWithinMs ? { request: { answerWithinMs, retries: 0 } } : {}) });
    // The second write waits 400 ms for its turn, longer than its 250 ms time-out, and still goes through.
    await Promise.all([blob("first"), blob("second", 250)]);
    // A call GitHub holds longer than its time-out is given up (and, as a dispatch asks, not tried again).
    current().fault({ match: "git/create-blob", latencyMs: 1_000, times: 1 });
    await expect(blob("held", 250)).rejects.toThrow();
  });

  it("has at most ten calls at GitHub at once", async () => {
    const { octokit, where, calls } = client();
    current().fault({ match: "repos/get", latencyMs: 150, times: 25 });
    await Promise.all(Array.from({ length: 25 }, () => octokit.request("GET /repos/{owner}/{repo}", where)));
    const spans = calls("repos/get").map((c) => [c.receivedAt, c.at] as const);
    const overlapping = Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
    expect(spans).toHaveLength(25);
    expect(overlapping).toBeLessThanOrEqual(10);
    expect(overlapping).toBeGreaterThan(1);
  });
});
