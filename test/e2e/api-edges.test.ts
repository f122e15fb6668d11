/**
 * Issue 9, items 7 (a body that is JSON but not an object), 8 (malformed escapes) and 16 (an API for portals): CORS
 * by PAO_CORS_ORIGINS, unknown parameters answered with the accepted ones in a bounded body, every unknown path a
 * problem+json 404, and the OpenAPI description gzip-compressed for clients that accept it.
 */
import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { copyExampleRepo, type RepoCopy } from "../helpers/repo-copy.js";
import { call, expectProblem, getJson, post } from "../helpers/http.js";

const PORTAL = "https://portal.example.com";
const OTHER_PORTAL = "http://localhost:5173";

let repo: RepoCopy;
let server: RunningServer; // CORS off (the default)
let corsServer: RunningServer;

beforeAll(async () => {
  repo = copyExampleRepo();
  [server, corsServer] = await Promise.all([
    startServer({ PAO_LOCAL_REPO: repo.dir, PAO_POLL_INTERVAL_MS: "0" }, 45_000),
    startServer({ PAO_LOCAL_REPO: repo.dir, PAO_POLL_INTERVAL_MS: "0", PAO_CORS_ORIGINS: `${PORTAL}, ${OTHER_PORTAL}` }, 45_000),
  ]);
  // The first answer of a fresh process is slow; the time limits below are about hostile input, not warm-up.
  await Promise.all([getJson(`${server.api}/catalog/items`), getJson(`${corsServer.api}/catalog/items`)]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), corsServer?.stop()]);
  repo?.remove();
});

