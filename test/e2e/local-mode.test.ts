/**
 * Issue 3, point 1 (and the ETag half of point 6): `npm start` with no APP_ID serves the repository on disk, says
 * so in one line, listens on loopback only, and sees edits under catalog/ (and new status records on the local
 * pao-status branch) after POST /admin/catalog/refresh, or on its own when polling is on.
 */
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { createGitRepo, type GitRepo } from "../helpers/git-repo.js";
import { copyExampleRepo, REPO_ROOT, type RepoCopy } from "../helpers/repo-copy.js";
import { call, eventually, getJson, post } from "../helpers/http.js";
import { COMPLETED, FAILED } from "../helpers/status-fixtures.js";

let manual: GitRepo; // polling off: only POST refresh re-reads
let polled: GitRepo; // polling every 150 ms
let manualServer: RunningServer;
let polledServer: RunningServer;
let defaultServer: RunningServer; // no PAO_LOCAL_REPO: the current directory
let fresh: RepoCopy;

beforeAll(async () => {
  manual = createGitRepo({ records: [COMPLETED] });
  polled = createGitRepo({ records: [COMPLETED] });
  fresh = copyExampleRepo();
  [manualServer, polledServer, defaultServer] = await Promise.all([
    startServer({ PAO_LOCAL_REPO: manual.dir, PAO_POLL_INTERVAL_MS: "0" }),
    startServer({ PAO_LOCAL_REPO: polled.dir, PAO_POLL_INTERVAL_MS: "150" }),
    startServer({ PAO_POLL_INTERVAL_MS: "0" }),
  ]);
});

afterAll(async () => {
  await Promise.all([manualServer?.stop(), polledServer?.stop(), defaultServer?.stop()]);
  manual?.remove();
  polled?.remove();
  fresh?.remove();
});

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe("start-up", () => {
  it("prints one line naming local mode, the repository it reads and the URL", () => {
    const lines = manualServer.output().split("\n").filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatch(/local mode/);
    expect(line).toContain(manual.dir);
    expect(line).toContain(`${manualServer.origin}/api/v1`);
    expect(line).toMatch(/webhooks off/);
  });

  it("listens on 127.0.0.1 only", async () => {
    const url = new URL(manualServer.origin);
    expect(url.hostname).toBe("127.0.0.1");
    const port = Number(url.port);
    expect(await canConnect("127.0.0.1", port)).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && a.family === "IPv4" && !a.internal)
      .map((a) => a!.address);
    for (const address of external) expect(await canConnect(address, port), `reachable on ${address}`).toBe(false);
  });

  it("without PAO_LOCAL_REPO serves the current directory, so a fresh clone serves its own example catalog", async () => {
    const line = defaultServer.output().split("\n").find((l) => l.includes("local mode"))!;
    expect(line).toContain(`serving ${REPO_ROOT} at`);
    const own = await getJson(`${defaultServer.api}/catalog/items`);
    const copyServer = await startServer({ PAO_LOCAL_REPO: fresh.dir, PAO_POLL_INTERVAL_MS: "0" });
    try {
      expect(own).toEqual(await getJson(`${copyServer.api}/catalog/items`));
    } finally {
      await copyServer.stop();
    }
    expect(own.pagination.total_count).toBe(7);
    expect((await getJson(`${defaultServer.api}/health`)).mode).toBe("local");
  });
});

