/**
 * A GitHub that runs on localhost, for end-to-end tests. It serves the REST API under /api/v3 (as GitHub
 * Enterprise Server does, so Probot reaches it through GHE_HOST), judges every call by GitHub's OpenAPI
 * description, keeps state as GitHub would, and delivers signed webhooks when its state changes.
 *
 * Anything pao calls that GitHub's description does not have, or a body it would reject, or an operation the
 * simulator does not implement, is recorded in `violations`; tests assert there are none.
 */
import { createVerify, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GitHubDescription, type Operation } from "./openapi.js";
import type { SimInstallation, SimRepo, SimUser } from "./state.js";
import { SimHttpError, type CallClass, type CallRecord, type Caller, type Fault, type Handler, type Json, type SimRequest, type SimResponse } from "./types.js";
import { WebhookDeliverer } from "./webhooks.js";

let sharedDescription: GitHubDescription | undefined;
/** One key pair per process: generating RSA keys is slow, and each simulator only needs a key pao does not know. */
let sharedKeys: { privateKeyPem: string; publicKey: KeyObject } | undefined;

function appKeys(): { privateKeyPem: string; publicKey: KeyObject } {
  if (!sharedKeys) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    sharedKeys = { privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(), publicKey };
  }
  return sharedKeys;
}

export type RefListener = (repo: SimRepo, ref: string, before: string, after: string, sender: string) => void;

/** Operations that GitHub counts as creating content (secondary rate limits: about 80 a minute). */
const CONTENT_CREATING = new Set([
  "repos/create-or-update-file-contents",
  "git/create-commit",
  "issues/create",
  "issues/create-comment",
  "pulls/create",
  "pulls/create-review",
  "pulls/create-review-comment",
  "repos/create-commit-comment",
]);

export interface SimulatorOptions {
  /** Check the simulator's own answers against the description too (default true). */
  checkResponses?: boolean;
}

export class Simulator {
  readonly description: GitHubDescription;
  readonly handlers = new Map<string, Handler>();
  readonly repos = new Map<string, SimRepo>();
  readonly users = new Map<string, SimUser>();
  readonly installations = new Map<number, SimInstallation>();
  readonly tokens = new Map<string, Caller>();
  readonly calls: CallRecord[] = [];
  /** Told of every call as it is answered, with its parsed JSON body (benchmarks time dispatches by their inputs). */
  onCall?: (call: CallRecord, body: unknown) => void;
  readonly violations: string[] = [];
  readonly webhooks = new WebhookDeliverer();
  readonly app: { id: number; slug: string; privateKeyPem: string; publicKey: KeyObject; webhookSecret: string };
  private faults: Array<Fault & { used: number; seen: number }> = [];
  private readonly refListeners: RefListener[] = [];
  private readonly blobs = new Map<string, { contentType: string; data: Buffer }>();
  private server: Server | undefined;
  private nextId = 1000;
  private clockOffsetMs = 0;
  origin = "";

  constructor(private readonly options: SimulatorOptions = {}) {
    sharedDescription ??= GitHubDescription.load();
    this.description = sharedDescription;
    const keys = appKeys();
    this.app = { id: 4242, slug: "pao-sim", privateKeyPem: keys.privateKeyPem, publicKey: keys.publicKey, webhookSecret: randomBytes(24).toString("hex") };
    this.webhooks.validate = (event, payload) => this.description.checkWebhook(event, payload);
    this.webhooks.onViolation = (problem) => this.violations.push(problem);
  }

