/**
 * The express adapter of the REST API: serves the route table of routes.ts. It unpacks the HTTP request, calls a
 * view with the current snapshot, and maps the outcome to HTTP: JSON with an ETag, 304, or a problem. Method
 * handling follows seed 004: OPTIONS on a known URI answers with Allow, an unsupported method gets 405 with Allow.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { errorCount } from "../diagnostics.js";
import express, { type NextFunction, type Request, type Response } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import type { RateLimitConfig } from "../config.js";
import type { SnapshotSource } from "../repo/snapshot.js";
import { AnswerCache, type CachedAnswer } from "./answer-cache.js";
import { CursorCodec } from "./cursor.js";
import { ApiProblem } from "./problem.js";
import { parseInput, ROUTES, type Operation, type Route } from "./routes.js";
import { time, timeOrNull, type ViewContext } from "./views/context.js";

export const API_BASE = "/api/v1";

export type Authorization = "ok" | "unauthorized" | "not-found";

export interface ApiDeps {
  source: SnapshotSource;
  timeZone: string;
  version: string;
  rateLimit: RateLimitConfig;
  bodyLimitBytes: number;
  /** GitHub mode: may this token read the repository? Absent in local mode, where the API is open. */
  authorize?: (token: string) => Promise<Authorization>;
  cursors?: CursorCodec;
  onError?: (error: unknown, req: Request) => void;
}

/** Routes that answer without credentials and without counting against the rate limit. */
const OPEN_PATHS = new Set(ROUTES.filter((r) => r.open).map((r) => r.path));

export function createApiRouter(deps: ApiDeps): express.Router {
  const router = express.Router({ strict: false });
  const cursors = deps.cursors ?? new CursorCodec();
  const answers = new AnswerCache();
  const context = (): ViewContext => ({ snapshot: deps.source.current(), timeZone: deps.timeZone, cursors, base: API_BASE, version: deps.version });

  router.use(
    rateLimit({
      windowMs: deps.rateLimit.windowSeconds * 1000,
      limit: deps.rateLimit.limit,
      legacyHeaders: true,
      standardHeaders: false,
      skip: (req) => OPEN_PATHS.has(req.path),
      // A caller is its address (as far as trusted proxies say). Not its token: the limit runs before a token is
      // checked, and an unchecked token would let anyone mint fresh quotas.
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
      handler: (req, res, _next, options) => {
        const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const retry = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
        res.setHeader("Retry-After", String(retry));
        sendProblem(
          req,
          res,
          new ApiProblem("rate-limited", `more than ${options.limit} requests in ${Math.ceil(options.windowMs / 1000)} seconds; try again in ${retry} seconds`),
        );
      },
    }),
  );

  if (deps.authorize) {
    const authorize = deps.authorize;
    router.use(async (req, res, next) => {
      if (OPEN_PATHS.has(req.path)) return next();
      const token = bearer(req);
      if (!token) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="pao"');
        return sendProblem(req, res, new ApiProblem("unauthorized", "send Authorization: Bearer <GitHub token> of someone who can read the catalog repository"));
      }
      try {
        const outcome = await authorize(token);
        if (outcome === "ok") return next();
        if (outcome === "unauthorized") {
          res.setHeader("WWW-Authenticate", 'Bearer realm="pao", error="invalid_token"');
          return sendProblem(req, res, new ApiProblem("unauthorized", "GitHub does not accept this token"));
        }
        // Not 403: a caller who cannot read the repository learns nothing about what is in it.
        return sendProblem(req, res, new ApiProblem("not-found", `nothing at ${req.originalUrl.split("?")[0]}`));
      } catch {
        // GitHub could not be asked; failing closed, and saying why.
        return sendProblem(req, res, new ApiProblem("unavailable", "the token could not be checked with GitHub just now; try again shortly"));
      }
    });
  }

  for (const route of ROUTES) router.all(route.path, handle(route));

  router.use((req, res) => sendProblem(req, res, new ApiProblem("not-found", `no resource at ${req.originalUrl.split("?")[0]}; see ${API_BASE}/openapi.json`)));
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendProblem(req, res, toProblem(error, req, deps));
  });
  return router;

  function handle(route: Route) {
    // Not strict: `null` or `[]` is JSON all the same, and the answer says it must be an object, not that it is not JSON.
    const jsonBody = express.json({ limit: deps.bodyLimitBytes, strict: false, type: () => true });
    const allow = allowed(route);
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        const method = req.method === "HEAD" ? "GET" : req.method;
        if (method === "GET" && route.get?.run && !route.get.volatile) {
          const hit = answers.get(deps.source.current().id, req.originalUrl);
          if (hit) return sendAnswer(req, res, hit, route.get.compress);
        }
        if (method === "OPTIONS") {
          res.setHeader("Allow", allow);
          res.status(204).end();
          return;
        }
        const op: Operation | undefined = method === "GET" ? route.get : method === "POST" ? route.post : undefined;
        if (!op || op.gitops) {
          res.setHeader("Allow", allow);
          const how = op?.gitops ? ` pao changes nothing through this API: requests live in git. ${op.gitops}` : "";
          throw new ApiProblem("method-not-allowed", `${req.method} is not supported on ${req.originalUrl.split("?")[0]}; allowed: ${allow}.${how}`);
        }
        const query = parseInput(op.query, { ...(req.query as Record<string, unknown>) }, "query");
        let body: unknown;
        if (op.body) {
          if (!req.is("application/json")) throw new ApiProblem("unsupported-media-type", "send the body as application/json");
          await new Promise<void>((resolve, reject) => jsonBody(req, res, (e?: unknown) => (e ? reject(e) : resolve())));
          if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
            throw new ApiProblem("validation-error", `the body must be a JSON object ({ ... }), not ${jsonKind(req.body)}`, {
              validation_errors: [{ field: "body", error: "invalid_type", message: `must be a JSON object, not ${jsonKind(req.body)}` }],
            });
          }
          body = parseInput(op.body, req.body, "body");
        }
        if (op.effect === "refresh") {
          const snapshot = await deps.source.refresh();
          const ctx = { ...context(), snapshot };
          res.json({
            status: "refreshed",
            catalog_last_updated: timeOrNull(ctx, snapshot.catalogUpdatedAt),
            last_sync: time(ctx, snapshot.syncedAt),
            items: snapshot.catalog.items.size,
            catalog_errors: errorCount(snapshot.diagnostics),
          });
          return;
        }
        const ctx = context();
        // Views are pure, so the answer is computed first: only a resource that exists has an entity tag.
        const answer = op.run!(ctx, { params: req.params as Record<string, string>, query, body });
        if (method === "GET") {
          // The answer is a function of the snapshot (its two commits, or in local mode the files' fingerprint) and
          // the URL, so that is the entity tag.
          const body = Buffer.from(JSON.stringify(answer));
          if (op.volatile) return sendAnswer(req, res, { etag: `"${digest(body.toString("latin1")).slice(0, 32)}"`, body });
          const cached = { etag: `"${ctx.snapshot.id}.${digest(req.originalUrl).slice(0, 16)}"`, body };
          answers.set(ctx.snapshot.id, req.originalUrl, cached);
          return sendAnswer(req, res, cached, op.compress);
        }
        res.json(answer);
      } catch (error) {
        next(error);
      }
    };
  }
}

