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
  app.use(helmet());
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