describe("POST /admin/catalog/refresh re-reads the repository (polling off)", () => {
  const api = () => manualServer.api;

  it("an edit under catalog/ is seen after refresh, not before, and the ETag changes", async () => {
    const url = `${api()}/catalog/items/redis-cache`;
    const before = await call(url);
    expect(before.body.description).toBe("Managed Redis cache");
    const etag = before.headers.get("etag")!;
    const listEtag = (await call(`${api()}/catalog/items`)).headers.get("etag")!;

    manual.edit("catalog/databases/redis-cache.yaml", "description: Managed Redis cache", "description: Managed Redis cache with TLS");
    // Polling is off: nothing changes until asked.
    expect((await call(url)).body.description).toBe("Managed Redis cache");
    expect((await call(url, { headers: { "if-none-match": etag } })).status).toBe(304);

    const refreshed = await post(`${api()}/admin/catalog/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.status).toBe("refreshed");

    const after = await call(url);
    expect(after.body.description).toBe("Managed Redis cache with TLS");
    expect(after.headers.get("etag")).not.toBe(etag);
    // The old tag no longer matches: a cache revalidating with it gets the new body.
    const revalidated = await call(url, { headers: { "if-none-match": etag } });
    expect(revalidated.status).toBe(200);
    expect(revalidated.body.description).toBe("Managed Redis cache with TLS");
    const list = await call(`${api()}/catalog/items`);
    expect(list.headers.get("etag")).not.toBe(listEtag);
    expect(list.body.items.find((i: { name: string }) => i.name === "redis-cache").description).toBe("Managed Redis cache with TLS");
  });

  it("a new item file and a removed one are seen after refresh", async () => {
    manual.write(
      "catalog/messaging/sqs-queue.yaml",
      [
        "kind: CatalogItem",
        "name: sqs-queue",
        "version: 1.0.0",
        "description: An SQS queue",
        "owner: platform-messaging-team",
        "tags: [sqs, messaging]",
        "presentation:",
        "  fields: []",
        "fulfillment:",
        "  actions:",
        "    - name: ticket",
        "      type: JiraTicket",
        "      template: { project: MSG }",
        "",
      ].join("\n"),
    );
    rmSync(join(manual.dir, "catalog/storage/s3-bucket.yaml"));
    expect((await getJson(`${api()}/catalog/items?category=messaging`)).items.map((i: { name: string }) => i.name)).toEqual(["kafka-topic"]);

    await post(`${api()}/admin/catalog/refresh`);
    expect((await getJson(`${api()}/catalog/items?category=messaging`)).items.map((i: { name: string }) => i.name)).toEqual(["kafka-topic", "sqs-queue"]);
    expect(await getJson(`${api()}/catalog/items/sqs-queue`)).toMatchObject({ name: "sqs-queue", category: "messaging", version: "1.0.0" });
    expect((await call(`${api()}/catalog/items/s3-bucket`)).status).toBe(404);
    const stats = await getJson(`${api()}/admin/catalog/stats`);
    expect(stats.total_items).toBe(7);
    expect(stats.items_by_category).toEqual({ compute: 2, databases: 2, messaging: 2, networking: 1 });
  });

  it("a new request file, and a new commit on the pao-status branch, are seen after refresh", async () => {
    const listEtag = (await call(`${api()}/requests`)).headers.get("etag")!;
    expect((await getJson(`${api()}/requests?status=failed`)).requests).toEqual([]);
    manual.write(
      "requests/data-team/sessions-cache.yaml",
      ["catalog_item: redis-cache", "version: 1.1.0", "parameters:", "  cache_name: sessions", ""].join("\n"),
    );
    manual.writeStatus([COMPLETED, FAILED]);
    expect((await getJson(`${api()}/requests?status=failed`)).requests).toEqual([]);

    await post(`${api()}/admin/catalog/refresh`);
    const after = await call(`${api()}/requests`);
    expect(after.headers.get("etag")).not.toBe(listEtag);
    expect((await getJson(`${api()}/requests?status=failed`)).requests.map((r: { request_id: string }) => r.request_id)).toEqual(["req-abc123def456"]);
    const added = after.body.requests.filter((r: { catalog_item?: string }) => r.catalog_item === "redis-cache");
    expect(added).toHaveLength(1);
    expect(added[0].status).toBe("submitted");
    const detail = await getJson(`${api()}${added[0].href.replace("/api/v1", "")}`);
    expect(detail.parameters).toEqual({ cache_name: "sessions", cache_size: "1gb", eviction_policy: "allkeys-lru" });
  });

  it("a defect introduced under catalog/ shows in health after refresh, and the rest keeps being served", async () => {
    manual.edit("catalog/networking/dns-record.yaml", "version: 1.0.0", "version: 1.0");
    await post(`${api()}/admin/catalog/refresh`);
    const health = await getJson(`${api()}/health`);
    expect(health.status).toBe("degraded");
    expect(health.catalog_errors).toBeGreaterThan(0);
    expect((await getJson(`${api()}/catalog/items/redis-cache`)).name).toBe("redis-cache");
    manual.edit("catalog/networking/dns-record.yaml", "version: 1.0", "version: 1.0.0");
    await post(`${api()}/admin/catalog/refresh`);
    expect((await getJson(`${api()}/health`)).status).toBe("healthy");
  });
});

describe("polling (PAO_POLL_INTERVAL_MS)", () => {
  const api = () => polledServer.api;

  it("an edit under catalog/ is seen within a few seconds without a refresh", async () => {
    const url = `${api()}/catalog/items/kafka-topic`;
    const before = await call(url);
    expect(before.body.description).toBe("A topic on the shared Kafka cluster");
    polled.edit("catalog/messaging/kafka-topic.yaml", "description: A topic on the shared Kafka cluster", "description: A topic on the shared Kafka cluster (EU)");
    const started = Date.now();
    const after = await eventually(async () => {
      const answer = await call(url);
      expect(answer.body.description).toBe("A topic on the shared Kafka cluster (EU)");
      return answer;
    }, 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
  });

  it("a new status record on the pao-status branch is seen without a refresh", async () => {
    expect((await getJson(`${api()}/requests?status=failed`)).requests).toEqual([]);
    polled.writeStatus([COMPLETED, FAILED]);
    await eventually(async () => {
      const failed = await getJson(`${api()}/requests?status=failed`);
      expect(failed.requests.map((r: { request_id: string }) => r.request_id)).toEqual(["req-abc123def456"]);
    }, 5000);
  });
});
