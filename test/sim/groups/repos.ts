/**
 * Repositories, their git data and contents, and the GitHub App flow, as GitHub's REST API serves them.
 *
 * - The App flow: the app's JWT (`GET /app`, installations), installation access tokens (optionally narrowed to some
 *   repositories and permissions, as GitHub allows and checks), the repositories an installation can reach.
 * - Repositories: `GET /repos/{owner}/{repo}` with GitHub's visibility rules (a private repository is a 404 to whoever
 *   cannot read it), collaborator permission, team membership.
 * - Contents: GET (file, directory, `ref`), PUT with the blob sha as compare-and-swap (stale: 409 "<path> does not
 *   match <sha>"; missing for an existing file: 422 `"sha" wasn't supplied.`), DELETE likewise. Every commit moves
 *   the branch and emits `push`.
 * - Git data: blobs, trees (recursive listings truncated past `repoSettings(sim).treeLimit`, `base_tree`, `sha: null`
 *   deletes), commits, refs (`force: false` refuses what is not a fast-forward), branches, `GET /commits/{ref}`.
 *
 * Every answer is built on GitHub's documented example (`sim.description.example`) with the simulator's values put in,
 * so it has GitHub's exact shape. Errors are GitHub's messages where they are known.
 */
import { EMPTY_TREE_SHA, type Commit, type Signature, type TreeEntry, type TreeEntryMode } from "../git-objects.js";
import { emitPush } from "../repo-state.js";
import { isOrganization, userPayload } from "../payloads.js";
import type { Simulator } from "../simulator.js";
import type { SimInstallation, SimRepo } from "../state.js";
import { SimHttpError, type Handler, type Json, type Permission, type SimRequest } from "../types.js";

// ---------------------------------------------------------------------------------------------------------------
// Settings and the app's registration

export interface RepoSettings {
  /** A recursive tree listing longer than this is cut and answered with `truncated: true` (GitHub: 100,000). */
  treeLimit: number;
  /** Files larger than this are refused by the contents API's JSON answer (GitHub: 1 MB). */
  contentsMaxBytes: number;
}

const settingsBySim = new WeakMap<Simulator, RepoSettings>();

/** This group's settings for a simulator (change them in tests: `repoSettings(sim).treeLimit = 5`). */
export function repoSettings(sim: Simulator): RepoSettings {
  let s = settingsBySim.get(sim);
  if (!s) {
    s = { treeLimit: 100_000, contentsMaxBytes: 1024 * 1024 };
    settingsBySim.set(sim, s);
  }
  return s;
}

type Level = "read" | "write";

/** What the app is granted on its installations: pao's app.yml `default_permissions`. */
export const APP_PERMISSIONS: Record<string, Level> = {
  actions: "write",
  checks: "write",
  contents: "write",
  issues: "write",
  members: "read",
  metadata: "read",
  pull_requests: "write",
};

/** The events the app subscribes to (app.yml `default_events`). */
export const APP_EVENTS = ["check_run", "issue_comment", "issues", "pull_request", "pull_request_review", "push", "workflow_run"];

/** What an installation token was narrowed to when it was created (tokens issued otherwise have it all). */
interface TokenGrant {
  permissions: Record<string, Level>;
  /** Lower-cased full names; undefined: every repository of the installation. */
  repositories?: Set<string>;
}

const grantsBySim = new WeakMap<Simulator, Map<string, TokenGrant>>();

function grants(sim: Simulator): Map<string, TokenGrant> {
  let g = grantsBySim.get(sim);
  if (!g) {
    g = new Map();
    grantsBySim.set(sim, g);
  }
  return g;
}

/** The app's bot user, who commits and pushes with an installation token. */
export function botLogin(sim: Simulator): string {
  return `${sim.app.slug}[bot]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const ZERO_SHA = "0".repeat(40);
const SHA_RE = /^[0-9a-f]{40}$/;

function nodeId(kind: string, key: string | number): string {
  return Buffer.from(`${kind}:${key}`).toString("base64");
}

/** Encodes each segment of a slash path for a URL. */
function encPath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Base64 as GitHub's contents and blob APIs give it: lines of 60 characters, each ending in a newline. */
function base64Lines(data: Buffer): string {
  const b64 = data.toString("base64");
  return (b64.match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join("");
}

function isBase64(text: string): boolean {
  const compact = text.replace(/[\r\n]/g, "");
  return /^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 !== 1;
}

function body(req: SimRequest): Json {
  return req.body !== null && typeof req.body === "object" && !Array.isArray(req.body) ? (req.body as Json) : {};
}

/** GitHub's answer to a body field of the wrong type: 422 `Invalid request.\n\nFor 'properties/x', 42 is not a string.` */
function invalid(detail: string): SimHttpError {
  return new SimHttpError(422, `Invalid request.\n\n${detail}`);
}

function optionalString(b: Json, key: string): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(`For 'properties/${key}', ${JSON.stringify(v)} is not a string.`);
  return v;
}

function requiredString(b: Json, key: string): string {
  const v = optionalString(b, key);
  if (v === undefined) throw invalid(`"${key}" wasn't supplied.`);
  return v;
}

/** Deep-replaces substrings in every string of a value (examples carry octocat's URLs). */
function retarget<T>(value: T, pairs: Array<[string, string]>): T {
  if (typeof value === "string") {
    let s: string = value;
    for (const [from, to] of pairs) if (s.includes(from)) s = s.split(from).join(to);
    return s as T;
  }
  if (Array.isArray(value)) return value.map((v) => retarget(v, pairs)) as T;
  if (value !== null && typeof value === "object") {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) out[k] = retarget(v, pairs);
    return out as T;
  }
  return value;
}

/** One page of a list, with GitHub's `link` header. */
function paginate<T>(sim: Simulator, req: SimRequest, items: T[], defaultPerPage = 30): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get("per_page") ?? defaultPerPage) || defaultPerPage));
  const page = Math.max(1, Number(req.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(req.query);
    q.set("per_page", String(perPage));
    q.set("page", String(p));
    return `<${sim.apiUrl}${req.path}?${q.toString()}>; rel="${rel}"`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(link(page - 1, "prev"));
  if (page < last) rels.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) rels.push(link(1, "first"));
  return { page: items.slice((page - 1) * perPage, page * perPage), headers: rels.length > 0 ? { link: rels.join(", ") } : {} };
}

// ---------------------------------------------------------------------------------------------------------------
// Who may do what

const RANK: Record<Permission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/** The caller's login for commits and pushes. */
function actorLogin(sim: Simulator, req: SimRequest): string {
  switch (req.caller.kind) {
    case "user":
      return req.caller.login;
    case "installation":
    case "app":
      return botLogin(sim);
    default:
      throw new SimHttpError(401, "Requires authentication");
  }
}

