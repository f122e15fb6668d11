/**
 * The HTTP server: one express app serving the REST API (and, in GitHub App mode, Probot's webhook middleware,
 * mounted before any body parser because it verifies signatures over the raw body).
 */
import express, { type RequestHandler } from "express";
import helmet from "helmet";
import type { Config } from "./config.js";
import { API_BASE, createApiRouter, type ApiDeps } from "./api/router.js";
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
  return app;
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
