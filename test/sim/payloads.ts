/**
 * Webhook payloads are built on GitHub's real examples (@octokit/webhooks-examples): take the recorded payload of
 * the event and action, and put the simulator's repository, users and objects into it. The shape is GitHub's; only
 * the values are ours.
 */
import { createRequire } from "node:module";
import type { Simulator } from "./simulator.js";
import type { SimRepo } from "./state.js";
import type { Json } from "./types.js";

const require = createRequire(import.meta.url);
const EXAMPLES = require("@octokit/webhooks-examples") as Array<{ name: string; actions: string[]; examples: Json[] }>;

/** A deep copy of GitHub's example payload for an event (and action); another action's example when there is none. */
export function examplePayload(event: string, action?: string): Json {
  const entry = EXAMPLES.find((e) => e.name === event);
  if (!entry) throw new Error(`no example payloads for the ${event} event`);
  const example = (action ? entry.examples.find((e) => e["action"] === action) : undefined) ?? entry.examples[0]!;
  const copy = structuredClone(example);
  if (action) copy["action"] = action;
  return copy;
}

/**
 * A user as GitHub's answers and payloads show one, on the shape of `template` (an example's user) when given.
 * Logins such as `pao[bot]` are escaped in URLs, and a bot's page is its app's. The one user shape of the simulator.
 */
export function userPayload(sim: Simulator, login: string, template?: unknown): Json {
  const user = sim.user(login);
  const base = (template && typeof template === "object" ? structuredClone(template) : structuredClone(examplePayload("pull_request", "opened")["sender"] ?? {})) as Json;
  const escaped = encodeURIComponent(user.login);
  const api = `${sim.apiUrl}/users/${escaped}`;
  if ("name" in base) base["name"] = null;
  if ("email" in base) base["email"] = null;
  return {
    ...base,
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    type: isOrganization(sim, user.login) ? "Organization" : user.type,
    site_admin: false,
    html_url: user.type === "Bot" ? `${sim.origin}/apps/${encodeURIComponent(user.login.replace(/\[bot\]$/, ""))}` : `${sim.origin}/${escaped}`,
    url: api,
    avatar_url: `${sim.origin}/avatars/${escaped}`,
    gravatar_id: "",
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
  };
}

/** An owner that has teams is an organization. */
export function isOrganization(sim: Simulator, login: string): boolean {
  for (const repo of sim.repos.values()) {
    for (const team of repo.teams.keys()) if (team.split("/")[0]?.toLowerCase() === login.toLowerCase()) return true;
  }
  return false;
}

export function repositoryPayload(sim: Simulator, repo: SimRepo): Json {
  const base = structuredClone((examplePayload("pull_request", "opened")["repository"] as Json) ?? {});
  return {
    ...base,
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: userPayload(sim, repo.owner),
    html_url: `${sim.origin}/${repo.fullName}`,
    url: `${sim.apiUrl}/repos/${repo.fullName}`,
    default_branch: repo.defaultBranch,
    master_branch: repo.defaultBranch,
    fork: false,
    visibility: repo.private ? "private" : "public",
    topics: [],
    has_discussions: false,
  };
}

export function installationPayload(repo: SimRepo): Json {
  return { id: repo.installationId, node_id: `I_${repo.installationId}` };
}

/** The parts every payload of a repository event carries. */
export function envelope(sim: Simulator, repo: SimRepo, sender: string): Json {
  return {
    repository: repositoryPayload(sim, repo),
    sender: userPayload(sim, sender),
    ...(repo.installationId ? { installation: installationPayload(repo) } : {}),
  };
}