/**
 * Sends a JSON answer with its entity tag, or 304. A compressible answer goes gzip-compressed to a client that
 * accepts it, under its own tag (the two representations differ byte for byte); it is compressed once and kept.
 */
function sendAnswer(req: Request, res: Response, answer: CachedAnswer, compress?: boolean): void {
  let etag = answer.etag;
  let body = answer.body;
  if (compress) {
    res.vary("Accept-Encoding");
    if (req.acceptsEncodings("gzip", "identity") === "gzip") {
      answer.gzip ??= gzipSync(answer.body);
      etag = answer.etag.replace(/"$/, '-gzip"');
      body = answer.gzip;
      res.setHeader("Content-Encoding", "gzip");
    }
  }
  res.setHeader("ETag", etag);
  res.setHeader("Cache-Control", "no-cache");
  if (matchesEtag(req.headers["if-none-match"], etag)) {
    res.removeHeader("Content-Encoding");
    res.status(304).end();
    return;
  }
  res.type("application/json").send(body);
}

/** What a JSON value is, in words, for an answer that says what was expected instead. */
function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : typeof value === "boolean" ? "a boolean" : "nothing";
}

function allowed(route: Route): string {
  const methods: string[] = [];
  if (route.get) methods.push("GET", "HEAD");
  if (route.post && !route.post.gitops) methods.push("POST");
  methods.push("OPTIONS");
  return methods.join(", ");
}

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === "*" || header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

export function toProblem(error: unknown, req: Request, deps: Pick<ApiDeps, "bodyLimitBytes" | "onError">): ApiProblem {
  if (error instanceof ApiProblem) return error;
  // express could not decode a path parameter: the caller's URL, not pao, is at fault.
  if (error instanceof URIError) return malformedEscape();
  const e = error as { type?: string; status?: number; expose?: boolean };
  if (e.type === "entity.too.large") return new ApiProblem("payload-too-large", `the body is larger than ${deps.bodyLimitBytes} bytes`);
  if (e.type === "entity.parse.failed") return new ApiProblem("bad-request", "the body is not valid JSON");
  if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") return new ApiProblem("unsupported-media-type", "send the body as UTF-8 JSON");
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500 && e.expose) return new ApiProblem("bad-request", String((error as Error).message));
  deps.onError?.(error, req);
  return new ApiProblem("internal-error", "pao failed to answer; the error is in its log");
}

export function malformedEscape(): ApiProblem {
  return new ApiProblem("bad-request", "the path holds a malformed percent-escape: each %XX must encode UTF-8 (write a literal % as %25)");
}

export function sendProblem(req: Request, res: Response, problem: ApiProblem): void {
  for (const [name, value] of Object.entries(problem.extra.headers ?? {})) res.setHeader(name, value);
  res.status(problem.status).type("application/problem+json").send(JSON.stringify(problem.body(req.originalUrl.split("?")[0] ?? "")));
}
