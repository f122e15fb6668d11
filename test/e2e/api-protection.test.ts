/**
 * Issue 3, point 7 in local mode: rate limiting per caller (X-RateLimit-* headers, a 429 problem with Retry-After,
 * X-Forwarded-For believed only with PAO_TRUST_PROXY_HOPS), helmet's security headers, capped request bodies, and
 * hostile validate bodies refused without harm.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";
import { call, expectProblem, getJson, post, type Answer } from "../helpers/http.js";

const BODY_LIMIT = 65_536;
let limited: RunningServer; // 3 requests per window, X-Forwarded-For not trusted
let proxied: RunningServer; // 3 requests per window, behind one trusted proxy
let open: RunningServer; // default rate limit, small body limit

beforeAll(async () => {
  const base = { PAO_LOCAL_REPO: REPO_ROOT, PAO_POLL_INTERVAL_MS: "0" };
  [limited, proxied, open] = await Promise.all([
    startServer({ ...base, PAO_RATE_LIMIT: "3", PAO_RATE_LIMIT_WINDOW_SECONDS: "60" }),
    startServer({ ...base, PAO_RATE_LIMIT: "3", PAO_RATE_LIMIT_WINDOW_SECONDS: "60", PAO_TRUST_PROXY_HOPS: "1" }),
    startServer({ ...base, PAO_BODY_LIMIT_BYTES: String(BODY_LIMIT) }),
  ]);
});

afterAll(async () => {
  await Promise.all([limited?.stop(), proxied?.stop(), open?.stop()]);
});

const int = (answer: Answer, header: string) => Number(answer.headers.get(header));

function expectRateLimited(answer: Answer, instance: string): void {
  const p = expectProblem(answer, 429, instance);
  const retry = answer.headers.get("retry-after");
  expect(retry).toMatch(/^\d+$/);
  expect(Number(retry)).toBeGreaterThan(0);
  expect(Number(retry)).toBeLessThanOrEqual(60);
  expect(answer.headers.get("x-ratelimit-remaining")).toBe("0");
  expect(p.title).toBeTruthy();
}

describe("rate limiting", () => {
  it("every limited answer carries X-RateLimit-Limit, -Remaining and -Reset", async () => {
    const first = await call(`${open.api}/catalog/items`);
    const second = await call(`${open.api}/catalog/items/eks-container-app`);
    for (const answer of [first, second]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-ratelimit-limit")).toBe("600");
      expect(answer.headers.get("x-ratelimit-remaining")).toMatch(/^\d+$/);
      expect(answer.headers.get("x-ratelimit-reset")).toMatch(/^\d+$/);
    }
    expect(int(second, "x-ratelimit-remaining")).toBe(int(first, "x-ratelimit-remaining") - 1);
    // Reset: when the window ends, in epoch seconds, within the 60 s window from now.
    const reset = int(first, "x-ratelimit-reset") * 1000;
    expect(reset).toBeGreaterThan(Date.now() - 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() + 61_000);
    // Problems count and carry the headers too.
    const missing = await call(`${open.api}/catalog/items/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-ratelimit-limit")).toBe("600");
  });

  it("the fourth request in the window is a 429 problem with Retry-After; spoofing X-Forwarded-For does not help", async () => {
    const remaining: number[] = [];
    // Each with a different made-up X-Forwarded-For: without a trusted proxy they are one caller.
    for (const forwarded of ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) {
      const answer = await call(`${limited.api}/catalog/items`, { headers: { "x-forwarded-for": forwarded } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-ratelimit-limit")).toBe("3");
      remaining.push(int(answer, "x-ratelimit-remaining"));
    }
    expect(remaining).toEqual([2, 1, 0]);
    expectRateLimited(await call(`${limited.api}/catalog/items`), "/api/v1/catalog/items");
    expectRateLimited(await call(`${limited.api}/requests`, { headers: { "x-forwarded-for": "198.51.100.200" } }), "/api/v1/requests");
    expectRateLimited(await post(`${limited.api}/admin/catalog/validate`, { type: "catalog_item", definition: {} }), "/api/v1/admin/catalog/validate");
  });

  it("health is not limited", async () => {
    for (let i = 0; i < 6; i++) {
      const health = await call(`${limited.api}/health`);
      expect(health.status).toBe(200);
      expect(health.body.status).toBe("healthy");
    }
  });

  it("with PAO_TRUST_PROXY_HOPS=1, X-Forwarded-For names the caller: each address has its own quota", async () => {
    const as = (address: string) => call(`${proxied.api}/catalog/items`, { headers: { "x-forwarded-for": address } });
    for (const expected of [2, 1, 0]) expect(int(await as("198.51.100.1"), "x-ratelimit-remaining")).toBe(expected);
    expectRateLimited(await as("198.51.100.1"), "/api/v1/catalog/items");

    const other = await as("198.51.100.2");
    expect(other.status).toBe(200);
    expect(int(other, "x-ratelimit-remaining")).toBe(2);
    // Only the last hop is believed: an address the client prepends itself changes nothing.
    expectRateLimited(await as("192.0.2.55, 198.51.100.1"), "/api/v1/catalog/items");
  });

  it("a made-up Authorization header does not buy a fresh quota (local mode checks no tokens)", async () => {
    const as = (headers: Record<string, string>) => call(`${proxied.api}/catalog/items`, { headers: { "x-forwarded-for": "198.51.100.9", ...headers } });
    for (let i = 0; i < 3; i++) expect((await as({})).status).toBe(200);
    expectRateLimited(await as({}), "/api/v1/catalog/items");
    expectRateLimited(await as({ authorization: "Bearer made-up-token-1" }), "/api/v1/catalog/items");
    expectRateLimited(await as({ authorization: "Bearer made-up-token-2" }), "/api/v1/catalog/items");
  });
});

describe("security headers (helmet)", () => {
  it("are on answers and on problems", async () => {
    for (const answer of [await call(`${open.api}/catalog/items`), await call(`${open.api}/nothing`), await call(`${open.api}/health`)]) {
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(answer.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(answer.headers.get("referrer-policy")).toBe("no-referrer");
      expect(answer.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(answer.headers.get("x-powered-by")).toBeNull();
    }
  });
});

describe("request bodies", () => {
  const validate = () => `${open.api}/admin/catalog/validate`;
  const definition = {
    name: "test-service",
    version: "1.0.0",
    description: "Test service definition",
    owner: "platform-team",
    tags: ["test"],
    presentation: { fields: [{ name: "summary", type: "string", required: true }] },
    fulfillment: { actions: [{ name: "ticket", type: "JiraTicket", template: { project: "PLAT", summary: "{{ summary }}" } }] },
  };

  it("a body larger than PAO_BODY_LIMIT_BYTES is a 413 problem; one below it is answered", async () => {
    const big = { type: "catalog_item", definition: { ...definition, description: "x".repeat(BODY_LIMIT + 10) } };
    const p = expectProblem(await post(validate(), big), 413, "/api/v1/admin/catalog/validate");
    expect(p.detail).toContain(String(BODY_LIMIT));
    const fits = { type: "catalog_item", definition: { ...definition, description: "x".repeat(BODY_LIMIT - 2000) } };
    const answer = await post(validate(), fits);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toEqual([]);
  });

  it("malformed JSON is a 400 problem", async () => {
    for (const text of ['{"type":"catalog_item",', "{'type': 'catalog_item'}", "not json at all", '"just a string"', "[1, 2]", "null"]) {
      const answer = await post(validate(), text);
      expectProblem(answer, 400, "/api/v1/admin/catalog/validate");
    }
  });

  it("a body that is not JSON is a 415 problem", async () => {
    const cases: Array<Record<string, string>> = [
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-type": "application/xml" },
      {},
    ];
    for (const headers of cases) {
      const answer = await call(validate(), { method: "POST", headers, body: JSON.stringify({ type: "catalog_item", definition }) });
      expectProblem(answer, 415, "/api/v1/admin/catalog/validate");
    }
    // application/json with a charset is JSON.
    const ok = await call(validate(), {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ type: "catalog_item", definition }),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.valid).toBe(true);
  });

  const refused = (answer: Answer) => {
    if (answer.status === 400) {
      expectProblem(answer, 400, "/api/v1/admin/catalog/validate");
    } else {
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.valid, answer.text).toBe(false);
    }
  };
  // Written as text: JSON.parse makes "__proto__" an own key, which is what a hostile client sends.
  const good = JSON.stringify({ type: "catalog_item", definition });

  it("a __proto__ or constructor key in the body or nested in the definition is refused, and pollutes nothing", async () => {
    refused(await post(validate(), good.replace('{"type"', '{"__proto__":{"polluted":true},"type"')));
    refused(await post(validate(), good.replace('"presentation":{', '"presentation":{"__proto__":{"polluted":true},')));
    refused(await post(validate(), good.replace('"definition":{', '"definition":{"constructor":{"prototype":{"polluted":true}},')));

    const health = await getJson(`${open.api}/health`);
    expect(health.status).toBe("healthy");
    expect("polluted" in health).toBe(false);
    expect("polluted" in {}).toBe(false);
    const answer = await post(validate(), { type: "catalog_item", definition });
    expect(answer.body).toEqual({ valid: true, warnings: [], errors: [] });
  });

  it("a __proto__ key at the top of the definition is refused, as pao validate refuses it in a file", async () => {
    refused(await post(validate(), good.replace('"definition":{', '"definition":{"__proto__":{"polluted":true},')));
    expect((await getJson(`${open.api}/health`)).status).toBe("healthy");
  });

  it("a definition nested 100 levels deep (or thousands) is refused safely and the server keeps answering", async () => {
    const nest = (depth: number, leaf: unknown) => {
      let value: unknown = leaf;
      for (let i = 0; i < depth; i++) value = { a: value };
      return value as Record<string, unknown>;
    };
    const deepObject = { type: "catalog_item", definition: { ...definition, presentation: nest(100, 1) } };
    const answers = [
      await post(validate(), deepObject),
      await post(validate(), { type: "catalog_item", definition: nest(100, "x") }),
      // Built as text, far deeper than any recursion should be allowed to go.
      await post(validate(), `{"type":"catalog_item","definition":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`),
      await post(validate(), `{"type":"catalog_item","definition":{"name":${"[".repeat(20_000)}${"]".repeat(20_000)}}}`),
    ];
    for (const answer of answers) {
      if (answer.status === 400) {
        expectProblem(answer, 400, "/api/v1/admin/catalog/validate");
      } else {
        expect(answer.status, answer.text.slice(0, 300)).toBe(200);
        expect(answer.body.valid).toBe(false);
      }
    }
    expect((await getJson(`${open.api}/health`)).status).toBe("healthy");
    expect((await getJson(`${open.api}/catalog/items`)).pagination.total_count).toBe(7);
  });
});