/** Whether an installation (and the token's grant) reaches a repository. */
function installationReaches(sim: Simulator, installationId: number, token: string, repo: SimRepo): boolean {
  const inst = sim.installations.get(installationId);
  if (!inst || !inst.repositories.some((r) => r.toLowerCase() === repo.fullName.toLowerCase())) return false;
  const grant = grants(sim).get(token);
  return !grant?.repositories || grant.repositories.has(repo.fullName.toLowerCase());
}

function tokenPermissions(sim: Simulator, token: string): Record<string, Level> {
  return grants(sim).get(token)?.permissions ?? APP_PERMISSIONS;
}

/** The caller's role on a repository, as GitHub computes what it may see ("none" when it may not even see it). */
function roleOf(sim: Simulator, req: SimRequest, repo: SimRepo): Permission {
  const caller = req.caller;
  switch (caller.kind) {
    case "user":
      return repo.collaborators.get(caller.login) ?? (repo.private ? "none" : "read");
    case "installation": {
      // Installation tokens read public repositories beyond their installation, as GitHub allows.
      if (!installationReaches(sim, caller.installationId, caller.token, repo)) return repo.private ? "none" : "read";
      return tokenPermissions(sim, caller.token)["contents"] === "write" ? "write" : "read";
    }
    case "anonymous":
      return repo.private ? "none" : "read";
    default:
      return "none";
  }
}

/**
 * The repository of the request, if the caller may use it for this: a repository the caller cannot see is a 404, as
 * GitHub hides private repositories; a token of an installation lacking the permission is a 403.
 */
function repoFor(sim: Simulator, req: SimRequest, scope: string, level: Level): SimRepo {
  const repo = sim.repo(`${req.params["owner"]}/${req.params["repo"]}`);
  const caller = req.caller;
  if (caller.kind === "app") throw new SimHttpError(403, "Resource not accessible by integration");
  if (caller.kind === "anonymous" && level === "write") {
    if (repo.private) throw new SimHttpError(404, "Not Found");
    throw new SimHttpError(401, "Requires authentication");
  }
  const role = roleOf(sim, req, repo);
  if (role === "none") throw new SimHttpError(404, "Not Found");
  if (caller.kind === "installation") {
    if (!installationReaches(sim, caller.installationId, caller.token, repo)) {
      if (level === "write") throw new SimHttpError(403, "Resource not accessible by integration");
      return repo;
    }
    const granted = scope === "metadata" ? "read" : tokenPermissions(sim, caller.token)[scope];
    if (!granted || (level === "write" && granted !== "write")) throw new SimHttpError(403, "Resource not accessible by integration");
  } else if (level === "write" && RANK[role] < RANK.write) {
    throw new SimHttpError(404, "Not Found");
  }
  return repo;
}

