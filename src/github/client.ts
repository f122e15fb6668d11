/**
 * What every area of the gateway shares: the Octokit it calls (Probot's, authenticated as the app's installation),
 * the repository it works on, and GitHub's paging and error conventions.
 */
import type { Octokit } from "@octokit/core";

/** The REST calls pao makes, as Octokit's request function takes them. */
export type Requester = Pick<Octokit, "request">;

export interface GitHubContext {
  octokit: Requester;
  owner: string;
  repo: string;
  /** The app's id: its check runs are told apart from any other's of the same name. */
  appId?: number | undefined;
  /**
   * How long a dispatch may go unanswered before pao gives up waiting. The dispatch may still have taken effect, so
   * giving up is not a failure: the run is looked up by its title, never dispatched again.
   */
  dispatchTimeoutMs?: number | undefined; // counted from when the call is sent (request-policy.ts)
}

export const PAGE_SIZE = 100;
/** At most this many pages of a list (3,000 entries: as many files as GitHub lists for a pull request). */
const MAX_PAGES = 30;

/** Every entry of a paged list, fetching page after page until a short one. */
export async function allPages<T>(fetchPage: (page: number) => Promise<{ data: T[] }>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await fetchPage(page);
    out.push(...data);
    if (data.length < PAGE_SIZE) break;
  }
  return out;
}

/** The HTTP status of a failed call, when GitHub answered one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** Runs a look-up whose 404 means "there is none". */
export async function orNone<T>(call: () => Promise<T>, none: T): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (statusOf(error) === 404) return none;
    throw error;
  }
}
