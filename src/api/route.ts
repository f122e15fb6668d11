/**
 * What a route of /api/v1 declares: its path, methods, query parameters, body and answer. The table of routes is
 * routes.ts; the express adapter (router.ts) and the OpenAPI description (openapi.ts) both read it through these
 * types, so neither depends on the other.
 */
import type { z } from "zod";
import type { ViewContext } from "./views/context.js";

export interface Operation {
  summary: string;
  /** Strict: a parameter that is not listed is a 400, never silently ignored. */
  query: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Answers 200 with the view's result; GET answers carry an ETag. */
  run?: (ctx: ViewContext, input: { params: Record<string, string>; query: Record<string, unknown>; body: unknown }) => unknown;
  /** For operations that change the source rather than read it (refresh). */
  effect?: "refresh";
  /** A write of seed 000 that is done the GitOps way: answered 405 with how to do it. */
  gitops?: string;
  /** The answer says more than the snapshot (health tells when it was read): not cached, tagged by its body. */
  volatile?: boolean;
  /** Large and unchanging: sent gzip-compressed to clients that accept it. */
  compress?: true;
}

export interface Route {
  path: string;
  get?: Operation;
  post?: Operation;
  /** Answers without credentials and without counting against the rate limit. */
  open?: true;
}