/** A raw GET, so the test sees the bytes and headers as sent (fetch would undo the compression). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a malformed percent-escape (item 8)", () => {
  for (const path of ["/catalog/items/%ff", "/requests/%E0%A4%A", "/catalog/bundles/%", "/requests/req-1/steps/%c0%af"]) {
    it(`${path} answers 400 problem+json, and nothing is logged as a server failure`, async () => {
      const before = server.output().length;
      const started = Date.now();
      const answer = await call(`${server.api}${path}`);
      expect(Date.now() - started).toBeLessThan(1000);
      const p = expectProblem(answer, 400, `/api/v1${path}`);
      expect(p.detail).toMatch(/percent|escape|encod/i);
      expect(server.output().slice(before)).not.toMatch(/failed|NaN/);
    });
  }
});

describe("a body that is JSON but not an object (item 7)", () => {
  for (const body of ["null", "[]", "42", '"text"', "true"]) {
    it(`POST /admin/catalog/validate with ${body} says the body must be an object`, async () => {
      const p = expectProblem(await post(`${server.api}/admin/catalog/validate`, body), 400, "/api/v1/admin/catalog/validate");
      expect(p.detail).not.toMatch(/not valid JSON/);
      expect(p.detail).toMatch(/must be a JSON object/);
    });
  }

  it("a body that is not JSON at all is still called that", async () => {
    const p = expectProblem(await post(`${server.api}/admin/catalog/validate`, "{nope"), 400, "/api/v1/admin/catalog/validate");
    expect(p.detail).toMatch(/not valid JSON/);
  });
});

describe("unknown query parameters (item 16)", () => {
  it("are answered with the parameters that are accepted", async () => {
    const p = expectProblem(await call(`${server.api}/catalog/items?colour=red`), 400, "/api/v1/catalog/items");
    for (const accepted of ["limit", "cursor", "tags", "owner", "search", "category"]) expect(p.detail).toContain(accepted);
    const bad = p.validation_errors.find((e: { field: string }) => e.field === "colour");
    expect(bad.error).toBe("unknown_parameter");
    expect(bad.message).toContain("limit");
    const none = expectProblem(await call(`${server.api}/health?verbose=1`), 400, "/api/v1/health");
    expect(none.detail).toMatch(/takes no query parameters/);
  });

  it("a 10,000-character name is not echoed in full, and the body stays small", async () => {
    const name = "x".repeat(10_000);
    const answer = await call(`${server.api}/catalog/items?${name}=1`);
    const p = expectProblem(answer, 400, "/api/v1/catalog/items");
    expect(answer.text.length).toBeLessThan(4000);
    expect(answer.text).not.toContain("x".repeat(300));
    expect(p.validation_errors[0].error).toBe("unknown_parameter");
  });

  it("hundreds of unknown parameters give a bounded answer", async () => {
    // As many as fit in the 16 KiB of headers Node accepts.
    const query = Array.from({ length: 300 }, (_, i) => `p${i}${"y".repeat(30)}=1`).join("&");
    const started = Date.now();
    const answer = await call(`${server.api}/catalog/items?${query}`);
    expect(Date.now() - started).toBeLessThan(1000);
    expectProblem(answer, 400, "/api/v1/catalog/items");
    expect(answer.text.length).toBeLessThan(8000);
  });

  it("a very long path segment is not echoed in full", async () => {
    const name = "z".repeat(10_000);
    const answer = await call(`${server.api}/catalog/items/${name}`);
    expect(answer.status).toBe(404);
    expect(answer.text.length).toBeLessThan(4000);
  });
});

describe("paths outside /api/v1 (item 16)", () => {
  for (const path of ["/api", "/api/", "/api/v2/catalog/items", "/api/v1x", "/apiary", "/nope/at/all"]) {
    it(`${path} answers problem+json 404, not express's HTML`, async () => {
      const answer = await call(`${server.origin}${path}`);
      const p = expectProblem(answer, 404, path);
      expect(answer.text).not.toMatch(/<html|<pre>/i);
      expect(p.detail).toContain("/api/v1");
    });
  }

  it("a malformed escape outside /api/v1 is a 400 problem too", async () => {
    const answer = await call(`${server.origin}/api/v2/%ff`);
    expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect([400, 404]).toContain(answer.status);
  });
});

describe("the OpenAPI description is compressed for clients that accept gzip (item 16)", () => {
  it("Accept-Encoding: gzip gets gzip, and it unpacks to the same document", async () => {
    const plain = await rawGet(`${server.api}/openapi.json`, {});
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const zipped = await rawGet(`${server.api}/openapi.json`, { "accept-encoding": "gzip, deflate" });
    expect(zipped.status).toBe(200);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(String(zipped.headers["vary"])).toMatch(/accept-encoding/i);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(gunzipSync(zipped.body).toString("utf8"))).toEqual(JSON.parse(plain.body.toString("utf8")));
    // The two representations do not share a strong entity tag.
    expect(zipped.headers["etag"]).not.toBe(plain.headers["etag"]);
    const again = await rawGet(`${server.api}/openapi.json`, { "accept-encoding": "gzip", "if-none-match": String(zipped.headers["etag"]) });
    expect(again.status).toBe(304);
    const refused = await rawGet(`${server.api}/openapi.json`, { "accept-encoding": "gzip;q=0, identity" });
    expect(refused.headers["content-encoding"]).toBeUndefined();
  });
});

describe("CORS (item 16)", () => {
  it("is off by default: no Access-Control-Allow-Origin for anyone", async () => {
    const answer = await call(`${server.api}/catalog/items`, { headers: { origin: PORTAL } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows each configured origin, on answers and on preflight", async () => {
    for (const origin of [PORTAL, OTHER_PORTAL]) {
      const answer = await call(`${corsServer.api}/catalog/items`, { headers: { origin } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
      expect(answer.headers.get("vary")).toMatch(/origin/i);
      expect(answer.headers.get("access-control-expose-headers")).toMatch(/etag/i);
      const preflight = await call(`${corsServer.api}/requests`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "if-none-match" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
      expect(preflight.headers.get("access-control-allow-methods")).toMatch(/GET/);
      expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("if-none-match");
    }
    // Problems carry it too, so a portal can read why.
    const missing = await call(`${corsServer.api}/catalog/items/nope`, { headers: { origin: PORTAL } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe(PORTAL);
  });

  it("an origin not configured gets no CORS headers, on answers or on preflight", async () => {
    const evil = "https://evil.example.com";
    const answer = await call(`${corsServer.api}/catalog/items`, { headers: { origin: evil } });
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await call(`${corsServer.api}/requests`, { method: "OPTIONS", headers: { origin: evil, "access-control-request-method": "GET" } });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-methods")).toBeNull();
    // A look-alike is not the configured origin.
    const alike = await call(`${corsServer.api}/catalog/items`, { headers: { origin: `${PORTAL}.evil.com` } });
    expect(alike.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("plain OPTIONS without an Origin still answers with Allow", async () => {
    const answer = await call(`${corsServer.api}/requests`, { method: "OPTIONS" });
    expect(answer.status).toBe(204);
    expect(answer.headers.get("allow")).toContain("GET");
  });

  it("the health check is reachable cross-origin as well", async () => {
    expect((await getJson(`${corsServer.api}/health`, { origin: PORTAL })).status).toBeDefined();
    const answer = await call(`${corsServer.api}/health`, { headers: { origin: PORTAL } });
    expect(answer.headers.get("access-control-allow-origin")).toBe(PORTAL);
  });
});
