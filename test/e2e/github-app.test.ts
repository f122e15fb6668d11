/**
 * GitHub App mode end to end: the real pao server against the simulator. A pull request opened in the simulator
 * reaches pao as a signed webhook and pao calls the simulator back; the REST API reads the repository through the
 * GitHub snapshot source and admits only callers whose GitHub token can read the repository.
 */
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAILED } from "../helpers/status-fixtures.js";
import { commitFiles, openPullRequest } from "../sim/index.js";
import { sign } from "../sim/webhooks.js";
import { runUntilExit } from "./server.js";
import { NAME, OWNER, startGitHubWorld, until, type GitHubWorld } from "./github-world.js";

let world: GitHubWorld;

beforeAll(async () => {
  world = await startGitHubWorld();
});

afterAll(async () => {
  await world?.stop();
});

afterEach(async () => {
  await world.sim.webhooks.settled();
  // Whatever pao called, GitHub's description has it, and the bodies were ones GitHub accepts.
  expect(world.sim.violations).toEqual([]);
});

const VALID_REQUEST = `catalog_item: redis-cache
version: ">=1.0.0"
parameters:
  cache_name: orders-cache
  cache_size: 2gb
`;

async function checkRunOn(sha: string) {
  const { data } = await world.as("dev-user").request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: OWNER, repo: NAME, ref: sha });
  return data.check_runs.find((c) => c.name === "pao" && c.status === "completed");
}

