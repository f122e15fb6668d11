/**
 * Every webhook event pao listens to, declared once: what work it asks for. Each route reads its payload into work
 * — a pull request to bring up to date, or the repository snapshot to refresh — and nothing else; the app applies
 * the repository check and the guard against pao's own events once, for every route (app.ts).
 */
import { parseRunTitle } from "../fulfillment/run-facts.js";

/** What an event asks for. */
export type Work = { type: "pull"; number: number } | { type: "refresh"; ref: string; after?: string };

export interface RouteContext {
  /** `<slug>[bot]`. */
  botLogin: string;
  /** The pull request a request belongs to, when pao knows it. */
  pullRequestOf(requestId: string): number | undefined;
}

type Payload = Record<string, unknown> & { repository?: { full_name?: string }; sender?: { login?: string } };

export interface EventRoute {
  events: readonly string[];
  /** Events pao caused itself (its comments, pushes, check runs) ask for nothing, unless the route needs them. */
  fromPao: "ignore" | "accept";
  work(payload: Payload, context: RouteContext): Work[];
}

const pull = (number: unknown): Work[] => (typeof number === "number" ? [{ type: "pull", number }] : []);
const field = <T>(value: unknown, key: string): T | undefined => (typeof value === "object" && value !== null ? ((value as Record<string, unknown>)[key] as T) : undefined);

export const EVENT_ROUTES: readonly EventRoute[] = [
  {
    // The default branch (catalog, requests) or the status branch moved: the snapshot the API and decisions read.
    events: ["push"],
    fromPao: "accept",
    work: (p) => (typeof p["ref"] === "string" ? [{ type: "refresh", ref: p["ref"], ...(typeof p["after"] === "string" ? { after: p["after"] } : {}) }] : []),
  },
  {
    // A draft's requests start once it is ready for review.
    events: ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.closed", "pull_request.ready_for_review", "pull_request.converted_to_draft"],
    fromPao: "ignore",
    work: (p) => pull(field(p["pull_request"], "number")),
  },
  {
    // Only a new base branch matters: it changes whether the requests are on their way into the default branch.
    events: ["pull_request.edited"],
    fromPao: "ignore",
    work: (p) => (field(p["changes"], "base") ? pull(field(p["pull_request"], "number")) : []),
  },
  {
    events: ["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"],
    fromPao: "ignore",
    work: (p) => pull(field(p["pull_request"], "number")),
  },
  {
    // "Re-run" on pao's own check: do the pull request's work again (after GitHub or pao had a bad moment).
    events: ["check_run.rerequested"],
    fromPao: "accept",
    work: (p, ctx) => {
      const run = p["check_run"] as { name?: string; app?: { slug?: string }; pull_requests?: Array<{ number: number }> } | undefined;
      if (run?.name !== "pao" || `${run.app?.slug ?? ""}[bot]` !== ctx.botLogin) return [];
      return (run.pull_requests ?? []).flatMap((pr) => pull(pr.number));
    },
  },
  {
    // An executor run moved: the pull request of the request its title names looks at its runs again. Which run
    // counts for an attempt is decided there, on the run as GitHub reports it, never on this payload.
    events: ["workflow_run.requested", "workflow_run.in_progress", "workflow_run.completed"],
    fromPao: "accept",
    work: (p, ctx) => {
      const run = p["workflow_run"] as { display_title?: string; event?: string } | undefined;
      const named = run?.event === "workflow_dispatch" && typeof run.display_title === "string" ? parseRunTitle(run.display_title) : null;
      return named ? pull(ctx.pullRequestOf(named.requestId)) : [];
    },
  },
];