function requireApp(req: SimRequest): void {
  if (req.caller.kind !== "app") throw new SimHttpError(401, "A JSON web token could not be decoded");
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes: users, repositories, installations

/** A simple-user (or collaborator) object on the base of an example's user. */
export function userObject(sim: Simulator, login: string, base: Json = {}): Json {
  const out = userPayload(sim, login, base);
  delete out["name"];
  delete out["email"];
  return out;
}


function repoUrls(sim: Simulator, repo: SimRepo): Array<[string, string]> {
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  const web = `${sim.origin}/${repo.fullName}`;
  return [
    ["https://api.github.com/repos/octocat/Hello-World", api],
    ["https://github.com/octocat/Hello-World", web],
    ["git:github.com/octocat/Hello-World.git", `git://${sim.host}/${repo.fullName}.git`],
    ["git@github.com:octocat/Hello-World.git", `git@${sim.host.replace(/:\d+$/, "")}:${repo.fullName}.git`],
    ["https://svn.github.com/octocat/Hello-World", web],
    ["git:git.example.com/octocat/Hello-World", web],
  ];
}

function permissionsObject(role: Permission): Json {
  return {
    admin: RANK[role] >= RANK.admin,
    maintain: RANK[role] >= RANK.maintain,
    push: RANK[role] >= RANK.write,
    triage: RANK[role] >= RANK.triage,
    pull: RANK[role] >= RANK.read,
  };
}

/** A repository object (full-repository, repository...) on the base of an example's, for one caller. */
export function repositoryObject(sim: Simulator, repo: SimRepo, base: Json, role?: Permission): Json {
  const out = retarget(base, repoUrls(sim, repo));
  const now = sim.now();
  const openIssues = [...repo.issues.values()].filter((i) => i.state === "open").length;
  Object.assign(out, {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: userObject(sim, repo.owner, (base["owner"] as Json | undefined) ?? {}),
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    description: null,
    fork: false,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    archived: false,
    disabled: false,
    mirror_url: null,
    pushed_at: now,
    created_at: now,
    updated_at: now,
    license: null,
  });
  if ("master_branch" in out) out["master_branch"] = repo.defaultBranch;
  if ("template_repository" in out) out["template_repository"] = null;
  if ("subscribers_count" in out) out["subscribers_count"] = 0;
  if ("network_count" in out) out["network_count"] = 0;
  for (const key of ["parent", "source", "organization", "security_and_analysis", "temp_clone_token", "code_search_index_status"]) delete out[key];
  if (isOrganization(sim, repo.owner)) out["organization"] = userObject(sim, repo.owner, (base["owner"] as Json | undefined) ?? {});
  if (role === undefined) delete out["permissions"];
  else out["permissions"] = permissionsObject(role);
  return out;
}

function installationObject(sim: Simulator, inst: SimInstallation, base: Json): Json {
  const out = retarget(base, [
    ["https://api.github.com", sim.apiUrl],
    ["https://github.com", sim.origin],
  ]);
  const org = isOrganization(sim, inst.account);
  const account = userObject(sim, inst.account, (base["account"] as Json | undefined) ?? {});
  Object.assign(out, {
    id: inst.id,
    account,
    repository_selection: "selected",
    access_tokens_url: `${sim.apiUrl}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${sim.apiUrl}/installation/repositories`,
    html_url: org
      ? `${sim.origin}/organizations/${inst.account}/settings/installations/${inst.id}`
      : `${sim.origin}/settings/installations/${inst.id}`,
    app_id: sim.app.id,
    client_id: `Iv1.${sim.app.id.toString(16).padStart(16, "0")}`,
    target_id: account["id"],
    target_type: org ? "Organization" : "User",
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
    created_at: sim.now(),
    updated_at: sim.now(),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    app_slug: sim.app.slug,
    suspended_by: null,
    suspended_at: null,
  });
  delete out["contact_email"];
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Git helpers

/** The commit a ref names: a full commit sha, a branch, a tag, `heads/x`, `refs/heads/x`. Null when none. */
export function resolveCommit(repo: SimRepo, ref: string): string | null {
  if (SHA_RE.test(ref)) return repo.store.get(ref)?.type === "commit" ? ref : null;
  const name = ref.replace(/^refs\//, "");
  for (const candidate of [name, `heads/${name}`, `tags/${name}`]) {
    const sha = repo.refs.get(candidate);
    if (sha && repo.store.get(sha)?.type === "commit") return sha;
  }
  return null;
}

interface Located {
  entry: TreeEntry | null;
  /** The tree sha when the path is a folder (or the root). */
  tree: string | null;
}

/** What a slash path is in a commit's tree: a folder, an entry (file, symlink, submodule) or nothing. */
function locate(repo: SimRepo, commitSha: string, path: string): Located | null {
  let tree = repo.store.getCommit(commitSha).tree;
  const parts = path.split("/").filter((p) => p !== "");
  for (let i = 0; i < parts.length; i++) {
    const entry = repo.store.getTree(tree).entries.find((e) => e.path === parts[i]);
    if (!entry) return null;
    if (entry.type === "tree") {
      tree = entry.sha;
      continue;
    }
    return i === parts.length - 1 ? { entry, tree: null } : null;
  }
  return { entry: null, tree };
}

/** Every file of a tree, by full path (for diffs). */
function flatten(repo: SimRepo, treeSha: string): Map<string, { sha: string; mode: TreeEntryMode; type: TreeEntry["type"] }> {
  const out = new Map<string, { sha: string; mode: TreeEntryMode; type: TreeEntry["type"] }>();
  for (const e of repo.store.readTree(treeSha, { recursive: true })) if (e.type !== "tree") out.set(e.path, { sha: e.sha, mode: e.mode, type: e.type });
  return out;
}

function gitUser(sig: Signature): Json {
  return { name: sig.name, email: sig.email, date: sig.date };
}

/** The user a commit signature stands for, when its email is a users.noreply address (GitHub maps it to the account). */
function userOfSignature(sim: Simulator, sig: Signature, base: Json): Json | null {
  const m = /^(?:\d+\+)?(.+)@users\.noreply\.github\.com$/.exec(sig.email);
  if (!m) return null;
  return userObject(sim, m[1]!, base);
}

/** A git-commit object (git data API) on the base of an example. */
function gitCommitObject(sim: Simulator, repo: SimRepo, sha: string, base: Json): Json {
  const commit = repo.store.getCommit(sha);
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  const web = `${sim.origin}/${repo.fullName}`;
  return {
    ...base,
    sha,
    node_id: nodeId("Commit", `${repo.id}:${sha}`),
    url: `${api}/git/commits/${sha}`,
    html_url: `${web}/commit/${sha}`,
    author: gitUser(commit.author),
    committer: gitUser(commit.committer),
    message: commit.message,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    parents: commit.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${web}/commit/${p}` })),
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

/** A `commit` object (repos API: GET /commits/{ref}, branches) on the base of an example. */
function commitObject(sim: Simulator, repo: SimRepo, sha: string, base: Json, withFiles: boolean): Json {
  const commit = repo.store.getCommit(sha);
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  const web = `${sim.origin}/${repo.fullName}`;
  const inner = (base["commit"] as Json | undefined) ?? {};
  const userBase = ((base["author"] as Json | null | undefined) ?? {}) as Json;
  const out: Json = {
    ...base,
    sha,
    node_id: nodeId("Commit", `${repo.id}:${sha}`),
    url: `${api}/commits/${sha}`,
    html_url: `${web}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      ...inner,
      url: `${api}/git/commits/${sha}`,
      author: gitUser(commit.author),
      committer: gitUser(commit.committer),
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      comment_count: 0,
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    author: userOfSignature(sim, commit.author, userBase),
    committer: userOfSignature(sim, commit.committer, userBase),
    parents: commit.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${web}/commit/${p}` })),
  };
  if (withFiles) {
    const files = diffFiles(sim, repo, commit, sha);
    const additions = files.reduce((n, f) => n + (f["additions"] as number), 0);
    const deletions = files.reduce((n, f) => n + (f["deletions"] as number), 0);
    out["stats"] = { additions, deletions, total: additions + deletions };
    out["files"] = files;
  } else {
    delete out["stats"];
    delete out["files"];
  }
  return out;
}

/** The files a commit changes against its first parent, as GitHub lists them (diff-entry). */
function diffFiles(sim: Simulator, repo: SimRepo, commit: Commit, sha: string): Json[] {
  const before = commit.parents[0] ? flatten(repo, repo.store.getCommit(commit.parents[0]).tree) : new Map();
  const after = flatten(repo, commit.tree);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const web = `${sim.origin}/${repo.fullName}`;
  const out: Json[] = [];
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (a && b && a.sha === b.sha && a.mode === b.mode) continue;
    const status = !a ? "added" : !b ? "removed" : "modified";
    const { additions, deletions } = lineChanges(
      a?.type === "blob" ? repo.store.getBlob(a.sha).content : Buffer.alloc(0),
      b?.type === "blob" ? repo.store.getBlob(b.sha).content : Buffer.alloc(0),
    );
    const at = b ? sha : commit.parents[0]!;
    out.push({
      sha: (b ?? a)!.sha,
      filename: path,
      status,
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${web}/blob/${at}/${encPath(path)}`,
      raw_url: `${web}/raw/${at}/${encPath(path)}`,
      contents_url: `${sim.apiUrl}/repos/${repo.fullName}/contents/${encPath(path)}?ref=${at}`,
    });
  }
  return out;
}

function lines(data: Buffer): string[] {
  if (data.length === 0) return [];
  const text = data.toString("utf8");
  const parts = text.split("\n");
  if (text.endsWith("\n")) parts.pop();
  return parts;
}

/** Added and deleted lines between two contents (binary contents count as none, as GitHub shows no lines). */
function lineChanges(a: Buffer, b: Buffer): { additions: number; deletions: number } {
  if (a.includes(0) || b.includes(0)) return { additions: 0, deletions: 0 };
  const x = lines(a);
  const y = lines(b);
  const common = lcsLength(x, y);
  return { additions: y.length - common, deletions: x.length - common };
}

/** Length of the longest common subsequence of two line lists (Myers' O((N+M)D) greedy algorithm). */
function lcsLength(a: string[], b: string[]): number {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Map<number, number>([[1, 0]]);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v.get(k - 1) ?? -1) < (v.get(k + 1) ?? -1)) ? (v.get(k + 1) ?? 0) : (v.get(k - 1) ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v.set(k, x);
      if (x >= n && y >= m) return (n + m - d) / 2;
    }
  }
  return 0;
}

function refObject(sim: Simulator, repo: SimRepo, ref: string, base: Json): Json {
  const sha = repo.refs.get(ref)!;
  const type = repo.store.get(sha)?.type ?? "commit";
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  return {
    ...base,
    ref: `refs/${ref}`,
    node_id: nodeId("Ref", `${repo.id}:refs/${ref}`),
    url: `${api}/git/refs/${encPath(ref)}`,
    object: { type, sha, url: `${api}/git/${type}s/${sha}` },
  };
}

function treeListing(sim: Simulator, repo: SimRepo, treeSha: string, recursive: boolean, limit: number): { tree: Json[]; truncated: boolean } {
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  const all = repo.store.readTree(treeSha, { recursive });
  const truncated = all.length > limit;
  const tree = (truncated ? all.slice(0, limit) : all).map((e) => {
    const item: Json = { path: e.path, mode: e.mode, type: e.type, sha: e.sha };
    if (e.size !== undefined) item["size"] = e.size;
    if (e.type !== "commit") item["url"] = `${api}/git/${e.type}s/${e.sha}`;
    return item;
  });
  return { tree, truncated };
}