  /** `127.0.0.1:PORT`, for GHE_HOST. */
  get host(): string {
    return this.origin.replace(/^http:\/\//, "");
  }

  get apiUrl(): string {
    return `${this.origin}/api/v3`;
  }

  register(group: Record<string, Handler>): this {
    for (const [operationId, handler] of Object.entries(group)) {
      if (!this.description.operations.has(operationId)) throw new Error(`no operation ${operationId} in GitHub's description`);
      this.handlers.set(operationId, handler);
    }
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.webhooks.settled();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  id(): number {
    return this.nextId++;
  }

  now(): string {
    return new Date(Date.now() + this.clockOffsetMs).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /** GitHub's no-reply address of a user: `<id>+<login>@users.noreply.github.com`, bots' brackets left out. */
  email(login: string): string {
    return `${this.user(login).id}+${login.replace(/[^A-Za-z0-9-]/g, "")}@users.noreply.github.com`;
  }

  /** A commit signature for a user, dated now. */
  signature(login: string): { name: string; email: string; date: string } {
    return { name: login, email: this.email(login), date: this.now() };
  }

  /** Moves the simulator's clock (for timestamps), not the process's. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** Called whenever a branch moves, however it moved (so open pull requests can follow their head). */
  onRefMoved(listener: RefListener): void {
    this.refListeners.push(listener);
  }

  refMoved(repo: SimRepo, ref: string, before: string, after: string, sender: string): void {
    for (const listener of this.refListeners) listener(repo, ref, before, after, sender);
  }

  /**
   * Stores bytes at a URL outside the API, as GitHub's storage for artifact and archive downloads: answers that
   * redirect (302) point here, and it needs no credentials, as a signed storage URL does not.
   */
  blobUrl(data: Buffer, contentType: string): string {
    const token = randomBytes(12).toString("hex");
    this.blobs.set(token, { contentType, data });
    return `${this.origin}/_sim/blobs/${token}`;
  }

  fault(fault: Fault): void {
    this.faults.push({ ...fault, used: 0, seen: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Counts of calls, by operation and by class. */
  accounting(): { byOperation: Record<string, number>; byClass: Record<CallClass, number>; total: number } {
    const byOperation: Record<string, number> = {};
    const byClass: Record<CallClass, number> = { read: 0, write: 0, "content-creating": 0 };
    for (const c of this.calls) {
      const key = c.operationId ?? `${c.method} ${c.path}`;
      byOperation[key] = (byOperation[key] ?? 0) + 1;
      byClass[c.class]++;
    }
    return { byOperation, byClass, total: this.calls.length };
  }

  repo(fullName: string): SimRepo {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new SimHttpError(404, "Not Found");
    return repo;
  }

  user(login: string): SimUser {
    let user = this.users.get(login);
    if (!user) {
      user = { id: this.id(), login, type: login.endsWith("[bot]") ? "Bot" : "User", token: `ghu_${randomBytes(18).toString("hex")}` };
      this.users.set(login, user);
      this.tokens.set(user.token, { kind: "user", login, token: user.token });
    }
    return user;
  }

  /** Issues an installation token as POST /app/installations/{id}/access_tokens does. */
  issueInstallationToken(installationId: number): { token: string; expires_at: string } {
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    this.tokens.set(token, { kind: "installation", installationId, token });
    return { token, expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z") };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    const blob = /^\/_sim\/blobs\/([0-9a-f]+)$/.exec(url.pathname);
    if (blob) {
      const stored = this.blobs.get(blob[1]!);
      return send(res, stored ? { status: 200, raw: stored } : { status: 404, body: { message: "Not Found" } });
    }
    const path = url.pathname.replace(/^\/api\/v3/, "") || "/";
    const raw = await readBody(req);
    const method = req.method ?? "GET";
    const receivedAt = Date.now();
    let body: unknown;
    const record = (status: number, operationId: string | null, cls: CallClass, caller: Caller["kind"]) => {
      const call: CallRecord = { method, path, operationId, status, class: cls, caller, receivedAt, at: Date.now() };
      this.calls.push(call);
      this.onCall?.(call, body);
    };

    const match = this.description.match(method, path);
    if (!match) {
      this.violations.push(`${method} ${path}: not an operation in GitHub's OpenAPI description`);
      record(404, null, method === "GET" ? "read" : "write", "anonymous");
      return send(res, { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } });
    }
    const operation = match.operation;
    const cls: CallClass = CONTENT_CREATING.has(operation.operationId) ? "content-creating" : method === "GET" ? "read" : "write";
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
    } catch {
      this.violations.push(`${method} ${path}: the body is not JSON`);
      record(400, operation.operationId, cls, "anonymous");
      return send(res, { status: 400, body: { message: "Problems parsing JSON" } });
    }
    for (const problem of this.description.checkRequest(operation, url.searchParams, body)) {
      this.violations.push(`${method} ${operation.template} (${operation.operationId}): ${problem}`);
    }

    let caller: Caller = { kind: "anonymous" };
    let response: SimResponse;
    try {
      caller = this.authenticate(req.headers.authorization, operation);
      const fault = this.takeFault(operation, method);
      if (fault?.latencyMs) {
        let gone = false;
        res.once("close", () => (gone = !res.writableFinished));
        await new Promise((r) => setTimeout(r, fault.latencyMs));
        // The caller went away (killed) while the request was on its way: it never reached GitHub, nothing is done.
        if (gone) {
          record(499, operation.operationId, cls, caller.kind);
          return;
        }
      }
      if (fault?.status && !fault.afterWork) {
        response = faultResponse(fault);
      } else {
        const handler = this.handlers.get(operation.operationId);
        if (!handler) {
          this.violations.push(`${method} ${operation.template}: ${operation.operationId} is in GitHub's description but the simulator does not implement it`);
          throw new SimHttpError(501, `the simulator does not implement ${operation.operationId}`);
        }
        const request: SimRequest = { method, path, query: url.searchParams, params: match.params, body, headers: req.headers, operation, caller };
        response = await handler(request, this);
        if (this.options.checkResponses !== false && !response.raw) {
          for (const problem of this.description.checkResponse(operation, response.status, response.body)) {
            this.violations.push(`simulator answer to ${operation.operationId} breaks the description: ${problem}`);
          }
        }
        if (fault?.status) response = faultResponse(fault);
        if (fault?.answerAfterWorkMs) await new Promise((r) => setTimeout(r, fault.answerAfterWorkMs));
      }
    } catch (error) {
      if (error instanceof SimHttpError) {
        response = { status: error.status, body: { message: error.message, documentation_url: "https://docs.github.com/rest", ...error.extra } };
      } else {
        this.violations.push(`simulator crashed on ${method} ${path}: ${(error as Error).stack ?? String(error)}`);
        response = { status: 500, body: { message: "Server Error" } };
      }
    }
    record(response.status, operation.operationId, cls, caller.kind);
    send(res, response);
  }

  private authenticate(header: string | undefined, operation: Operation): Caller {
    const appOnly = operation.template.startsWith("/app");
    if (!header) {
      if (appOnly) throw new SimHttpError(401, "A JSON web token could not be decoded");
      return { kind: "anonymous" };
    }
    const [scheme, credential] = header.split(/\s+/, 2) as [string, string | undefined];
    if (!credential || !/^(bearer|token)$/i.test(scheme)) throw new SimHttpError(401, "Bad credentials");
    if (credential.split(".").length === 3) {
      this.verifyAppJwt(credential);
      return { kind: "app" };
    }
    if (appOnly) throw new SimHttpError(401, "A JSON web token could not be decoded");
    const caller = this.tokens.get(credential);
    if (!caller) throw new SimHttpError(401, "Bad credentials");
    return caller;
  }

  /** The app's JWT: RS256 over header.payload with the app's key, iss = app id, not expired, at most 10 minutes. */
  private verifyAppJwt(jwt: string): void {
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    const verifier = createVerify("RSA-SHA256");
    verifier.update(`${header}.${payload}`);
    if (!verifier.verify(this.app.publicKey, Buffer.from(signature, "base64url"))) throw new SimHttpError(401, "A JSON web token could not be decoded");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { iss?: unknown; exp?: number; iat?: number };
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== String(this.app.id)) throw new SimHttpError(401, "'Issuer' claim ('iss') must be an Integer");
    if (!claims.exp || claims.exp < now || !claims.iat || claims.exp - claims.iat > 600 + 60) {
      throw new SimHttpError(401, "'Expiration time' claim ('exp') is too far in the future");
    }
  }

  private takeFault(operation: Operation, method: string): Fault | undefined {
    for (const f of this.faults) {
      if (f.match !== "*" && f.match !== operation.operationId && f.match !== `${method} ${operation.template}`) continue;
      if (f.times !== undefined && f.used >= f.times) continue;
      f.seen++;
      if (f.every !== undefined && f.seen % f.every !== 0) continue;
      f.used++;
      return f;
    }
    return undefined;
  }
}

function faultResponse(fault: Fault): SimResponse {
  if (fault.status === 403 && fault.retryAfter !== undefined) {
    return {
      status: 403,
      headers: { "retry-after": String(fault.retryAfter) },
      body: {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      },
    };
  }
  const messages: Record<number, string> = { 409: "Conflict", 500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };
  return { status: fault.status!, body: { message: messages[fault.status!] ?? "Fault injected by the simulator" } };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: SimResponse): void {
  const headers: Record<string, string> = {
    "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
    ...(response.headers ?? {}),
  };
  if (response.raw) {
    res.writeHead(response.status, { ...headers, "content-type": response.raw.contentType, "content-length": String(response.raw.data.length) });
    res.end(response.raw.data);
    return;
  }
  if (response.body === undefined || response.status === 204 || response.status === 304) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
}

export type { Json };
