/**
 * Request ids are `req-` and 12 hex digits, derived (never random) from what identifies a request, so a redelivered
 * webhook or a restarted app can never mint a second id for the same request.
 */
import { createHash } from "node:crypto";

export const REQUEST_ID = /^req-[0-9a-f]{12}$/;

/** A request opened by pull request: repository (owner/name), request file path, pull request number. */
export function requestId(repository: string, path: string, pullRequest: number): string {
  return `req-${digest(`${repository.toLowerCase()}\0${path}\0${pullRequest}`)}`;
}

/** A request file seen on disk in local mode, with no pull request: its path alone. */
export function localRequestId(path: string): string {
  return `req-${digest(path)}`;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}
