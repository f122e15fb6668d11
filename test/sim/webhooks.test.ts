/** The simulator's webhook delivery: signed as GitHub signs, and duplicated, delayed or reordered on demand. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhooks } from "@octokit/webhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebhookDeliverer } from "./webhooks.js";

interface Received {
  event: string;
  delivery: string;
  body: string;
  signature: string;
  at: number;
}

let server: Server;
let received: Received[] = [];
let url = "";
const secret = "a-secret-of-some-length-1234567890";

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({
        event: String(req.headers["x-github-event"]),
        delivery: String(req.headers["x-github-delivery"]),
        body,
        signature: String(req.headers["x-hub-signature-256"]),
        at: Date.now(),
      });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  received = [];
});

function deliverer(): WebhookDeliverer {
  const d = new WebhookDeliverer();
  d.target = { url, secret };
  return d;
}

describe("webhook delivery", () => {
  it("signs each body as GitHub does, so @octokit/webhooks verifies it", async () => {
    const d = deliverer();
    d.emit("push", { ref: "refs/heads/main" });
    await d.settled();
    expect(received).toHaveLength(1);
    const hooks = new Webhooks({ secret });
    expect(await hooks.verify(received[0]!.body, received[0]!.signature)).toBe(true);
    expect(await new Webhooks({ secret: "another-secret-000000000000" }).verify(received[0]!.body, received[0]!.signature)).toBe(false);
    expect(d.deliveries[0]!.status).toBe(200);
  });

  it("delivers duplicates with the same delivery id, as a redelivery does", async () => {
    const d = deliverer();
    d.options.copies = 3;
    d.emit("pull_request", { action: "opened", number: 1 });
    await d.settled();
    expect(received.map((r) => r.event)).toEqual(["pull_request", "pull_request", "pull_request"]);
    expect(new Set(received.map((r) => r.delivery)).size).toBe(1);
  });

  it("delays deliveries on demand", async () => {
    const d = deliverer();
    d.options.delayMs = 150;
    const sent = Date.now();
    d.emit("push", { ref: "refs/heads/main" });
    await d.settled();
    expect(received[0]!.at - sent).toBeGreaterThanOrEqual(140);
  });

  it("holds events and releases them out of order, reversed or in any order a test picks", async () => {
    const d = deliverer();
    d.holding = true;
    for (const n of [1, 2, 3]) d.emit("issue_comment", { action: "created", n });
    expect(received).toHaveLength(0);
    await d.release((count) => [...Array(count).keys()].reverse());
    expect(received.map((r) => (JSON.parse(r.body) as { n: number }).n)).toEqual([3, 2, 1]);

    received = [];
    d.options.reverse = true;
    d.holding = false;
    for (const n of [1, 2]) d.emit("issue_comment", { action: "created", n });
    await d.release();
    expect(received.map((r) => (JSON.parse(r.body) as { n: number }).n)).toEqual([2, 1]);
  });

  it("records a failed delivery instead of throwing", async () => {
    const d = new WebhookDeliverer();
    d.target = { url: "http://127.0.0.1:1/hooks", secret };
    d.emit("push", { ref: "refs/heads/main" });
    await d.settled();
    expect(d.deliveries[0]!.status).toBeNull();
    expect(d.deliveries[0]!.error).toBeDefined();
  });
});
