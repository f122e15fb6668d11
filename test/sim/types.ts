/** The shapes shared by the simulator's core and its handler groups. */
import type { IncomingHttpHeaders } from "node:http";
import type { Operation } from "./openapi.js";
import type { Simulator } from "./simulator.js";

export type Json = Record<string, unknown>;

/** Who is calling, from the Authorization header. */
export type Caller =
  | { kind: "app" }
  | { kind: "installation"; installationId: number; token: string }
  | { kind: "user"; login: string; token: string }
  | { kind: "anonymous" };

export interface SimRequest {
  method: string;
  /** The path below /api/v3, e.g. /repos/acme/catalog/contents/status/x.yaml */
  path: string;
  query: URLSearchParams;
  /** Path parameters by the description's names, URL-decoded. */
  params: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
  operation: Operation;
  caller: Caller;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON answer (artifact zip, raw file). */
  raw?: { contentType: string; data: Buffer };
}

export type Handler = (req: SimRequest, sim: Simulator) => SimResponse | Promise<SimResponse>;

/** Handlers throw this for GitHub's error answers: `{ message, documentation_url, errors? }`. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Json = {},
  ) {
    super(message);
  }
}

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export type CallClass = "read" | "write" | "content-creating";

export interface CallRecord {
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  class: CallClass;
  caller: Caller["kind"];
  /** When the call arrived (epoch ms). */
  receivedAt: number;
  /** When it was answered (epoch ms). */
  at: number;
}

export interface Fault {
  /** Which calls: an operationId (`repos/create-or-update-file-contents`), `METHOD /template`, or `*` for all. */
  match: string;
  /** Answer with this status instead (5xx, 409, 403 for a secondary rate limit...). */
  status?: number;
  /** With a 403: answer as GitHub's secondary rate limit, with this retry-after (seconds). */
  retryAfter?: number;
  /**
   * Added before the call is acted on, in milliseconds (the request is on its way). A caller that goes away in the
   * meantime (killed) never reached GitHub: nothing is done, and the call is listed with status 499.
   */
  latencyMs?: number;
  /** How many calls it applies to (default: all from now on). */
  times?: number;
  /**
   * Applies to every Nth matching call only (the Nth, 2Nth, ...), letting the others through: a steady trickle of
   * faults over a long run. `times` then counts the calls it applied to.
   */
  every?: number;
  /**
   * Do the call's work first and then answer with the fault: the answer is lost, not the work (a 502 from a proxy
   * after GitHub acted, a client time-out). What makes a write ambiguous for its caller.
   */
  afterWork?: boolean;
  /**
   * Do the call's work, then hold the answer this long (a gateway that answers late): a caller that gives up
   * before then does not know the work was done.
   */
  answerAfterWorkMs?: number;
}
