/**
 * Issue 3, points 4, 5 and 6: the write routes of seed 000 answer 405 with how to do it the GitOps way; errors are
 * RFC 7807 problems (404, 400 with validation_errors, 405 with Allow); OPTIONS answers with Allow; every GET carries
 * an ETag and If-None-Match answers 304.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { copyExampleRepo, type RepoCopy } from "../helpers/repo-copy.js";
import { call, expectProblem, getJson, post } from "../helpers/http.js";

let repo: RepoCopy;
let server: RunningServer;
let api: string;
let requestId: string;

beforeAll(async () => {
  repo = copyExampleRepo();
  server = await startServer({ PAO_LOCAL_REPO: repo.dir, PAO_POLL_INTERVAL_MS: "0" });
  api = server.api;
  requestId = (await getJson(`${api}/requests?limit=1`)).requests[0].request_id;
});

afterAll(async () => {
  await server?.stop();
  repo?.remove();
});

const allowOf = (header: string | null) => (header ?? "").split(",").map((m) => m.trim()).filter(Boolean).sort();

describe("write routes of seed 000 answer 405 and say how to do it the GitOps way", () => {
  it("POST /requests (4.1): add a request file in a pull request", async () => {
    const body = { catalog_item: "eks-container-app", version: "1.2.0", parameters: { app_name: "my-web-app", environment: "staging" } };
    const answer = await post(`${api}/requests`, body);
    const p = expectProblem(answer, 405, "/api/v1/requests");
    expect(allowOf(answer.headers.get("allow"))).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(p.detail).toMatch(/pull request/);
    expect(p.detail).toContain("requests/<team>/<name>.yaml");
  });

  it("POST /requests/{id}/resume (4.4): comment /resume on the pull request", async () => {
    const answer = await post(`${api}/requests/${requestId}/resume`, { step_id: "step-002" });
    const p = expectProblem(answer, 405, `/api/v1/requests/${requestId}/resume`);
    expect(answer.headers.get("allow")).toBeTruthy();
    expect(allowOf(answer.headers.get("allow"))).not.toContain("POST");
    expect(p.detail).toMatch(/comment/i);
    expect(p.detail).toContain("/resume");
    expect(p.detail).toMatch(/pull request/);
  });

  it("POST /requests/{id}/abort (4.5): comment /abort, or close the pull request", async () => {
    const answer = await post(`${api}/requests/${requestId}/abort`, { reason: "User requested cancellation" });
    const p = expectProblem(answer, 405, `/api/v1/requests/${requestId}/abort`);
    expect(answer.headers.get("allow")).toBeTruthy();
    expect(allowOf(answer.headers.get("allow"))).not.toContain("POST");
    expect(p.detail).toContain("/abort");
    expect(p.detail).toMatch(/pull request/);
  });

  it("POST /requests/{id}/steps/{step}/retry (4.7): comment /retry <step> on the pull request", async () => {
    const answer = await post(`${api}/requests/${requestId}/steps/step-001/retry`);
    const p = expectProblem(answer, 405, `/api/v1/requests/${requestId}/steps/step-001/retry`);
    expect(answer.headers.get("allow")).toBeTruthy();
    expect(allowOf(answer.headers.get("allow"))).not.toContain("POST");
    expect(p.detail).toContain("/retry");
    expect(p.detail).toMatch(/pull request/);
  });
});

describe("404 problems", () => {
  it("for unknown paths, items, bundles, updates, requests and steps", async () => {
    const cases = [
      "/nothing-here",
      "/catalog",
      "/catalog/items/no-such-item",
      "/catalog/bundles/no-such-bundle",
      "/catalog/update-items/no-such-update",
      "/catalog/update-operations/no-such-operation",
      "/requests/req-ffffffffffff",
      `/requests/${requestId}/steps/step-999`,
      "/requests/req-ffffffffffff/steps/step-001",
    ];
    for (const path of cases) {
      const p = expectProblem(await call(`${api}${path}`), 404, `/api/v1${path}`);
      expect(p.title).toBeTruthy();
    }
  });
});

describe("400 problems for bad query parameters", () => {
  it("limit=0, limit=101, limit=abc and other non-numbers, with validation_errors naming limit", async () => {
    for (const limit of ["0", "101", "abc", "-1", "1.5", "", "1e2"]) {
      const p = expectProblem(await call(`${api}/catalog/items?limit=${limit}`), 400, "/api/v1/catalog/items");
      expect(p.validation_errors, `limit=${limit}`).toEqual([
        { field: "limit", error: expect.any(String), message: expect.any(String) },
      ]);
    }
    for (const path of ["/catalog/bundles", "/catalog/update-items", "/catalog/update-operations", "/requests"]) {
      expectProblem(await call(`${api}${path}?limit=101`), 400, `/api/v1${path}`);
    }
  });

  it("unknown query parameters are refused, not ignored, on every route", async () => {
    const routes = [
      "/catalog/items",
      "/catalog/items/eks-container-app",
      "/catalog/bundles",
      "/catalog/update-items",
      "/requests",
      `/requests/${requestId}`,
      "/admin/catalog/stats",
      "/health",
    ];
    for (const path of routes) {
      const p = expectProblem(await call(`${api}${path}?colour=red`), 400, `/api/v1${path}`);
      expect(p.validation_errors).toEqual([{ field: "colour", error: "unknown_parameter", message: expect.stringContaining("colour") }]);
    }
    // A misspelt filter must not quietly return everything.
    const p = expectProblem(await call(`${api}/catalog/items?tag=database`), 400, "/api/v1/catalog/items");
    expect(p.validation_errors.map((e: { field: string }) => e.field)).toEqual(["tag"]);
    // target_item belongs to the update lists, not to the item list.
    expectProblem(await call(`${api}/catalog/items?target_item=postgres-database`), 400, "/api/v1/catalog/items");
  });

  it("a cursor with one character altered is refused", async () => {
    const cursor: string = (await getJson(`${api}/catalog/items?limit=2`)).pagination.next_cursor;
    expect(cursor.length).toBeGreaterThan(4);
    const alter = (s: string, at: number) => s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
    for (const at of [0, Math.floor(cursor.length / 2), cursor.length - 1]) {
      const forged = alter(cursor, at);
      expect(forged).not.toBe(cursor);
      const p = expectProblem(await call(`${api}/catalog/items?limit=2&cursor=${encodeURIComponent(forged)}`), 400, "/api/v1/catalog/items");
      expect(p.validation_errors).toEqual([expect.objectContaining({ field: "cursor" })]);
    }
    // The genuine cursor still works.
    expect((await getJson(`${api}/catalog/items?limit=2&cursor=${encodeURIComponent(cursor)}`)).items).toHaveLength(2);
  });

  it("a made-up cursor that decodes to a plausible position is refused", async () => {
    const cursor: string = (await getJson(`${api}/catalog/items?limit=2`)).pagination.next_cursor;
    const [payload, signature] = cursor.split(".");
    const decoded = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as unknown[];
    const moved = Buffer.from(JSON.stringify(["postgres-database", ...decoded.slice(1)]), "utf8").toString("base64url");
    for (const made of [`${moved}.${signature}`, Buffer.from(JSON.stringify({ name: "eks-container-app" })).toString("base64"), "", "x"]) {
      expectProblem(await call(`${api}/catalog/items?cursor=${encodeURIComponent(made)}`), 400, "/api/v1/catalog/items");
    }
  });

  it("a cursor from a list with other filters is refused", async () => {
    const cursor: string = (await getJson(`${api}/catalog/items?limit=1`)).pagination.next_cursor;
    const p = expectProblem(
      await call(`${api}/catalog/items?limit=1&owner=platform-data-team&cursor=${encodeURIComponent(cursor)}`),
      400,
      "/api/v1/catalog/items",
    );
    expect(p.validation_errors).toEqual([expect.objectContaining({ field: "cursor" })]);
    const filtered: string = (await getJson(`${api}/catalog/items?limit=1&category=compute`)).pagination.next_cursor;
    expectProblem(await call(`${api}/catalog/items?limit=1&cursor=${encodeURIComponent(filtered)}`), 400, "/api/v1/catalog/items");
    // Another page size is not another list: the cursor still applies.
    expect((await getJson(`${api}/catalog/items?limit=3&cursor=${encodeURIComponent(cursor)}`)).items[0].name).toBe("dns-record");
  });

  it("a cursor from another list is refused, never read as a position in this one", async () => {
    const itemsCursor: string = (await getJson(`${api}/catalog/items?limit=1`)).pagination.next_cursor;
    expectProblem(await call(`${api}/catalog/bundles?cursor=${encodeURIComponent(itemsCursor)}`), 400, "/api/v1/catalog/bundles");
    expectProblem(await call(`${api}/requests?cursor=${encodeURIComponent(itemsCursor)}`), 400, "/api/v1/requests");
    const requestsCursor: string = (await getJson(`${api}/requests?limit=1`)).pagination.next_cursor;
    expectProblem(await call(`${api}/catalog/items?cursor=${encodeURIComponent(requestsCursor)}`), 400, "/api/v1/catalog/items");
  });

  it("bad filter values are 400 problems too", async () => {
    const p = expectProblem(await call(`${api}/catalog/items?category=furniture`), 400, "/api/v1/catalog/items");
    expect(p.validation_errors).toEqual([expect.objectContaining({ field: "category" })]);
    expectProblem(await call(`${api}/catalog/items?tags=a&tags=b`), 400, "/api/v1/catalog/items");
    expectProblem(await call(`${api}/catalog/items?search=${"x".repeat(201)}`), 400, "/api/v1/catalog/items");
  });
});

describe("405 with Allow, and OPTIONS", () => {
  it("an unsupported method on a known URI is a 405 problem with Allow", async () => {
    const cases: Array<[string, string, string[]]> = [
      ["DELETE", "/catalog/items", ["GET", "HEAD", "OPTIONS"]],
      ["PUT", "/catalog/items/eks-container-app", ["GET", "HEAD", "OPTIONS"]],
      ["PATCH", `/requests/${requestId}`, ["GET", "HEAD", "OPTIONS"]],
      ["POST", "/catalog/bundles", ["GET", "HEAD", "OPTIONS"]],
      ["DELETE", `/requests/${requestId}/steps/step-001`, ["GET", "HEAD", "OPTIONS"]],
      ["GET", "/admin/catalog/refresh", ["OPTIONS", "POST"]],
      ["GET", "/admin/catalog/validate", ["OPTIONS", "POST"]],
      ["POST", "/health", ["GET", "HEAD", "OPTIONS"]],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await call(`${api}${path}`, { method });
      const p = expectProblem(answer, 405, `/api/v1${path}`);
      expect(allowOf(answer.headers.get("allow")), `${method} ${path}`).toEqual(allow);
      expect(p.detail).toContain(method);
    }
  });

  it("OPTIONS on a known URI answers 204 with Allow and no body", async () => {
    const cases: Array<[string, string[]]> = [
      ["/catalog/items", ["GET", "HEAD", "OPTIONS"]],
      ["/catalog/items/eks-container-app", ["GET", "HEAD", "OPTIONS"]],
      ["/requests", ["GET", "HEAD", "OPTIONS"]],
      [`/requests/${requestId}/steps/step-001`, ["GET", "HEAD", "OPTIONS"]],
      ["/admin/catalog/refresh", ["OPTIONS", "POST"]],
      ["/admin/catalog/validate", ["OPTIONS", "POST"]],
      ["/health", ["GET", "HEAD", "OPTIONS"]],
    ];
    for (const [path, allow] of cases) {
      const answer = await call(`${api}${path}`, { method: "OPTIONS" });
      expect(answer.status, path).toBe(204);
      expect(allowOf(answer.headers.get("allow")), path).toEqual(allow);
      expect(answer.text).toBe("");
    }
  });

  it("OPTIONS on an unknown URI is a 404 problem", async () => {
    expectProblem(await call(`${api}/no-such-thing`, { method: "OPTIONS" }), 404, "/api/v1/no-such-thing");
  });
});

describe("ETag and If-None-Match", () => {
  const gets = () => [
    "/catalog/items",
    "/catalog/items?category=compute&limit=1",
    "/catalog/items/eks-container-app",
    "/catalog/items/eks-container-app?version=1.1.0",
    "/catalog/bundles",
    "/catalog/bundles/full-stack-web-app",
    "/catalog/update-items",
    "/catalog/update-items/postgres-major-upgrade",
    "/catalog/update-operations",
    "/catalog/update-operations/postgres-scale-update",
    "/requests",
    `/requests/${requestId}`,
    `/requests/${requestId}/steps/step-001`,
    "/admin/catalog/stats",
    "/health",
    "/openapi.json",
  ];

  it("every GET carries an ETag, and If-None-Match with it answers 304 with no body", async () => {
    const tags = new Set<string>();
    for (const path of gets()) {
      const first = await call(`${api}${path}`);
      expect(first.status, path).toBe(200);
      const etag = first.headers.get("etag");
      expect(etag, path).toMatch(/^(W\/)?"[^"]+"$/);
      tags.add(etag!);
      const again = await call(`${api}${path}`, { headers: { "if-none-match": etag! } });
      expect(again.status, path).toBe(304);
      expect(again.text, path).toBe("");
      expect(again.headers.get("etag")).toBe(etag);
      // A list of tags, or a weak comparison, matches too.
      expect((await call(`${api}${path}`, { headers: { "if-none-match": `"nope", W/${etag}` } })).status).toBe(304);
      // Another tag does not.
      expect((await call(`${api}${path}`, { headers: { "if-none-match": '"something-else"' } })).status).toBe(200);
    }
    // Different resources, different tags.
    expect(tags.size).toBe(gets().length);
  });

  it("If-None-Match: * answers 304 for what exists, and never turns a missing resource into a 304", async () => {
    expect((await call(`${api}/catalog/items/eks-container-app`, { headers: { "if-none-match": "*" } })).status).toBe(304);
    for (const path of ["/catalog/items/no-such-item", "/requests/req-ffffffffffff", `/requests/${requestId}/steps/step-999`]) {
      // "*" matches only a current representation; there is none, so the request is answered as usual.
      expectProblem(await call(`${api}${path}`, { headers: { "if-none-match": "*" } }), 404, `/api/v1${path}`);
      // Nor does any tag the 404 itself may have carried make the missing resource "not modified".
      const missing = await call(`${api}${path}`);
      const tag = missing.headers.get("etag");
      if (tag) expectProblem(await call(`${api}${path}`, { headers: { "if-none-match": tag } }), 404, `/api/v1${path}`);
    }
  });

  it("HEAD answers like GET, with the ETag and no body", async () => {
    const get = await call(`${api}/catalog/items`);
    const head = await call(`${api}/catalog/items`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(head.headers.get("etag")).toBe(get.headers.get("etag"));
  });
});