describe("the webhook loop", () => {
  it("a pull request opened in the simulator reaches pao, which calls the simulator back with a check run", async () => {
    const pull = openPullRequest(world.sim, world.repo, {
      draft: true, // validated and recorded; fulfilment waits until it is ready for review
      author: "dev-user",
      branch: "order-cache",
      title: "Order a cache",
      files: { "requests/product-team/orders-cache.yaml": VALID_REQUEST },
    });
    const check = await until(() => checkRunOn(pull.head.sha), "the pao check run");
    expect(check.conclusion).toBe("success");
    expect(check.output.title).toBe("1 valid request");
    const delivery = world.sim.webhooks.deliveries.find((d) => d.event === "pull_request" && d.action === "opened");
    expect(delivery?.status).toBe(200);
    // pao read the pull request's files and created the check run, as the installation.
    const calls = world.sim.calls.filter((c) => c.caller === "installation").map((c) => c.operationId);
    expect(calls).toContain("pulls/list-files");
    expect(calls).toContain("checks/create");
  });

  it("a request with mistakes fails the check, with an annotation on the offending line", async () => {
    const pull = openPullRequest(world.sim, world.repo, {
      draft: true, // validated and recorded; fulfilment waits until it is ready for review
      author: "dev-user",
      branch: "order-bad-cache",
      title: "Order a cache, badly",
      files: { "requests/product-team/bad-cache.yaml": VALID_REQUEST.replace("cache_size: 2gb", "cache_size: 3gb") },
    });
    const check = await until(() => checkRunOn(pull.head.sha), "the pao check run");
    expect(check.conclusion).toBe("failure");
    const { data: annotations } = await world.as("dev-user").request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", {
      owner: OWNER,
      repo: NAME,
      check_run_id: check.id,
    });
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatchObject({ path: "requests/product-team/bad-cache.yaml", start_line: 5, annotation_level: "failure" });
    expect(annotations[0]!.message).toContain("cache_size");
  });

  it("answers the webhook at once even when every call to GitHub takes two seconds; the work follows", async () => {
    world.sim.fault({ match: "*", latencyMs: 2000 });
    try {
      const pull = openPullRequest(world.sim, world.repo, {
        draft: true, // validated and recorded; fulfilment waits until it is ready for review
        author: "dev-user",
        branch: "order-slowly",
        title: "Order a cache on a slow day",
        files: { "requests/product-team/slow-cache.yaml": VALID_REQUEST.replace("orders-cache", "slow-cache") },
      });
      await world.sim.webhooks.settled();
      const delivery = world.sim.webhooks.deliveries.find((d) => d.event === "pull_request" && d.payload["number"] === pull.number)!;
      expect(delivery.status).toBe(200);
      expect(delivery.ms).toBeLessThan(1000);
      world.sim.clearFaults();
      const check = await until(() => checkRunOn(pull.head.sha), "the check run after the slow calls", 20_000);
      expect(check.conclusion).toBe("success");
    } finally {
      world.sim.clearFaults();
    }
  });

  it("refuses a webhook whose signature is forged, and does no work for it", async () => {
    // Let the work of the earlier tests' pull requests finish first (GitHub writes go out a second apart), so any call
    // after this is the forgery's.
    for (let stable = 0, last = -1; stable < 30; ) {
      await new Promise((r) => setTimeout(r, 50));
      stable = world.sim.calls.length === last ? stable + 1 : 0;
      last = world.sim.calls.length;
    }
    const before = world.sim.calls.length;
    const body = JSON.stringify({ action: "opened", number: 99, repository: { full_name: `${OWNER}/${NAME}` } });
    const response = await fetch(`${world.pao.origin}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "forged-1",
        "x-hub-signature-256": sign("not-the-secret-at-all-000000", body),
      },
      body,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 300));
    expect(world.sim.calls.length).toBe(before);
  });
});

describe("the REST API in GitHub App mode", () => {
  const api = () => world.pao.api;

  it("answers health without credentials", async () => {
    const response = await fetch(`${api()}/health`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { mode: string }).mode).toBe("github");
  });

  it("answers 401 without a token and for a token GitHub does not accept", async () => {
    const none = await fetch(`${api()}/catalog/items`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const bad = await fetch(`${api()}/catalog/items`, { headers: { authorization: "Bearer ghp_not-a-real-token" } });
    expect(bad.status).toBe(401);
  });

  it("answers 404, not 403, to a caller who cannot read the repository", async () => {
    const stranger = world.sim.user("stranger").token;
    const response = await fetch(`${api()}/catalog/items`, { headers: { authorization: `Bearer ${stranger}` } });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });

  it("serves the catalog of the simulated repository to a collaborator", async () => {
    const token = world.sim.user("reader").token;
    const response = await fetch(`${api()}/catalog/items/eks-container-app`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { version: string }).version).toBe("1.2.0");
  });

  it("sees a push to the default branch, fetching only the blobs that changed, with one recursive tree call", async () => {
    const token = world.sim.user("reader").token;
    const text = (await import("node:fs")).readFileSync("catalog/databases/redis-cache.yaml", "utf8");
    const blobsBefore = world.sim.calls.filter((c) => c.operationId === "git/get-blob").length;
    const treesBefore = world.sim.calls.filter((c) => c.operationId === "git/get-tree").length;
    commitFiles(world.sim, world.repo, "main", { "catalog/databases/redis-cache.yaml": text.replace("Managed Redis cache", "Managed Redis cache with TLS") });
    await until(async () => {
      const r = await fetch(`${api()}/catalog/items/redis-cache`, { headers: { authorization: `Bearer ${token}` } });
      return ((await r.json()) as { description: string }).description === "Managed Redis cache with TLS";
    }, "the pushed description");
    const blobs = world.sim.calls.filter((c) => c.operationId === "git/get-blob").length - blobsBefore;
    const trees = world.sim.calls.filter((c) => c.operationId === "git/get-tree").length - treesBefore;
    expect(blobs).toBe(1);
    // The default branch and (when it exists) the status branch: one recursive listing each.
    expect(trees).toBeLessThanOrEqual(2);
  });
});

describe("the GitHub snapshot source", () => {
  const get = (path: string) => fetch(`${world.pao.api}${path}`, { headers: { authorization: `Bearer ${world.sim.user("reader").token}` } });

  it("sees a status record committed to the status branch, by its push", async () => {
    const record = stringify({
      ...FAILED,
      request_path: "requests/product-team/customer-portal-web.yaml",
    });
    commitFiles(world.sim, world.repo, "pao-status", { [`status/${FAILED.request_id}.yaml`]: record }, { message: "status" });
    const answer = await until(async () => {
      const r = await get(`/requests/${FAILED.request_id}`);
      return r.status === 200 ? ((await r.json()) as { status: string }) : undefined;
    }, "the status record in the API");
    expect(answer.status).toBe("failed");
  });

  it("re-reads the repository on POST /admin/catalog/refresh, even without a push webhook", async () => {
    const text = readFileSync("catalog/messaging/kafka-topic.yaml", "utf8");
    commitFiles(world.sim, world.repo, "main", { "catalog/messaging/kafka-topic.yaml": text.replace("A topic on the shared Kafka cluster", "A topic, refreshed") }, { push: false });
    const before = (await (await get("/catalog/items/kafka-topic")).json()) as { description: string };
    expect(before.description).toBe("A topic on the shared Kafka cluster");
    const refresh = await fetch(`${world.pao.api}/admin/catalog/refresh`, { method: "POST", headers: { authorization: `Bearer ${world.sim.user("reader").token}` } });
    expect(refresh.status).toBe(200);
    const after = (await (await get("/catalog/items/kafka-topic")).json()) as { description: string };
    expect(after.description).toBe("A topic, refreshed");
  });

  it("asks GitHub about a token once, then answers from its short cache", async () => {
    const token = world.sim.user("platform-lead").token;
    const checks = () => world.sim.calls.filter((c) => c.operationId === "repos/get" && c.caller === "user").length;
    const before = checks();
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${world.pao.api}/catalog/items`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
    }
    expect(checks() - before).toBe(1);
  });
});

describe("start-up in GitHub App mode", () => {
  it("refuses to start without a webhook secret, or with a weak one", async () => {
    const base = { APP_ID: "1", PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----", PAO_REPOSITORY: "acme/catalog" };
    const missing = await runUntilExit(base);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("WEBHOOK_SECRET is required");
    const weak = await runUntilExit({ ...base, WEBHOOK_SECRET: "development" });
    expect(weak.code).toBe(1);
    expect(weak.output).toContain("WEBHOOK_SECRET is too weak");
    expect(weak.output).not.toContain("development");
  });
});
