/**
 * Who may read the REST API in GitHub App mode: callers whose GitHub token can read PAO_REPOSITORY, as GitHub
 * itself answers `GET /repos/{owner}/{repo}` for that token. Answers are cached briefly by a digest of the token
 * (never the token itself), so a busy client costs GitHub one call a minute, and a revoked token stops working
 * within that minute.
 */
import { createHash } from "node:crypto";
import { Octokit } from "@octokit/core";

export interface TokenAuthorizerOptions {
  baseUrl?: string;
  owner: string;
  repo: string;
  ttlMs?: number;
  maxEntries?: number;
}

/** What a token may do with the catalog repository: read it, nothing (not a valid token), or not see it at all. */
export type TokenAccess = "ok" | "unauthorized" | "not-found";

export function createTokenAuthorizer(options: TokenAuthorizerOptions): (token: string) => Promise<TokenAccess> {
  const ttl = options.ttlMs ?? 60_000;
  const max = options.maxEntries ?? 10_000;
  const cache = new Map<string, { outcome: TokenAccess; until: number }>();
  return async (token) => {
    const key = createHash("sha256").update(token).digest("hex");
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.outcome;
    const octokit = new Octokit({ auth: token, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
    let outcome: TokenAccess;
    try {
      await octokit.request("GET /repos/{owner}/{repo}", { owner: options.owner, repo: options.repo });
      outcome = "ok";
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401) outcome = "unauthorized";
      else if (status === 403 || status === 404) outcome = "not-found";
      else throw error;
    }
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    cache.set(key, { outcome, until: Date.now() + ttl });
    return outcome;
  };
}
