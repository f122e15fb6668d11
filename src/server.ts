/**
 * The HTTP server: one express app serving the REST API (and, in GitHub App mode, Probot's webhook middleware,
 * mounted before any body parser because it verifies signatures over the raw body).
 */
import cors, { type CorsOptions } from "cors";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import helmet from "helmet";
import type { Config } from "./config.js";
import { ApiProblem } from "./api/problem.js";
import { API_BASE, createApiRouter, malformedEscape, sendProblem, toProblem, type ApiDeps } from "./api/router.js";
import type { SnapshotSource } from "./repo/snapshot.js";

export interface ServerParts {
  config: Config;
  source: SnapshotSource;
  version: string;
  authorize?: ApiDeps["authorize"];
  webhooks?: RequestHandler;
  onError?: ApiDeps["onError"];
}

export function createServer(parts: ServerParts): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // ETags are ours (derived from the snapshot), not express's hash of each body.
  app.set("etag", false);
  // X-Forwarded-For is believed only as far as the configured number of proxies.
  app.set("trust proxy", parts.config.trustProxyHops);
  // helmet's headers do not depend on the request: work them out once, and set them in one call per answer.
  const security = securityHeaders();
  app.use((_req, res, next) => {
    res.setHeaders(security);
    next();
  });
  if (parts.webhooks) app.use(parts.webhooks);
  if (parts.config.corsOrigins.length > 0) app.use(API_BASE, corsFor(parts.config.corsOrigins));
  app.use(
    API_BASE,
    createApiRouter({
      source: parts.source,
      timeZone: parts.config.timeZone,
      version: parts.version,
      rateLimit: parts.config.rateLimit,
      bodyLimitBytes: parts.config.bodyLimitBytes,
      ...(parts.authorize ? { authorize: parts.authorize } : {}),
      ...(parts.onError ? { onError: parts.onError } : {}),
    }),
  );
  app.get("/", (_req, res) => {
    res.redirect(`${API_BASE}/health`);
  });
  // Whatever else is asked (/api, /api/v2/..., a typo) is a problem a client can read, never express's HTML page.
  app.use((req, res) => {
    const path = req.originalUrl.split("?")[0] ?? "";
    sendProblem(req, res, validPath(path) ? new ApiProblem("not-found", `no resource at ${path}; this API is at ${API_BASE} (see ${API_BASE}/openapi.json)`) : malformedEscape());
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendProblem(req, res, toProblem(error, req, { bodyLimitBytes: parts.config.bodyLimitBytes, ...(parts.onError ? { onError: parts.onError } : {}) }));
  });
  return app;
}

function validPath(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * CORS for the configured origins only (PAO_CORS_ORIGINS). For any other origin the middleware stands aside: no
 * CORS headers, and a preflight gets the API's own OPTIONS answer, which a browser then refuses.
 */
function corsFor(origins: readonly string[]): RequestHandler {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  const options: CorsOptions = {
    origin: (origin, callback) => callback(null, origin ?? false),
    methods: ["GET", "HEAD", "POST", "OPTIONS"],
    // What a portal needs to read: revalidation, paging by rate limit, and the methods of a 405.
    exposedHeaders: ["ETag", "Allow", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "WWW-Authenticate"],
    maxAge: 600,
  };
  const handler = cors(options);
  return (req, res, next) => {
    const origin = req.headers.origin;
    // Every answer may differ by Origin, so caches keep them apart.
    res.vary("Origin");
    if (origin && (any || allowed.has(origin))) return handler(req, res, next);
    next();
  };
}

/** The headers helmet would set, captured by running it once against a stand-in response. */
function securityHeaders(): Map<string, string> {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  let done = false;
  (helmet() as unknown as (req: unknown, res: unknown, next: (err?: unknown) => void) => void)({ headers: {} }, res, (err) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error("helmet did not finish synchronously; apply it as middleware instead");
  return headers;
}