/** A signature from a request body's author/committer, or the default. */
function signatureFrom(value: unknown, field: string, fallback: Signature, now: string): Signature {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(`For 'properties/${field}', ${JSON.stringify(value)} is not an object.`);
  const v = value as Json;
  if (typeof v["name"] !== "string") throw invalid(`"name" wasn't supplied.`);
  if (typeof v["email"] !== "string") throw invalid(`"email" wasn't supplied.`);
  const date = typeof v["date"] === "string" ? v["date"] : now;
  const sig = { name: v["name"], email: v["email"], date };
  if (/[<>\n\0]/.test(sig.name) || /[<>\n\0]/.test(sig.email)) throw invalid(`For 'properties/${field}', the name or email is not valid.`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(date)) {
    throw invalid(`For 'properties/${field}', ${JSON.stringify(date)} is not a valid date-time.`);
  }
  return sig;
}

/** Runs an object-store operation, answering 422 for what the store refuses (bad names, modes, missing objects). */
function store<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SimHttpError) throw error;
    throw new SimHttpError(422, (error as Error).message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Trees with explicit entries (git/create-tree)

type Node = { entry: TreeEntry; dir?: Dir };
type Dir = Map<string, Node>;

function loadDir(repo: SimRepo, treeSha: string): Dir {
  return new Map(repo.store.getTree(treeSha).entries.map((e) => [e.path, { entry: e }]));
}

function subdir(repo: SimRepo, node: Node | undefined): Dir | undefined {
  if (!node || node.entry.type !== "tree") return undefined;
  node.dir ??= loadDir(repo, node.entry.sha);
  return node.dir;
}

function writeDir(repo: SimRepo, dir: Dir): string | undefined {
  const entries: TreeEntry[] = [];
  for (const [name, node] of dir) {
    if (node.entry.type !== "tree" || node.dir === undefined) {
      entries.push(node.entry);
      continue;
    }
    const sha = writeDir(repo, node.dir);
    if (sha !== undefined) entries.push({ path: name, mode: "040000", type: "tree", sha });
  }
  if (entries.length === 0) return undefined;
  return repo.store.put({ type: "tree", entries });
}

const MODE_TYPE: Record<string, TreeEntry["type"]> = { "100644": "blob", "100755": "blob", "120000": "blob", "040000": "tree", "160000": "commit" };

// ---------------------------------------------------------------------------------------------------------------
// Contents

function contentItem(sim: Simulator, repo: SimRepo, ref: string, path: string, entry: TreeEntry | null, treeSha: string | null): Json {
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  const web = `${sim.origin}/${repo.fullName}`;
  const name = path.split("/").pop()!;
  const self = `${api}/contents/${encPath(path)}?ref=${encodeURIComponent(ref)}`;
  if (!entry) {
    const git = `${api}/git/trees/${treeSha}`;
    const html = `${web}/tree/${encodeURIComponent(ref)}/${encPath(path)}`;
    return { type: "dir", size: 0, name, path, sha: treeSha, url: self, git_url: git, html_url: html, download_url: null, _links: { self, git, html } };
  }
  if (entry.type === "commit") {
    return { type: "submodule", size: 0, name, path, sha: entry.sha, url: self, git_url: null, html_url: null, download_url: null, _links: { self, git: null, html: null } };
  }
  const git = `${api}/git/blobs/${entry.sha}`;
  const html = `${web}/blob/${encodeURIComponent(ref)}/${encPath(path)}`;
  const size = repo.store.getBlob(entry.sha).content.length;
  return {
    type: entry.mode === "120000" ? "symlink" : "file",
    size,
    name,
    path,
    sha: entry.sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: `${web}/raw/${encodeURIComponent(ref)}/${encPath(path)}`,
    _links: { self, git, html },
  };
}

/** The repository path a symlink at `path` points to (null when it leaves the repository or is absolute). */
function resolveLink(path: string, target: string): string | null {
  if (target.startsWith("/")) return null;
  const parts = path.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length > 0 ? parts.join("/") : null;
}

function normalizePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

/** The head of the branch a contents write names (404 when there is no such branch, checked before anything else). */
function branchHead(repo: SimRepo, branch: string): string {
  const head = repo.refs.get(`heads/${branch}`);
  if (!head) throw new SimHttpError(404, `Branch ${branch} not found`);
  return head;
}

/** The commit of a contents write: committer defaults to the caller, author to the committer. */
function commitOnBranch(sim: Simulator, req: SimRequest, repo: SimRepo, branch: string, parent: string, tree: string, b: Json): string {
  const now = sim.now();
  const login = actorLogin(sim, req);
  const committer = signatureFrom(b["committer"], "committer", sim.signature(login), now);
  const author = signatureFrom(b["author"], "author", committer, now);
  const message = requiredString(b, "message");
  const sha = store(() => repo.store.commit({ tree, parents: [parent], message, author, committer }));
  repo.refs.set(`heads/${branch}`, sha);
  emitPush(sim, repo, `heads/${branch}`, parent, sha, login);
  return sha;
}

// ---------------------------------------------------------------------------------------------------------------
// The handlers

export const reposGroup: Record<string, Handler> = {
  // --- The GitHub App flow --------------------------------------------------------------------------------------

  "apps/get-authenticated": (req, sim) => {
    requireApp(req);
    const out = retarget(sim.description.example("apps/get-authenticated"), [
      ["https://api.github.com", sim.apiUrl],
      ["https://github.com", sim.origin],
    ]);
    const owner = [...sim.installations.values()][0]?.account ?? "pao";
    Object.assign(out, {
      id: sim.app.id,
      slug: sim.app.slug,
      client_id: `Iv1.${sim.app.id.toString(16).padStart(16, "0")}`,
      node_id: nodeId("Integration", sim.app.id),
      owner: userObject(sim, owner, (out["owner"] as Json | undefined) ?? {}),
      name: sim.app.slug,
      description: "",
      external_url: sim.origin,
      html_url: `${sim.origin}/apps/${sim.app.slug}`,
      permissions: { ...APP_PERMISSIONS },
      events: [...APP_EVENTS],
      installations_count: sim.installations.size,
    });
    return { status: 200, body: out };
  },

  "apps/list-installations": (req, sim) => {
    requireApp(req);
    const base = sim.description.example("apps/list-installations") as unknown as Json[];
    const all = [...sim.installations.values()]
      .sort((a, b) => a.id - b.id)
      .map((i) => {
        const out = installationObject(sim, i, base[0]!);
        // This operation's schema says `account: allOf [simple-user, enterprise]` (other installation answers say
        // anyOf): the enterprise's required fields are added so the answer satisfies both, harmless extras to clients.
        const account = out["account"] as Json;
        out["account"] = { ...account, name: account["login"], slug: account["login"], created_at: out["created_at"], updated_at: out["updated_at"] };
        return out;
      });
    const { page, headers } = paginate(sim, req, all);
    return { status: 200, body: page, headers };
  },

  "apps/get-installation": (req, sim) => {
    requireApp(req);
    const inst = sim.installations.get(Number(req.params["installation_id"]));
    if (!inst) throw new SimHttpError(404, "Not Found");
    return { status: 200, body: installationObject(sim, inst, sim.description.example("apps/get-installation")) };
  },

  "apps/get-repo-installation": (req, sim) => {
    requireApp(req);
    const repo = sim.repo(`${req.params["owner"]}/${req.params["repo"]}`);
    const inst = sim.installations.get(repo.installationId);
    if (!inst) throw new SimHttpError(404, "Not Found");
    return { status: 200, body: installationObject(sim, inst, sim.description.example("apps/get-repo-installation")) };
  },

  "apps/create-installation-access-token": (req, sim) => {
    requireApp(req);
    const inst = sim.installations.get(Number(req.params["installation_id"]));
    if (!inst) throw new SimHttpError(404, "Not Found");
    const b = body(req);
    const reachable = inst.repositories.map((name) => sim.repos.get(name.toLowerCase())).filter((r): r is SimRepo => r !== undefined);
    let selected: SimRepo[] | undefined;
    if (b["repositories"] !== undefined || b["repository_ids"] !== undefined) {
      const names = Array.isArray(b["repositories"]) ? (b["repositories"] as unknown[]) : [];
      const ids = Array.isArray(b["repository_ids"]) ? (b["repository_ids"] as unknown[]) : [];
      selected = [];
      for (const name of names) {
        const repo = reachable.find((r) => r.name.toLowerCase() === String(name).toLowerCase());
        if (!repo) throw new SimHttpError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
        selected.push(repo);
      }
      for (const id of ids) {
        const repo = reachable.find((r) => r.id === id);
        if (!repo) throw new SimHttpError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
        if (!selected.includes(repo)) selected.push(repo);
      }
      if (names.length > 500 || ids.length > 500) throw new SimHttpError(422, "Too many repositories were requested.");
    }
    let permissions: Record<string, Level> = { ...APP_PERMISSIONS };
    if (b["permissions"] !== undefined && b["permissions"] !== null && typeof b["permissions"] === "object") {
      permissions = {};
      for (const [scope, level] of Object.entries(b["permissions"] as Json)) {
        const granted = APP_PERMISSIONS[scope];
        if (!granted || (level !== "read" && level !== "write") || (level === "write" && granted !== "write")) {
          throw new SimHttpError(422, "The permissions requested are not granted to this installation.");
        }
        permissions[scope] = level;
      }
      permissions["metadata"] ??= "read";
    }
    const { token, expires_at } = sim.issueInstallationToken(inst.id);
    grants(sim).set(token, { permissions, ...(selected ? { repositories: new Set(selected.map((r) => r.fullName.toLowerCase())) } : {}) });
    const example = sim.description.example("apps/create-installation-access-token", 201);
    const repoBase = ((example["repositories"] as Json[] | undefined) ?? [])[0] ?? {};
    const out: Json = {
      ...example,
      token,
      expires_at,
      permissions,
      repository_selection: "selected",
      repositories: (selected ?? reachable).map((r) => repositoryObject(sim, r, repoBase)),
    };
    delete out["single_file"];
    delete out["has_multiple_single_files"];
    delete out["single_file_paths"];
    return { status: 201, body: out };
  },

  "apps/list-repos-accessible-to-installation": (req, sim) => {
    const caller = req.caller;
    if (caller.kind !== "installation") throw new SimHttpError(403, "This endpoint requires you to be authenticated as an installation.");
    const inst = sim.installations.get(caller.installationId);
    if (!inst) throw new SimHttpError(401, "Bad credentials");
    const example = sim.description.example("apps/list-repos-accessible-to-installation");
    const repoBase = ((example["repositories"] as Json[] | undefined) ?? [])[0] ?? {};
    const repos = inst.repositories
      .map((name) => sim.repos.get(name.toLowerCase()))
      .filter((r): r is SimRepo => r !== undefined && installationReaches(sim, inst.id, caller.token, r))
      .sort((a, b) => a.fullName.localeCompare(b.fullName));
    const { page, headers } = paginate(sim, req, repos);
    return {
      status: 200,
      headers,
      body: { ...example, total_count: repos.length, repository_selection: "selected", repositories: page.map((r) => repositoryObject(sim, r, repoBase)) },
    };
  },

  // --- Repositories, collaborators, teams -----------------------------------------------------------------------

  "repos/get": (req, sim) => {
    const repo = repoFor(sim, req, "metadata", "read");
    const role = roleOf(sim, req, repo);
    return { status: 200, body: repositoryObject(sim, repo, sim.description.example("repos/get"), req.caller.kind === "anonymous" ? undefined : role) };
  },

  "repos/get-collaborator-permission-level": (req, sim) => {
    const repo = repoFor(sim, req, "metadata", "read");
    const username = req.params["username"]!;
    const login = [...repo.collaborators.keys()].find((l) => l.toLowerCase() === username.toLowerCase()) ?? (sim.users.has(username) ? username : undefined);
    if (login === undefined) throw new SimHttpError(404, "Not Found");
    // The legacy `permission` maps maintain to write and triage to read; `role_name` is the role itself. Users
    // without a role on a private repository have "none"; on a public one anyone may read.
    const role: Permission = repo.collaborators.get(login) ?? (repo.private ? "none" : "read");
    const legacy = role === "maintain" ? "write" : role === "triage" ? "read" : role;
    const example = sim.description.example("repos/get-collaborator-permission-level");
    const user = userObject(sim, login, (example["user"] as Json | undefined) ?? {});
    user["permissions"] = { admin: RANK[role] >= RANK.admin, maintain: RANK[role] >= RANK.maintain, push: RANK[role] >= RANK.write, triage: RANK[role] >= RANK.triage, pull: RANK[role] >= RANK.read };
    user["role_name"] = role;
    return { status: 200, body: { ...example, permission: legacy, role_name: role, user } };
  },

  "teams/get-membership-for-user-in-org": (req, sim) => {
    const caller = req.caller;
    if (caller.kind === "anonymous") throw new SimHttpError(401, "Requires authentication");
    if (caller.kind === "app") throw new SimHttpError(403, "Resource not accessible by integration");
    const org = req.params["org"]!.toLowerCase();
    const slug = req.params["team_slug"]!.toLowerCase();
    const username = req.params["username"]!.toLowerCase();
    if (caller.kind === "installation") {
      const inst = sim.installations.get(caller.installationId);
      if (!inst || inst.account.toLowerCase() !== org) throw new SimHttpError(404, "Not Found");
      if (!tokenPermissions(sim, caller.token)["members"]) throw new SimHttpError(403, "Resource not accessible by integration");
    }
    let members: Set<string> | undefined;
    for (const repo of sim.repos.values()) {
      for (const [team, set] of repo.teams) if (team.toLowerCase() === `${org}/${slug}`) members = new Set([...(members ?? []), ...set]);
    }
    const member = members && [...members].find((m) => m.toLowerCase() === username);
    if (!member) throw new SimHttpError(404, "Not Found");
    const example = sim.description.example("teams/get-membership-for-user-in-org");
    return {
      status: 200,
      body: { ...example, url: `${sim.apiUrl}/teams/${teamId(sim, `${org}/${slug}`)}/memberships/${encodeURIComponent(member)}`, role: "member", state: "active" },
    };
  },

  // --- Contents --------------------------------------------------------------------------------------------------

  "repos/get-content": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "read");
    const ref = req.query.get("ref") || repo.defaultBranch;
    const commit = resolveCommit(repo, ref);
    if (!commit) throw new SimHttpError(404, `No commit found for the ref ${ref}`);
    const path = normalizePath(req.params["path"] ?? "");
    const found = locate(repo, commit, path);
    if (!found) throw new SimHttpError(404, "Not Found");
    if (found.entry === null) {
      const listing = repo.store.getTree(found.tree!).entries.map((e) => {
        const full = path === "" ? e.path : `${path}/${e.path}`;
        const item = e.type === "tree" ? contentItem(sim, repo, ref, full, null, e.sha) : contentItem(sim, repo, ref, full, e, null);
        // GitHub lists submodules in a folder as "file", for backwards compatibility.
        if (item["type"] === "submodule") item["type"] = "file";
        return item;
      });
      return { status: 200, body: listing };
    }
    let entry = found.entry;
    let shown = path;
    if (entry.mode === "120000") {
      // A symlink to a regular file of the repository answers with that file; any other symlink with itself.
      const target = repo.store.getBlob(entry.sha).content.toString("utf8");
      const resolved = resolveLink(path, target);
      const to = resolved === null ? null : locate(repo, commit, resolved);
      if (resolved !== null && to?.entry && to.entry.type === "blob" && to.entry.mode !== "120000") {
        entry = to.entry;
        shown = resolved;
      } else {
        return { status: 200, body: { ...contentItem(sim, repo, ref, path, entry, null), target } };
      }
    }
    const item = contentItem(sim, repo, ref, shown, entry, null);
    if (entry.type === "commit") {
      return { status: 200, body: { ...item, submodule_git_url: `${sim.origin}/${repo.fullName}/${encPath(path)}.git` } };
    }
    const data = repo.store.getBlob(entry.sha).content;
    const accept = String(req.headers.accept ?? "");
    if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
      return { status: 200, raw: { contentType: "text/plain; charset=utf-8", data } };
    }
    if (data.length > repoSettings(sim).contentsMaxBytes) {
      throw new SimHttpError(
        403,
        "This API returns blobs up to 1 MB in size. The requested blob is too large to fetch via the API, but you can use the Git Data API to request blobs up to 100 MB in size.",
        { errors: [{ resource: "Blob", field: "data", code: "too_large" }] },
      );
    }
    const example = sim.description.example("repos/get-content");
    return { status: 200, body: { ...example, ...item, encoding: "base64", content: base64Lines(data) } };
  },

  "repos/create-or-update-file-contents": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "write");
    const b = body(req);
    const path = normalizePath(req.params["path"] ?? "");
    const message = requiredString(b, "message");
    const content = requiredString(b, "content");
    const sha = optionalString(b, "sha");
    const branch = optionalString(b, "branch") ?? repo.defaultBranch;
    const head = branchHead(repo, branch);
    if (!isBase64(content)) throw new SimHttpError(422, "content is not valid Base64");
    const found = locate(repo, head, path);
    if (found && found.entry === null) throw new SimHttpError(422, `path ${path} is a directory`);
    if (!found && parentIsFile(repo, head, path)) throw new SimHttpError(422, `A file exists where a directory was expected in ${path}`);
    const existing = found?.entry ?? null;
    if (existing) {
      if (sha === undefined) throw new SimHttpError(422, `Invalid request.\n\n"sha" wasn't supplied.`);
      if (sha !== existing.sha) throw new SimHttpError(409, `${path} does not match ${sha}`);
    }
    const data = Buffer.from(content.replace(/[\r\n]/g, ""), "base64");
    const mode = existing && existing.type === "blob" ? existing.mode : "100644";
    const tree = store(() => repo.store.treeFromFiles({ [path]: { content: data, mode: mode as "100644" | "100755" | "120000" } }, head));
    const commitSha = commitOnBranch(sim, req, repo, branch, head, tree, { ...b, message });
    const status = existing ? 200 : 201;
    const example = sim.description.example("repos/create-or-update-file-contents", status);
    const entry = locate(repo, commitSha, path)!.entry!;
    const item = contentItem(sim, repo, branch, path, entry, null);
    return {
      status,
      body: { ...example, content: { ...(example["content"] as Json), ...item }, commit: gitCommitObject(sim, repo, commitSha, example["commit"] as Json) },
    };
  },

  "repos/delete-file": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "write");
    const b = body(req);
    const path = normalizePath(req.params["path"] ?? "");
    const message = requiredString(b, "message");
    const sha = optionalString(b, "sha");
    const branch = optionalString(b, "branch") ?? repo.defaultBranch;
    const head = branchHead(repo, branch);
    const found = locate(repo, head, path);
    if (!found || found.entry === null) throw new SimHttpError(404, "Not Found");
    if (sha === undefined) throw new SimHttpError(422, `Invalid request.\n\n"sha" wasn't supplied.`);
    if (sha !== found.entry.sha) throw new SimHttpError(409, `${path} does not match ${sha}`);
    const tree = store(() => repo.store.treeFromFiles({ [path]: null }, head));
    const commitSha = commitOnBranch(sim, req, repo, branch, head, tree, { ...b, message });
    const example = sim.description.example("repos/delete-file");
    return { status: 200, body: { ...example, content: null, commit: gitCommitObject(sim, repo, commitSha, example["commit"] as Json) } };
  },

  // --- Git data: blobs, trees, commits, refs --------------------------------------------------------------------

  "git/get-blob": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "read");
    const sha = req.params["file_sha"]!;
    if (repo.store.get(sha)?.type !== "blob") throw new SimHttpError(404, "Not Found");
    const data = repo.store.getBlob(sha).content;
    const example = sim.description.example("git/get-blob");
    delete example["highlighted_content"];
    return {
      status: 200,
      body: {
        ...example,
        content: base64Lines(data),
        encoding: "base64",
        url: `${sim.apiUrl}/repos/${repo.fullName}/git/blobs/${sha}`,
        sha,
        size: data.length,
        node_id: nodeId("Blob", `${repo.id}:${sha}`),
      },
    };
  },

  "git/create-blob": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "write");
    const b = body(req);
    const content = requiredString(b, "content");
    const encoding = optionalString(b, "encoding") ?? "utf-8";
    let data: Buffer;
    if (encoding === "utf-8" || encoding === "utf8") data = Buffer.from(content, "utf8");
    else if (encoding === "base64") {
      if (!isBase64(content)) throw new SimHttpError(422, "content is not valid Base64");
      data = Buffer.from(content.replace(/[\r\n]/g, ""), "base64");
    } else throw new SimHttpError(422, `encoding must be one of "utf-8" or "base64", not ${JSON.stringify(encoding)}`);
    const sha = repo.store.blob(data);
    const url = `${sim.apiUrl}/repos/${repo.fullName}/git/blobs/${sha}`;
    return { status: 201, headers: { location: url }, body: { ...sim.description.example("git/create-blob", 201), url, sha } };
  },

  "git/get-tree": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "read");
    const name = req.params["tree_sha"]!;
    const obj = SHA_RE.test(name) ? repo.store.get(name) : undefined;
    let treeSha: string | undefined;
    if (obj?.type === "tree") treeSha = name;
    else if (obj?.type === "commit") treeSha = obj.tree;
    else if (!SHA_RE.test(name)) {
      const commit = resolveCommit(repo, name);
      if (commit) treeSha = repo.store.getCommit(commit).tree;
    }
    if (!treeSha) throw new SimHttpError(404, "Not Found");
    // Any value of `recursive` (even "0" or "false") asks for the recursive listing, as GitHub documents.
    const recursive = req.query.has("recursive");
    const { tree, truncated } = treeListing(sim, repo, treeSha, recursive, recursive ? repoSettings(sim).treeLimit : Number.POSITIVE_INFINITY);
    const example = sim.description.example("git/get-tree");
    return { status: 200, body: { ...example, sha: treeSha, url: `${sim.apiUrl}/repos/${repo.fullName}/git/trees/${treeSha}`, tree, truncated } };
  },

  "git/create-tree": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "write");
    const b = body(req);
    const entries = b["tree"];
    if (!Array.isArray(entries)) throw invalid(`"tree" wasn't supplied.`);
    const baseTree = optionalString(b, "base_tree");
    let root: Dir = new Map();
    if (baseTree !== undefined) {
      if (repo.store.get(baseTree)?.type !== "tree") throw new SimHttpError(422, `base_tree ${baseTree} is not a valid tree oid`, { errors: [{ resource: "Tree", field: "base_tree", code: "invalid" }] });
      root = loadDir(repo, baseTree);
    }
    entries.forEach((raw, index) => {
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalid(`For 'items', ${JSON.stringify(raw)} is not an object.`);
      const e = raw as Json;
      const path = typeof e["path"] === "string" ? e["path"] : undefined;
      const mode = typeof e["mode"] === "string" ? e["mode"] : undefined;
      const type = typeof e["type"] === "string" ? e["type"] : undefined;
      if (!path) throw new SimHttpError(422, `tree.path wasn't supplied.`, { errors: [{ resource: "Tree", field: "path", code: "missing_field", index }] });
      if (!mode || MODE_TYPE[mode] === undefined) throw new SimHttpError(422, `Must supply a valid tree.mode`, { errors: [{ resource: "Tree", field: "mode", code: "invalid", index }] });
      if (!type || MODE_TYPE[mode] !== type) throw new SimHttpError(422, `Must supply a valid tree.type`, { errors: [{ resource: "Tree", field: "type", code: "invalid", index }] });
      const hasContent = typeof e["content"] === "string";
      const hasSha = "sha" in e && e["sha"] !== null;
      if (hasContent && hasSha) throw new SimHttpError(422, `Only one of tree.sha and tree.content may be supplied`, { errors: [{ resource: "Tree", field: "content", code: "invalid", index }] });
      const parts = path.split("/");
      if (parts.some((p) => p === "" || p === "." || p === ".." || p.toLowerCase() === ".git")) {
        throw new SimHttpError(422, `tree.path contains a malformed path component`, { errors: [{ resource: "Tree", field: "path", code: "invalid", index }] });
      }
      const name = parts.pop()!;
      // Walk to the folder, creating it (and replacing a file in the way) unless deleting.
      const deleting = !hasContent && !hasSha;
      let dir: Dir | undefined = root;
      for (const part of parts) {
        let node: Node | undefined = dir.get(part);
        let next = subdir(repo, node);
        if (!next) {
          if (deleting) {
            dir = undefined;
            break;
          }
          next = new Map();
          node = { entry: { path: part, mode: "040000", type: "tree", sha: EMPTY_TREE_SHA }, dir: next };
          dir.set(part, node);
        }
        dir = next;
      }
      if (deleting) {
        if (!dir?.has(name)) throw new SimHttpError(422, `tree.sha ${path} does not exist in the base tree and cannot be deleted`, { errors: [{ resource: "Tree", field: "sha", code: "invalid", index }] });
        dir.delete(name);
        return;
      }
      let sha: string;
      if (hasContent) {
        if (type !== "blob") throw new SimHttpError(422, `tree.content may only be given for blobs`, { errors: [{ resource: "Tree", field: "content", code: "invalid", index }] });
        sha = repo.store.blob(String(e["content"]));
      } else {
        sha = String(e["sha"]);
        const obj = SHA_RE.test(sha) ? repo.store.get(sha) : undefined;
        if (!SHA_RE.test(sha) || (type !== "commit" && obj?.type !== type)) {
          throw new SimHttpError(422, `tree.sha ${sha} is not a valid ${type}`, { errors: [{ resource: "Tree", field: "sha", code: "invalid", index }] });
        }
      }
      dir!.set(name, { entry: { path: name, mode: mode as TreeEntryMode, type: type as TreeEntry["type"], sha } });
    });
    const treeSha = store(() => writeDir(repo, root) ?? repo.store.put({ type: "tree", entries: [] }));
    const url = `${sim.apiUrl}/repos/${repo.fullName}/git/trees/${treeSha}`;
    const { tree } = treeListing(sim, repo, treeSha, false, Number.POSITIVE_INFINITY);
    return { status: 201, headers: { location: url }, body: { ...sim.description.example("git/create-tree", 201), sha: treeSha, url, tree, truncated: false } };
  },

  "git/get-commit": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "read");
    const sha = req.params["commit_sha"]!;
    if (!SHA_RE.test(sha) || repo.store.get(sha)?.type !== "commit") throw new SimHttpError(404, "Not Found");
    return { status: 200, body: gitCommitObject(sim, repo, sha, sim.description.example("git/get-commit")) };
  },

  "git/create-commit": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "write");
    const b = body(req);
    const message = requiredString(b, "message");
    const tree = requiredString(b, "tree");
    if (!SHA_RE.test(tree) || repo.store.get(tree)?.type !== "tree") throw new SimHttpError(422, "Tree SHA does not exist", { errors: [{ resource: "Commit", field: "tree", code: "invalid" }] });
    const parents = b["parents"] ?? [];
    if (!Array.isArray(parents) || parents.some((p) => typeof p !== "string")) throw invalid(`For 'properties/parents', ${JSON.stringify(parents)} is not an array of strings.`);
    for (const p of parents as string[]) {
      if (!SHA_RE.test(p) || repo.store.get(p)?.type !== "commit") throw new SimHttpError(422, "Parent SHA does not exist or is not a commit object", { errors: [{ resource: "Commit", field: "parents", code: "invalid" }] });
    }
    const now = sim.now();
    const author = signatureFrom(b["author"], "author", sim.signature(actorLogin(sim, req)), now);
    const committer = signatureFrom(b["committer"], "committer", author, now);
    // A `signature` (gpgsig) is not kept: the simulator writes unsigned commits.
    const sha = store(() => repo.store.commit({ tree, parents: parents as string[], message, author, committer }));
    const body201 = gitCommitObject(sim, repo, sha, sim.description.example("git/create-commit", 201));
    return { status: 201, headers: { location: String(body201["url"]) }, body: body201 };
  },

  "git/get-ref": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "read");
    const ref = req.params["ref"]!;
    if (!repo.refs.has(ref)) throw new SimHttpError(404, "Not Found");
    return { status: 200, body: refObject(sim, repo, ref, sim.description.example("git/get-ref")) };
  },

  "git/list-matching-refs": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "read");
    const prefix = req.params["ref"]!;
    const base = (sim.description.example("git/list-matching-refs") as unknown as Json[])[0]!;
    const refs = [...repo.refs.keys()].filter((r) => r.startsWith(prefix)).sort();
    return { status: 200, body: refs.map((r) => refObject(sim, repo, r, base)) };
  },

  "git/create-ref": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "write");
    const b = body(req);
    const full = requiredString(b, "ref");
    const sha = requiredString(b, "sha");
    if (!full.startsWith("refs/") || full.split("/").length < 3 || full.split("/").some((p) => p === "")) {
      throw new SimHttpError(422, "Reference name must start with 'refs/' and have at least two slashes.");
    }
    const ref = full.slice("refs/".length);
    if (repo.refs.has(ref)) throw new SimHttpError(422, "Reference already exists");
    if (!SHA_RE.test(sha) || !repo.store.has(sha)) throw new SimHttpError(422, "Object does not exist");
    if (ref.startsWith("heads/") && repo.store.get(sha)?.type !== "commit") throw new SimHttpError(422, "Object is not a commit");
    repo.refs.set(ref, sha);
    if (repo.store.get(sha)?.type === "commit") emitPush(sim, repo, ref, ZERO_SHA, sha, actorLogin(sim, req));
    const out = refObject(sim, repo, ref, sim.description.example("git/create-ref", 201));
    return { status: 201, headers: { location: String(out["url"]) }, body: out };
  },

  "git/update-ref": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "write");
    const b = body(req);
    const ref = req.params["ref"]!.replace(/^refs\//, "");
    const sha = requiredString(b, "sha");
    const force = b["force"] === true;
    const current = repo.refs.get(ref);
    if (!current) throw new SimHttpError(422, "Reference does not exist");
    if (!SHA_RE.test(sha) || !repo.store.has(sha)) throw new SimHttpError(422, "Object does not exist");
    const isCommit = repo.store.get(sha)?.type === "commit";
    if (ref.startsWith("heads/") && !isCommit) throw new SimHttpError(422, "Object is not a commit");
    if (!force && isCommit && repo.store.get(current)?.type === "commit" && !repo.store.isAncestor(current, sha)) {
      throw new SimHttpError(422, "Update is not a fast forward");
    }
    repo.refs.set(ref, sha);
    if (current !== sha && isCommit) emitPush(sim, repo, ref, current, sha, actorLogin(sim, req));
    return { status: 200, body: refObject(sim, repo, ref, sim.description.example("git/update-ref")) };
  },

  "git/delete-ref": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "write");
    const ref = req.params["ref"]!.replace(/^refs\//, "");
    if (!repo.refs.has(ref)) throw new SimHttpError(422, "Reference does not exist");
    repo.refs.delete(ref);
    return { status: 204 };
  },

  // --- Branches and commits --------------------------------------------------------------------------------------

  "repos/get-branch": (req, sim) => {
    const repo = repoFor(sim, req, "metadata", "read");
    const name = req.params["branch"]!;
    const sha = repo.refs.get(`heads/${name}`);
    if (!sha) throw new SimHttpError(404, "Branch not found");
    const example = sim.description.example("repos/get-branch");
    const api = `${sim.apiUrl}/repos/${repo.fullName}`;
    return {
      status: 200,
      body: {
        ...example,
        name,
        commit: commitObject(sim, repo, sha, example["commit"] as Json, false),
        _links: { self: `${api}/branches/${encPath(name)}`, html: `${sim.origin}/${repo.fullName}/tree/${encPath(name)}` },
        protected: false,
        protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
        protection_url: `${api}/branches/${encPath(name)}/protection`,
      },
    };
  },

  "repos/list-branches": (req, sim) => {
    const repo = repoFor(sim, req, "metadata", "read");
    const base = (sim.description.example("repos/list-branches") as unknown as Json[])[0]!;
    const api = `${sim.apiUrl}/repos/${repo.fullName}`;
    // No branch is protected in the simulator: `protected=true` lists none.
    const names = req.query.get("protected") === "true" ? [] : [...repo.refs.keys()].filter((r) => r.startsWith("heads/")).map((r) => r.slice(6)).sort();
    const all = names.map((name) => {
      const out: Json = { ...base, name, commit: { sha: repo.refs.get(`heads/${name}`), url: `${api}/commits/${repo.refs.get(`heads/${name}`)}` }, protected: false };
      delete out["protection"];
      out["protection_url"] = `${api}/branches/${encPath(name)}/protection`;
      return out;
    });
    const { page, headers } = paginate(sim, req, all);
    return { status: 200, body: page, headers };
  },

  "repos/get-commit": (req, sim) => {
    const repo = repoFor(sim, req, "contents", "read");
    const ref = req.params["ref"]!;
    const sha = resolveCommit(repo, ref);
    if (!sha) throw new SimHttpError(422, `No commit found for SHA: ${ref}`);
    return { status: 200, body: commitObject(sim, repo, sha, sim.description.example("repos/get-commit"), true) };
  },
};

const teamIdsBySim = new WeakMap<Simulator, Map<string, number>>();

function teamId(sim: Simulator, key: string): number {
  let ids = teamIdsBySim.get(sim);
  if (!ids) {
    ids = new Map();
    teamIdsBySim.set(sim, ids);
  }
  let id = ids.get(key);
  if (id === undefined) {
    id = sim.id();
    ids.set(key, id);
  }
  return id;
}

/** Whether some folder on the way to `path` is a file (or submodule) in the commit. */
function parentIsFile(repo: SimRepo, commitSha: string, path: string): boolean {
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const found = locate(repo, commitSha, parts.slice(0, i).join("/"));
    if (!found) return false;
    if (found.entry !== null) return true;
  }
  return false;
}

