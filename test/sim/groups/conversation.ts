/**
 * The conversation around code, as GitHub's REST API serves it: pull requests (get, list, update, merge, files,
 * commits, reviews), issues and their comments, reactions and labels, with the webhooks GitHub sends when they
 * change. Every answer is built on GitHub's documented example for the operation and every webhook payload on
 * GitHub's recorded example for the event and action; only the values are the simulator's.
 *
 * The test-facing actions at the bottom do what a person on github.com does: open a pull request (from a branch or
 * a fork), push to it, review it, comment, edit a comment, close, reopen, merge, close an issue.
 *
 * Pull requests and issues share one number sequence (`repo.nextNumber`): every pull request is also an issue
 * (`SimIssue.pull`), which holds its labels and comments, as on GitHub.
 */
import type { FileSpec, TreeEntryMode } from "../git-objects.js";
import { envelope, examplePayload, userPayload } from "../payloads.js";
import { commitFiles, createRepository, emitPush } from "../repo-state.js";
import type { Simulator } from "../simulator.js";
import type { SimComment, SimIssue, SimLabel, SimPull, SimReaction, SimRepo, SimReview } from "../state.js";
import { SimHttpError, type Handler, type Json, type Permission, type SimRequest, type SimResponse } from "../types.js";

// ---------------------------------------------------------------------------------------------------------------
// Bookkeeping the core state has no field for (kept beside it, keyed by the state objects themselves).

/** GitHub's database ids of pull requests and issues (a pull request has both). */
const objectIds = new WeakMap<object, number>();
/** Who closed an issue (`closed_by`). */
const closers = new WeakMap<SimIssue, string>();
/** A fork → the full name of the repository it was forked from. */
const forkParents = new WeakMap<SimRepo, string>();

function idOf(sim: Simulator, object: object): number {
  let id = objectIds.get(object);
  if (id === undefined) {
    id = sim.id();
    objectIds.set(object, id);
  }
  return id;
}

/** The repository a fork was made from, or undefined when the repository is not a fork. */
export function forkParent(repo: SimRepo): string | undefined {
  return forkParents.get(repo);
}

/** The login of the app's bot user, which is who an installation token acts as. */
export function botLogin(sim: Simulator): string {
  return `${sim.app.slug}[bot]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Who is calling, and may they.

const RANK: Record<Permission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/**
 * The login acting for this request on this repository, after GitHub's access rules: an installation token reaches
 * only the repositories of its installation (else 404), a user needs access to a private repository (else 404) and
 * the permission the operation needs (else 403) unless they are `self` (the author of what they change), an
 * anonymous caller only reads public repositories. Null for an anonymous read.
 */
export function actor(sim: Simulator, req: SimRequest, repo: SimRepo, need: "read" | "triage" | "write", self?: string): string | null {
  const caller = req.caller;
  switch (caller.kind) {
    case "installation": {
      const installation = sim.installations.get(caller.installationId);
      if (!installation || !installation.repositories.some((r) => r.toLowerCase() === repo.fullName.toLowerCase())) {
        throw new SimHttpError(404, "Not Found");
      }
      sim.user(botLogin(sim));
      return botLogin(sim);
    }
    case "user": {
      const permission = repo.collaborators.get(caller.login) ?? (repo.private ? "none" : "read");
      if (RANK[permission] < RANK.read) throw new SimHttpError(404, "Not Found");
      if (RANK[permission] < RANK[need] && caller.login !== self) {
        throw new SimHttpError(403, "Must have push access to repository");
      }
      return caller.login;
    }
    case "app":
      throw new SimHttpError(403, "Resource not accessible by integration");
    case "anonymous":
      if (repo.private) throw new SimHttpError(404, "Not Found");
      if (need !== "read") throw new SimHttpError(401, "Requires authentication");
      return null;
  }
}

function repoOf(sim: Simulator, req: SimRequest): SimRepo {
  return sim.repo(`${req.params["owner"]}/${req.params["repo"]}`);
}

function pullOf(repo: SimRepo, number: unknown): SimPull {
  const pull = repo.pulls.get(Number(number));
  if (!pull) throw new SimHttpError(404, "Not Found");
  return pull;
}

function issueOf(repo: SimRepo, number: unknown): SimIssue {
  const issue = repo.issues.get(Number(number));
  if (!issue) throw new SimHttpError(404, "Not Found");
  return issue;
}

function commentOf(repo: SimRepo, id: unknown): SimComment {
  const comment = repo.comments.get(Number(id));
  if (!comment) throw new SimHttpError(404, "Not Found");
  return comment;
}

function validationFailed(resource: string, field: string, code: string, message?: string): SimHttpError {
  return new SimHttpError(422, "Validation Failed", { errors: [{ resource, field, code, ...(message ? { message } : {}) }] });
}

/** A request body as an object (a handler must not crash on a body the description already flagged). */
function bodyOf(req: SimRequest): Json {
  return req.body !== null && typeof req.body === "object" && !Array.isArray(req.body) ? (req.body as Json) : {};
}

function optionalString(body: Json, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

/** A page of a list, with GitHub's `per_page`/`page` parameters and `link` header. */
function paginate<T>(sim: Simulator, req: SimRequest, items: T[], render: (item: T) => unknown, max?: number): SimResponse {
  const perPage = Math.min(100, Math.max(1, Math.floor(Number(req.query.get("per_page") ?? 30)) || 30));
  const page = Math.max(1, Math.floor(Number(req.query.get("page") ?? 1)) || 1);
  const all = max === undefined ? items : items.slice(0, max);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const body = all.slice((page - 1) * perPage, page * perPage).map(render);
  const link = (p: number) => {
    const query = new URLSearchParams(req.query);
    query.set("page", String(p));
    return `<${sim.apiUrl}${req.path}?${query.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
  if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) rels.push(`${link(1)}; rel="first"`);
  return { status: 200, body, ...(rels.length > 0 ? { headers: { link: rels.join(", ") } } : {}) };
}

/** A documented example answer; an example the description only points to (`$ref`) falls back to `fallback`. */
function exampleOf(sim: Simulator, operationId: string, status: number, fallback?: [string, number]): Json {
  const example = sim.description.example(operationId, status);
  if (fallback && Object.keys(example).length === 1 && "$ref" in example) return sim.description.example(...fallback);
  return example;
}

/** The first item of a documented example list answer. */
function itemExample(sim: Simulator, operationId: string, status = 200): Json {
  const list = sim.description.example(operationId, status) as unknown as Json[];
  return structuredClone(list[0]!);
}

// ---------------------------------------------------------------------------------------------------------------
// Objects, built on a template (a documented example answer or a recorded webhook payload's object).

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function authorAssociation(repo: SimRepo, login: string): string {
  if (login === repo.owner) return "OWNER";
  for (const members of repo.teams.values()) if (members.has(login)) return "MEMBER";
  if (repo.collaborators.has(login)) return "COLLABORATOR";
  for (const pull of repo.pulls.values()) if (pull.user === login && pull.merged) return "CONTRIBUTOR";
  return "NONE";
}

/** A user object in the shape of `template` (simple-user, or a webhook payload's user). */
function hostname(sim: Simulator): string {
  return sim.host.replace(/:\d+$/, "");
}

/** A repository object in the shape of `template` (repository, or a webhook payload's repository). */
export function repoObject(sim: Simulator, repo: SimRepo, template: unknown): Json {
  const t = (template && typeof template === "object" ? template : {}) as Json;
  const from = String(t["full_name"] ?? "");
  const out: Json = {};
  for (const [key, value] of Object.entries(t)) {
    if (typeof value === "string" && (key.endsWith("_url") || key === "url") && from !== "") {
      out[key] = value
        .replace(`https://api.github.com/repos/${from}`, `${sim.apiUrl}/repos/${repo.fullName}`)
        .replace(`https://github.com/${from}`, `${sim.origin}/${repo.fullName}`)
        .replace(/^git:\/*github\.com\/.*$/, `git://${sim.host}/${repo.fullName}.git`)
        .replace(/^git@github\.com:.*$/, `git@${hostname(sim)}:${repo.fullName}.git`)
        .replace(/^https:\/\/svn\.github\.com\/.*$/, `${sim.origin}/${repo.fullName}`);
    } else {
      out[key] = value;
    }
  }
  const open = [...repo.issues.values()].filter((i) => i.state === "open").length;
  Object.assign(out, {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: userPayload(sim, repo.owner, t["owner"]),
    html_url: `${sim.origin}/${repo.fullName}`,
    description: null,
    fork: forkParents.has(repo),
    url: `${sim.apiUrl}/repos/${repo.fullName}`,
    git_url: `git://${sim.host}/${repo.fullName}.git`,
    ssh_url: `git@${hostname(sim)}:${repo.fullName}.git`,
    clone_url: `${sim.origin}/${repo.fullName}.git`,
    svn_url: `${sim.origin}/${repo.fullName}`,
    homepage: null,
    mirror_url: null,
    language: null,
    license: null,
    default_branch: repo.defaultBranch,
    open_issues_count: open,
    open_issues: open,
  });
  if ("master_branch" in t) out["master_branch"] = repo.defaultBranch;
  out["visibility"] = repo.private ? "private" : "public";
  out["topics"] = [];
  out["has_discussions"] = false;
  return out;
}

function labelObject(sim: Simulator, repo: SimRepo, label: SimLabel, template: unknown): Json {
  const t = (template && typeof template === "object" ? structuredClone(template) : {}) as Json;
  return Object.assign(t, {
    id: label.id,
    node_id: `LA_${label.id}`,
    url: `${sim.apiUrl}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  });
}

function labelsOf(sim: Simulator, repo: SimRepo, issue: SimIssue, template: unknown): Json[] {
  return issue.labels.flatMap((name) => {
    const label = repo.labels.get(name.toLowerCase());
    return label ? [labelObject(sim, repo, label, template)] : [];
  });
}

function reactionRollup(sim: Simulator, repo: SimRepo, key: string, url: string): Json {
  const reactions = repo.reactions.get(key) ?? [];
  const count = (content: string) => reactions.filter((r) => r.content === content).length;
  return {
    url,
    total_count: reactions.length,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    hooray: count("hooray"),
    confused: count("confused"),
    heart: count("heart"),
    rocket: count("rocket"),
    eyes: count("eyes"),
  };
}

/** The repository holding a pull request's head branch (the base repository, or a fork). */
function headRepoOf(sim: Simulator, repo: SimRepo, pull: SimPull): SimRepo {
  return pull.head.repo.toLowerCase() === repo.fullName.toLowerCase() ? repo : sim.repo(pull.head.repo);
}

/** The base commit a pull request is compared with: the base branch's tip while open, as it was when it closed after. */
function baseCommit(repo: SimRepo, pull: SimPull): string {
  if (pull.state === "open") {
    const tip = repo.refs.get(`heads/${pull.base.ref}`);
    if (tip) pull.base.sha = tip;
  }
  return pull.base.sha;
}

function branchObject(sim: Simulator, repo: SimRepo, ref: string, sha: string, template: unknown): Json {
  const t = (template && typeof template === "object" ? template : {}) as Json;
  return {
    ...t,
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: userPayload(sim, repo.owner, t["user"]),
    repo: repoObject(sim, repo, t["repo"]),
  };
}

/**
 * A pull request in the shape of `template`: pull-request (get, update), pull-request-simple (list) or a webhook
 * payload's pull_request. The keys of the full shape (merged, mergeable, counts...) are set only where the template
 * has them. Webhooks carry `mergeable: null` as GitHub computes mergeability after it sends them.
 */
export function pullObject(sim: Simulator, repo: SimRepo, pull: SimPull, template: unknown, options: { webhook?: boolean } = {}): Json {
  const t = (template && typeof template === "object" ? structuredClone(template) : {}) as Json;
  const issue = repo.issues.get(pull.number);
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  const web = `${sim.origin}/${repo.fullName}`;
  const n = pull.number;
  const base = baseCommit(repo, pull);
  const head = headRepoOf(sim, repo, pull);
  const id = idOf(sim, pull);
  Object.assign(t, {
    url: `${api}/pulls/${n}`,
    id,
    node_id: `PR_${id}`,
    html_url: `${web}/pull/${n}`,
    diff_url: `${web}/pull/${n}.diff`,
    patch_url: `${web}/pull/${n}.patch`,
    issue_url: `${api}/issues/${n}`,
    commits_url: `${api}/pulls/${n}/commits`,
    review_comments_url: `${api}/pulls/${n}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${n}/comments`,
    statuses_url: `${api}/statuses/${pull.head.sha}`,
    number: n,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userPayload(sim, pull.user, t["user"]),
    body: pull.body,
    labels: issue ? labelsOf(sim, repo, issue, (t["labels"] as unknown[] | undefined)?.[0] ?? itemExample(sim, "issues/list-labels-on-issue")) : [],
    milestone: null,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchObject(sim, head, pull.head.ref, pull.head.sha, t["head"]),
    base: branchObject(sim, repo, pull.base.ref, base, t["base"]),
    _links: {
      self: { href: `${api}/pulls/${n}` },
      html: { href: `${web}/pull/${n}` },
      issue: { href: `${api}/issues/${n}` },
      comments: { href: `${api}/issues/${n}/comments` },
      review_comments: { href: `${api}/pulls/${n}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${n}/commits` },
      statuses: { href: `${api}/statuses/${pull.head.sha}` },
    },
    author_association: authorAssociation(repo, pull.user),
    draft: pull.draft,
  });
  // Current webhook payloads carry these even where the recorded examples predate them.
  t["active_lock_reason"] = null;
  t["auto_merge"] = null;
  if ("merged" in t) {
    const mergeable = options.webhook || pull.state !== "open" ? null : mergeResult(repo, pull).ok;
    const files = changedFiles(repo, pull);
    Object.assign(t, {
      merged: pull.merged,
      mergeable,
      rebaseable: mergeable,
      mergeable_state: mergeable === null ? "unknown" : !mergeable ? "dirty" : pull.draft ? "draft" : "clean",
      merged_by: pull.merged_by ? userPayload(sim, pull.merged_by, t["merged_by"] ?? t["user"]) : null,
      comments: [...repo.comments.values()].filter((c) => c.issue === n).length,
      review_comments: 0,
      maintainer_can_modify: head !== repo && pull.state === "open",
      commits: pullCommits(repo, pull).length,
      additions: files.reduce((sum, f) => sum + f.additions, 0),
      deletions: files.reduce((sum, f) => sum + f.deletions, 0),
      changed_files: files.length,
    });
  }
  return t;
}

/**
 * An issue in the shape of `template` (issue, or a webhook payload's issue). A pull request's issue carries
 * `pull_request`, as GitHub's answers and issue_comment payloads do.
 */
export function issueObject(sim: Simulator, repo: SimRepo, issue: SimIssue, template: unknown): Json {
  const t = (template && typeof template === "object" ? structuredClone(template) : {}) as Json;
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  const web = `${sim.origin}/${repo.fullName}`;
  const n = issue.number;
  const pull = issue.pull ? repo.pulls.get(n) : undefined;
  const id = idOf(sim, issue);
  const closer = closers.get(issue);
  Object.assign(t, {
    id,
    node_id: `I_${id}`,
    url: `${api}/issues/${n}`,
    repository_url: api,
    labels_url: `${api}/issues/${n}/labels{/name}`,
    comments_url: `${api}/issues/${n}/comments`,
    events_url: `${api}/issues/${n}/events`,
    html_url: pull ? `${web}/pull/${n}` : `${web}/issues/${n}`,
    number: n,
    state: issue.state,
    state_reason: issue.state_reason,
    title: issue.title,
    body: issue.body,
    user: userPayload(sim, issue.user, t["user"]),
    labels: labelsOf(sim, repo, issue, (t["labels"] as unknown[] | undefined)?.[0] ?? itemExample(sim, "issues/list-labels-on-issue")),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    comments: [...repo.comments.values()].filter((c) => c.issue === n).length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    author_association: authorAssociation(repo, issue.user),
  });
  t["active_lock_reason"] = null;
  if ("closed_by" in t) t["closed_by"] = closer && issue.state === "closed" ? userPayload(sim, closer, t["closed_by"] ?? t["user"]) : null;
  if ("draft" in t || pull) t["draft"] = pull?.draft ?? false;
  t["reactions"] = reactionRollup(sim, repo, `issue:${n}`, `${api}/issues/${n}/reactions`);
  if ("timeline_url" in t) t["timeline_url"] = `${api}/issues/${n}/timeline`;
  if ("performed_via_github_app" in t) t["performed_via_github_app"] = null;
  if ("pinned_comment" in t) t["pinned_comment"] = null;
  if (pull) {
    t["pull_request"] = {
      url: `${api}/pulls/${n}`,
      html_url: `${web}/pull/${n}`,
      diff_url: `${web}/pull/${n}.diff`,
      patch_url: `${web}/pull/${n}.patch`,
      merged_at: pull.merged_at,
    };
  } else {
    delete t["pull_request"];
  }
  return t;
}

/** An issue comment in the shape of `template` (issue-comment, or a webhook payload's comment). */
export function commentObject(sim: Simulator, repo: SimRepo, comment: SimComment, template: unknown): Json {
  const t = (template && typeof template === "object" ? structuredClone(template) : {}) as Json;
  const api = `${sim.apiUrl}/repos/${repo.fullName}`;
  const kind = repo.issues.get(comment.issue)?.pull ? "pull" : "issues";
  Object.assign(t, {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${sim.origin}/${repo.fullName}/${kind}/${comment.issue}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issue}`,
    body: comment.body,
    user: userPayload(sim, comment.user, t["user"]),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: authorAssociation(repo, comment.user),
  });
  t["reactions"] = reactionRollup(sim, repo, `issue_comment:${comment.id}`, `${api}/issues/comments/${comment.id}/reactions`);
  t["performed_via_github_app"] = null;
  return t;
}

/** A review in the shape of `template`; webhooks carry the state in lower case, as GitHub sends it. */
export function reviewObject(sim: Simulator, repo: SimRepo, review: SimReview, template: unknown, options: { webhook?: boolean } = {}): Json {
  const t = (template && typeof template === "object" ? structuredClone(template) : {}) as Json;
  const html = `${sim.origin}/${repo.fullName}/pull/${review.pull}#pullrequestreview-${review.id}`;
  const pullUrl = `${sim.apiUrl}/repos/${repo.fullName}/pulls/${review.pull}`;
  Object.assign(t, {
    id: review.id,
    node_id: `PRR_${review.id}`,
    user: userPayload(sim, review.user, t["user"]),
    body: options.webhook ? review.body || null : (review.body ?? ""),
    state: options.webhook ? review.state.toLowerCase() : review.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    commit_id: review.commit_id,
    author_association: authorAssociation(repo, review.user),
  });
  if (review.state === "PENDING") delete t["submitted_at"];
  else t["submitted_at"] = review.submitted_at;
  return t;
}

function reactionObject(sim: Simulator, reaction: SimReaction, template: unknown): Json {
  const t = (template && typeof template === "object" ? structuredClone(template) : {}) as Json;
  return Object.assign(t, {
    id: reaction.id,
    node_id: `REA_${reaction.id}`,
    user: userPayload(sim, reaction.user, t["user"]),
    content: reaction.content,
    created_at: reaction.created_at,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Git: what a pull request changes, its commits, and merging.

interface TreeFile {
  sha: string;
  mode: TreeEntryMode;
}

/** Every file of a commit's tree by path (blobs and submodules). */
function flatten(repo: SimRepo, commit: string): Map<string, TreeFile> {
  const files = new Map<string, TreeFile>();
  for (const entry of repo.store.readTree(commit, { recursive: true })) {
    if (entry.type !== "tree") files.set(entry.path, { sha: entry.sha, mode: entry.mode });
  }
  return files;
}

function sameFile(a: TreeFile | undefined, b: TreeFile | undefined): boolean {
  return a?.sha === b?.sha && a?.mode === b?.mode;
}

/** The commit's ancestors, itself included. */
function ancestors(repo: SimRepo, sha: string): Set<string> {
  const seen = new Set<string>([sha]);
  const stack = [sha];
  while (stack.length > 0) {
    for (const parent of repo.store.getCommit(stack.pop()!).parents) {
      if (!seen.has(parent)) {
        seen.add(parent);
        stack.push(parent);
      }
    }
  }
  return seen;
}

/** The commits of a pull request: reachable from its head, not from its base; parents before children. */
function pullCommits(repo: SimRepo, pull: SimPull): string[] {
  const exclude = ancestors(repo, baseCommit(repo, pull));
  const out: string[] = [];
  const done = new Set<string>();
  // An explicit stack for the depth-first post-order, so a long history cannot overflow the call stack.
  const stack: Array<{ sha: string; expanded: boolean }> = [{ sha: pull.head.sha, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (exclude.has(top.sha) || (done.has(top.sha) && !top.expanded)) continue;
    if (top.expanded) {
      if (!done.has(top.sha)) {
        done.add(top.sha);
        out.push(top.sha);
      }
      continue;
    }
    stack.push({ sha: top.sha, expanded: true });
    const parents = repo.store.getCommit(top.sha).parents;
    for (let i = parents.length - 1; i >= 0; i--) stack.push({ sha: parents[i]!, expanded: false });
  }
  return out;
}

export interface ChangedFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "changed";
  sha: string;
  previous_filename?: string;
  additions: number;
  deletions: number;
  patch?: string;
}

/** What a pull request changes: the head's tree against the merge base of base and head, sorted by path. */
export function changedFiles(repo: SimRepo, pull: SimPull): ChangedFile[] {
  const base = baseCommit(repo, pull);
  const mergeBase = repo.store.mergeBase(base, pull.head.sha);
  const before = mergeBase ? flatten(repo, mergeBase) : new Map<string, TreeFile>();
  const after = flatten(repo, pull.head.sha);
  const added: string[] = [];
  const removed: string[] = [];
  const out: ChangedFile[] = [];
  for (const [path, file] of after) {
    const old = before.get(path);
    if (!old) added.push(path);
    else if (!sameFile(old, file)) {
      out.push({ filename: path, status: old.sha === file.sha ? "changed" : "modified", sha: file.sha, ...lineChanges(repo, old, file) });
    }
  }
  for (const path of before.keys()) if (!after.has(path)) removed.push(path);
  // A removed and an added path with the same content are a rename, as GitHub shows it.
  for (const path of added) {
    const file = after.get(path)!;
    const from = removed.findIndex((r) => before.get(r)!.sha === file.sha);
    if (from >= 0) {
      const previous = removed.splice(from, 1)[0]!;
      out.push({ filename: path, status: "renamed", sha: file.sha, previous_filename: previous, additions: 0, deletions: 0 });
    } else {
      out.push({ filename: path, status: "added", sha: file.sha, ...lineChanges(repo, undefined, file) });
    }
  }
  for (const path of removed) {
    const file = before.get(path)!;
    out.push({ filename: path, status: "removed", sha: file.sha, ...lineChanges(repo, file, undefined) });
  }
  return out.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

function contentOf(repo: SimRepo, file: TreeFile | undefined): Buffer | null {
  if (!file) return Buffer.alloc(0);
  if (file.mode === "160000") return null;
  return repo.store.getBlob(file.sha).content;
}

/** Lines with their line feed (the last may lack one). */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function lineChanges(repo: SimRepo, before: TreeFile | undefined, after: TreeFile | undefined): { additions: number; deletions: number; patch?: string } {
  const a = contentOf(repo, before);
  const b = contentOf(repo, after);
  if (a === null || b === null || a.includes(0) || b.includes(0)) return { additions: 0, deletions: 0 };
  const ops = diffLines(splitLines(a.toString("utf8")), splitLines(b.toString("utf8")));
  const additions = ops.filter((o) => o.kind === "+").length;
  const deletions = ops.filter((o) => o.kind === "-").length;
  return { additions, deletions, ...(additions + deletions > 0 ? { patch: unifiedPatch(ops) } : {}) };
}

interface LineOp {
  kind: " " | "-" | "+";
  text: string;
}

/** A line diff: common prefix and suffix, then a longest common subsequence of the middle (or replace-all when huge). */
function diffLines(a: string[], b: string[]): LineOp[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const ops: LineOp[] = a.slice(0, pre).map((text) => ({ kind: " ", text }));
  const n = am.length;
  const m = bm.length;
  if (n * m <= 4_000_000) {
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = am[i] === bm[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (am[i] === bm[j]) {
        ops.push({ kind: " ", text: am[i++]! });
        j++;
      } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) ops.push({ kind: "-", text: am[i++]! });
      else ops.push({ kind: "+", text: bm[j++]! });
    }
    while (i < n) ops.push({ kind: "-", text: am[i++]! });
    while (j < m) ops.push({ kind: "+", text: bm[j++]! });
  } else {
    for (const text of am) ops.push({ kind: "-", text });
    for (const text of bm) ops.push({ kind: "+", text });
  }
  for (const text of a.slice(a.length - suf)) ops.push({ kind: " ", text });
  return ops;
}

/** The hunks of a unified diff with three lines of context, as GitHub's `patch` field carries them. */
function unifiedPatch(ops: LineOp[]): string {
  const CONTEXT = 3;
  const changes = ops.map((o, i) => (o.kind === " " ? -1 : i)).filter((i) => i >= 0);
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldLine.push(o);
    newLine.push(n);
    if (op.kind !== "+") o++;
    if (op.kind !== "-") n++;
  }
  const lines: string[] = [];
  let k = 0;
  while (k < changes.length) {
    const start = Math.max(0, changes[k]! - CONTEXT);
    let end = changes[k]! + 1;
    while (k + 1 < changes.length && changes[k + 1]! - end < 2 * CONTEXT + 1) end = changes[++k]! + 1;
    k++;
    end = Math.min(ops.length, end + CONTEXT);
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((h) => h.kind !== "+").length;
    const newCount = hunk.filter((h) => h.kind !== "-").length;
    const range = (first: number, count: number) => (count === 1 ? `${first}` : `${count === 0 ? first - 1 : first},${count}`);
    lines.push(`@@ -${range(oldLine[start]!, oldCount)} +${range(newLine[start]!, newCount)} @@`);
    for (const h of hunk) {
      lines.push(`${h.kind}${h.text.replace(/\n$/, "")}`);
      if (!h.text.endsWith("\n")) lines.push("\\ No newline at end of file");
    }
  }
  return lines.join("\n");
}

interface MergeOutcome {
  ok: boolean;
  /** The merged tree, when ok. */
  tree?: string;
  conflicts: string[];
}

/** A three-way merge of trees, file by file: a path changed on both sides in different ways is a conflict. */
function mergeTrees(repo: SimRepo, base: string | null, ours: string, theirs: string): MergeOutcome {
  const b = base ? flatten(repo, base) : new Map<string, TreeFile>();
  const o = flatten(repo, ours);
  const t = flatten(repo, theirs);
  const changes: Record<string, FileSpec> = {};
  const conflicts: string[] = [];
  for (const path of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
    const [bf, of, tf] = [b.get(path), o.get(path), t.get(path)];
    if (sameFile(of, tf) || sameFile(bf, tf)) continue;
    if (!sameFile(bf, of) || tf?.mode === "160000") {
      conflicts.push(path);
      continue;
    }
    changes[path] = tf ? { content: repo.store.getBlob(tf.sha).content, mode: tf.mode as "100644" | "100755" | "120000" } : null;
  }
  if (conflicts.length > 0) return { ok: false, conflicts };
  if (Object.keys(changes).length === 0) return { ok: true, tree: repo.store.getCommit(ours).tree, conflicts };
  try {
    return { ok: true, tree: repo.store.treeFromFiles(changes, ours), conflicts };
  } catch (error) {
    return { ok: false, conflicts: [String((error as Error).message)] };
  }
}

/** Whether the pull request merges cleanly into its base now, and the merged tree. */
function mergeResult(repo: SimRepo, pull: SimPull): MergeOutcome {
  const base = baseCommit(repo, pull);
  const mergeBase = repo.store.mergeBase(base, pull.head.sha);
  if (mergeBase === null) return { ok: false, conflicts: ["unrelated histories"] };
  return mergeTrees(repo, mergeBase, base, pull.head.sha);
}

const GITHUB_COMMITTER = { name: "GitHub", email: "noreply@github.com" };

export interface MergeOptions {
  method?: "merge" | "squash" | "rebase";
  commitTitle?: string;
  commitMessage?: string;
  /** The head the merge is meant for: another head answers 409. */
  sha?: string;
}

/**
 * Merges a pull request as GitHub does: a merge commit (parents: base tip, head), a squash commit or rebased
 * commits on the base branch, committed by GitHub; the base branch moves (push webhook) and the pull request
 * closes as merged (pull_request closed, merged true). Throws GitHub's 405 / 409 answers.
 */
function mergePull(sim: Simulator, repo: SimRepo, pull: SimPull, merger: string, options: MergeOptions): string {
  if (pull.state !== "open" || pull.merged) throw new SimHttpError(405, "Pull Request is not mergeable");
  if (pull.draft) throw new SimHttpError(405, "Pull Request is still a draft");
  if (options.sha !== undefined && options.sha !== pull.head.sha) {
    throw new SimHttpError(409, "Head branch was modified. Review and try the merge again.");
  }
  const outcome = mergeResult(repo, pull);
  if (!outcome.ok || !outcome.tree) throw new SimHttpError(405, "Pull Request is not mergeable");
  const base = baseCommit(repo, pull);
  const head = headRepoOf(sim, repo, pull);
  const author = sim.signature(merger);
  const committer = { ...GITHUB_COMMITTER, date: author.date };
  const method = options.method ?? "merge";
  let sha: string;
  if (method === "merge") {
    const title = options.commitTitle ?? `Merge pull request #${pull.number} from ${head.owner}/${pull.head.ref}`;
    const message = `${title}\n\n${options.commitMessage ?? pull.title}`;
    sha = repo.store.commit({ tree: outcome.tree, parents: [base, pull.head.sha], message, author, committer });
  } else if (method === "squash") {
    const commits = pullCommits(repo, pull);
    const title = options.commitTitle ?? `${pull.title} (#${pull.number})`;
    const details = options.commitMessage ?? commits.map((c) => `* ${repo.store.getCommit(c).message.trim()}`).join("\n\n");
    const squashAuthor = sim.signature(pull.user);
    sha = repo.store.commit({ tree: outcome.tree, parents: [base], message: `${title}\n\n${details}`, author: squashAuthor, committer });
  } else {
    const commits = pullCommits(repo, pull);
    if (commits.some((c) => repo.store.getCommit(c).parents.length > 1)) throw new SimHttpError(405, "This branch can't be rebased");
    sha = base;
    for (const c of commits) {
      const commit = repo.store.getCommit(c);
      const picked = mergeTrees(repo, commit.parents[0] ?? null, sha, c);
      if (!picked.ok || !picked.tree) throw new SimHttpError(405, "This branch can't be rebased");
      sha = repo.store.commit({ tree: picked.tree, parents: [sha], message: commit.message, author: commit.author, committer });
    }
  }
  const now = sim.now();
  repo.refs.set(`heads/${pull.base.ref}`, sha);
  emitPush(sim, repo, `heads/${pull.base.ref}`, base, sha, merger);
  Object.assign(pull, { state: "closed", merged: true, merged_at: now, merged_by: merger, merge_commit_sha: sha, closed_at: now, updated_at: now });
  pull.base.sha = base;
  const issue = repo.issues.get(pull.number);
  if (issue) {
    Object.assign(issue, { state: "closed", closed_at: now, updated_at: now });
    closers.set(issue, merger);
  }
  emitPullRequest(sim, repo, pull, "closed", merger);
  return sha;
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks.

/** The recorded example to build a payload on when GitHub's examples have none for the action itself. */
const EXAMPLE_STANDIN: Record<string, string> = {
  "pull_request:edited": "opened",
  "issues:closed": "reopened",
};

function payloadFor(event: string, action: string): Json {
  const payload = examplePayload(event, EXAMPLE_STANDIN[`${event}:${action}`] ?? action);
  payload["action"] = action;
  return payload;
}

function deliver(sim: Simulator, repo: SimRepo, event: string, payload: Json, sender: string): void {
  Object.assign(payload, envelope(sim, repo, sender));
  // The simulator's repositories belong to users, not organizations.
  delete payload["organization"];
  sim.webhooks.emit(event, payload);
}

function emitPullRequest(sim: Simulator, repo: SimRepo, pull: SimPull, action: string, sender: string, extra: Json = {}): void {
  const payload = payloadFor("pull_request", action);
  payload["number"] = pull.number;
  payload["pull_request"] = pullObject(sim, repo, pull, payload["pull_request"], { webhook: true });
  if (action !== "synchronize") {
    delete payload["before"];
    delete payload["after"];
  }
  if (action !== "edited") delete payload["changes"];
  Object.assign(payload, extra);
  deliver(sim, repo, "pull_request", payload, sender);
}

function emitIssues(sim: Simulator, repo: SimRepo, issue: SimIssue, action: string, sender: string, extra: Json = {}): void {
  const payload = payloadFor("issues", action);
  payload["issue"] = issueObject(sim, repo, issue, payload["issue"]);
  if (action !== "edited") delete payload["changes"];
  Object.assign(payload, extra);
  deliver(sim, repo, "issues", payload, sender);
}

function emitIssueComment(sim: Simulator, repo: SimRepo, comment: SimComment, action: "created" | "edited" | "deleted", sender: string, changes?: Json): void {
  const payload = payloadFor("issue_comment", action);
  payload["issue"] = issueObject(sim, repo, repo.issues.get(comment.issue)!, payload["issue"]);
  payload["comment"] = commentObject(sim, repo, comment, payload["comment"]);
  if (changes) payload["changes"] = changes;
  else delete payload["changes"];
  deliver(sim, repo, "issue_comment", payload, sender);
}

function emitReview(sim: Simulator, repo: SimRepo, pull: SimPull, review: SimReview, sender: string): void {
  const payload = payloadFor("pull_request_review", "submitted");
  payload["review"] = reviewObject(sim, repo, review, payload["review"], { webhook: true });
  payload["pull_request"] = pullObject(sim, repo, pull, payload["pull_request"], { webhook: true });
  deliver(sim, repo, "pull_request_review", payload, sender);
}

/** `labeled`: issues labeled for an issue, pull_request labeled for a pull request. */
function emitLabeled(sim: Simulator, repo: SimRepo, issue: SimIssue, label: SimLabel, action: "labeled" | "unlabeled", sender: string): void {
  const pull = issue.pull ? repo.pulls.get(issue.number) : undefined;
  const event = pull ? "pull_request" : "issues";
  const payload = payloadFor(event, action);
  payload["label"] = labelObject(sim, repo, label, payload["label"]);
  if (pull) {
    payload["number"] = pull.number;
    payload["pull_request"] = pullObject(sim, repo, pull, payload["pull_request"], { webhook: true });
  } else {
    payload["issue"] = issueObject(sim, repo, issue, payload["issue"]);
  }
  deliver(sim, repo, event, payload, sender);
}

// ---------------------------------------------------------------------------------------------------------------
// State changes shared by the handlers and the test-facing actions.

function touch(sim: Simulator, repo: SimRepo, number: number): string {
  const now = sim.now();
  const pull = repo.pulls.get(number);
  const issue = repo.issues.get(number);
  if (pull) pull.updated_at = now;
  if (issue) issue.updated_at = now;
  return now;
}

function closePull(sim: Simulator, repo: SimRepo, pull: SimPull, sender: string): void {
  if (pull.state === "closed") return;
  const now = touch(sim, repo, pull.number);
  pull.state = "closed";
  pull.closed_at = now;
  pull.base.sha = repo.refs.get(`heads/${pull.base.ref}`) ?? pull.base.sha;
  const issue = repo.issues.get(pull.number);
  if (issue) {
    Object.assign(issue, { state: "closed", closed_at: now });
    closers.set(issue, sender);
  }
  emitPullRequest(sim, repo, pull, "closed", sender);
}

function reopenPull(sim: Simulator, repo: SimRepo, pull: SimPull, sender: string): void {
  if (pull.merged) throw validationFailed("PullRequest", "state", "custom", "state cannot be changed. The pull request has been merged.");
  if (pull.state === "open") return;
  const head = headRepoOf(sim, repo, pull);
  const tip = head.refs.get(`heads/${pull.head.ref}`);
  if (!tip) throw validationFailed("PullRequest", "state", "custom", "state cannot be changed. The head branch was deleted.");
  touch(sim, repo, pull.number);
  pull.state = "open";
  pull.closed_at = null;
  pull.head.sha = tip;
  repo.refs.set(`pull/${pull.number}/head`, tip);
  const issue = repo.issues.get(pull.number);
  if (issue) Object.assign(issue, { state: "open", closed_at: null, state_reason: "reopened" });
  emitPullRequest(sim, repo, pull, "reopened", sender);
}

function setIssueState(sim: Simulator, repo: SimRepo, issue: SimIssue, state: "open" | "closed", reason: SimIssue["state_reason"] | undefined, sender: string): void {
  if (issue.pull) {
    const pull = repo.pulls.get(issue.number)!;
    if (state === "closed") closePull(sim, repo, pull, sender);
    else reopenPull(sim, repo, pull, sender);
    return;
  }
  if (issue.state === state) {
    if (reason !== undefined && reason !== issue.state_reason) {
      issue.state_reason = reason;
      touch(sim, repo, issue.number);
    }
    return;
  }
  const now = touch(sim, repo, issue.number);
  if (state === "closed") {
    Object.assign(issue, { state, closed_at: now, state_reason: reason ?? "completed" });
    closers.set(issue, sender);
    emitIssues(sim, repo, issue, "closed", sender);
  } else {
    Object.assign(issue, { state, closed_at: null, state_reason: "reopened" });
    emitIssues(sim, repo, issue, "reopened", sender);
  }
}

function ensureLabel(sim: Simulator, repo: SimRepo, name: string): SimLabel {
  let label = repo.labels.get(name.toLowerCase());
  if (!label) {
    label = { id: sim.id(), name, color: "ededed", description: null };
    repo.labels.set(name.toLowerCase(), label);
  }
  return label;
}

function addLabelsTo(sim: Simulator, repo: SimRepo, issue: SimIssue, names: string[], sender: string): void {
  for (const name of names) {
    const label = ensureLabel(sim, repo, name);
    if (issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) continue;
    issue.labels.push(label.name);
    touch(sim, repo, issue.number);
    emitLabeled(sim, repo, issue, label, "labeled", sender);
  }
}

const MAX_BODY = 65536;

function createComment(sim: Simulator, repo: SimRepo, issue: SimIssue, user: string, body: string): SimComment {
  if (body.length > MAX_BODY) throw validationFailed("IssueComment", "data", "custom", `Body is too long (maximum is ${MAX_BODY} characters)`);
  const now = touch(sim, repo, issue.number);
  const comment: SimComment = { id: sim.id(), issue: issue.number, user, body, created_at: now, updated_at: now };
  repo.comments.set(comment.id, comment);
  emitIssueComment(sim, repo, comment, "created", user);
  return comment;
}

function updateComment(sim: Simulator, repo: SimRepo, comment: SimComment, body: string, sender: string): SimComment {
  if (body.length > MAX_BODY) throw validationFailed("IssueComment", "data", "custom", `Body is too long (maximum is ${MAX_BODY} characters)`);
  const from = comment.body;
  comment.body = body;
  comment.updated_at = sim.now();
  emitIssueComment(sim, repo, comment, "edited", sender, { body: { from } });
  return comment;
}

type ReviewEvent = "APPROVE" | "REQUEST_CHANGES" | "COMMENT";
const REVIEW_STATE: Record<ReviewEvent, SimReview["state"]> = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" };

function reviewFailed(message: string): SimHttpError {
  return new SimHttpError(422, "Unprocessable Entity", { errors: [message] });
}

function createReview(sim: Simulator, repo: SimRepo, pull: SimPull, user: string, state: SimReview["state"], body: string | null, commitId?: string): SimReview {
  if (user === pull.user && state === "APPROVED") throw reviewFailed("Review Can not approve your own pull request");
  if (user === pull.user && state === "CHANGES_REQUESTED") throw reviewFailed("Review Can not request changes on your own pull request");
  if ((state === "CHANGES_REQUESTED" || state === "COMMENTED") && !body) throw reviewFailed("Review body can't be blank");
  const commit = commitId ?? pull.head.sha;
  if (!repo.store.has(commit) || !ancestors(repo, pull.head.sha).has(commit)) throw reviewFailed(`Commit ${commit} is not part of the pull request`);
  const review: SimReview = { id: sim.id(), pull: pull.number, user, state, body, commit_id: commit, submitted_at: sim.now() };
  repo.reviews.push(review);
  if (state !== "PENDING") {
    touch(sim, repo, pull.number);
    emitReview(sim, repo, pull, review, user);
  }
  return review;
}

function react(sim: Simulator, repo: SimRepo, key: string, user: string, content: string): { reaction: SimReaction; created: boolean } {
  const contents: SimReaction["content"][] = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"];
  if (!contents.includes(content as SimReaction["content"])) throw validationFailed("Reaction", "content", "invalid");
  const list = repo.reactions.get(key) ?? [];
  const existing = list.find((r) => r.user === user && r.content === content);
  if (existing) return { reaction: existing, created: false };
  const reaction: SimReaction = { id: sim.id(), user, content: content as SimReaction["content"], created_at: sim.now() };
  list.push(reaction);
  repo.reactions.set(key, list);
  return { reaction, created: true };
}

/**
 * Call after a branch moved by any means (contents API, git refs, a test's commit): open pull requests whose head
 * is that branch take the new head and GitHub's `pull_request` synchronize goes out.
 */
export function headMoved(sim: Simulator, headRepo: SimRepo, branch: string, before: string, after: string, sender: string): void {
  for (const repo of sim.repos.values()) {
    for (const pull of repo.pulls.values()) {
      if (pull.state !== "open" || pull.head.ref !== branch || pull.head.repo.toLowerCase() !== headRepo.fullName.toLowerCase()) continue;
      if (pull.head.sha === after) continue;
      pull.head.sha = after;
      repo.refs.set(`pull/${pull.number}/head`, after);
      touch(sim, repo, pull.number);
      emitPullRequest(sim, repo, pull, "synchronize", sender, { before, after });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers.

function sortBy<T>(items: T[], key: (item: T) => string | number, direction: string): T[] {
  const sign = direction === "asc" ? 1 : -1;
  return [...items].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x < y ? -sign : x > y ? sign : 0;
  });
}

/** A reaction on what `subject` names: 201 the first time, 200 when the user already reacted so. */
function createReaction(req: SimRequest, sim: Simulator, subject: (repo: SimRepo) => string) {
  const repo = repoOf(sim, req);
  const login = actor(sim, req, repo, "read")!;
  const { reaction, created } = react(sim, repo, subject(repo), login, String(bodyOf(req)["content"]));
  const status = created ? 201 : 200;
  return { status, body: reactionObject(sim, reaction, sim.description.example(req.operation.operationId, status)) };
}

/** Applies a PATCH's title and body to a pull request or issue; returns the `changes` of the edited webhook. */
function editTitleAndBody(target: { title: string; body: string | null }, body: Json): Json {
  const changes: Json = {};
  const title = optionalString(body, "title");
  if (title !== undefined && title !== target.title) {
    changes["title"] = { from: target.title };
    target.title = title;
  }
  if ("body" in body && (typeof body["body"] === "string" || body["body"] === null) && body["body"] !== target.body) {
    changes["body"] = { from: target.body ?? "" };
    target.body = body["body"] as string | null;
  }
  return changes;
}

export const conversationGroup: Record<string, Handler> = {
  // --- pull requests -------------------------------------------------------------------------------------------

  "pulls/get": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const pull = pullOf(repo, req.params["pull_number"]);
    return { status: 200, body: pullObject(sim, repo, pull, sim.description.example("pulls/get")) };
  },

  "pulls/list": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const state = req.query.get("state") ?? "open";
    const head = req.query.get("head");
    const base = req.query.get("base");
    let pulls = [...repo.pulls.values()].filter((p) => state === "all" || p.state === state);
    if (head) {
      const [owner, ref] = head.includes(":") ? (head.split(":", 2) as [string, string]) : [undefined, head];
      pulls = pulls.filter((p) => p.head.ref === ref && (owner === undefined || p.head.repo.split("/")[0]!.toLowerCase() === owner.toLowerCase()));
    }
    if (base) pulls = pulls.filter((p) => p.base.ref === base);
    const sort = req.query.get("sort") ?? "created";
    const direction = req.query.get("direction") ?? (sort === "created" ? "desc" : "asc");
    pulls = sortBy(pulls, (p) => (sort === "updated" ? `${p.updated_at}#${String(p.number).padStart(9, "0")}` : p.number), direction);
    const template = itemExample(sim, "pulls/list");
    return paginate(sim, req, pulls, (p) => pullObject(sim, repo, p, template));
  },

  "pulls/update": (req, sim) => {
    const repo = repoOf(sim, req);
    const pull = pullOf(repo, req.params["pull_number"]);
    const login = actor(sim, req, repo, "write", pull.user)!;
    const body = bodyOf(req);
    const changes = editTitleAndBody(pull, body);
    const baseRef = optionalString(body, "base");
    if (baseRef !== undefined && baseRef !== pull.base.ref) {
      const tip = repo.refs.get(`heads/${baseRef}`);
      if (!tip) throw validationFailed("PullRequest", "base", "invalid", `Proposed base branch '${baseRef}' was not found`);
      changes["base"] = { ref: { from: pull.base.ref }, sha: { from: pull.base.sha } };
      pull.base = { ref: baseRef, sha: tip };
    }
    const issue = repo.issues.get(pull.number);
    if (Object.keys(changes).length > 0) {
      touch(sim, repo, pull.number);
      if (issue) Object.assign(issue, { title: pull.title, body: pull.body });
      emitPullRequest(sim, repo, pull, "edited", login, { changes });
    }
    if (body["state"] === "closed") closePull(sim, repo, pull, login);
    else if (body["state"] === "open") reopenPull(sim, repo, pull, login);
    return { status: 200, body: pullObject(sim, repo, pull, sim.description.example("pulls/update")) };
  },

  "pulls/merge": (req, sim) => {
    const repo = repoOf(sim, req);
    const login = actor(sim, req, repo, "write")!;
    const pull = pullOf(repo, req.params["pull_number"]);
    const body = bodyOf(req);
    const method = optionalString(body, "merge_method") ?? "merge";
    if (!["merge", "squash", "rebase"].includes(method)) throw validationFailed("PullRequest", "merge_method", "invalid");
    const sha = mergePull(sim, repo, pull, login, {
      method: method as MergeOptions["method"],
      ...(optionalString(body, "commit_title") !== undefined ? { commitTitle: optionalString(body, "commit_title")! } : {}),
      ...(optionalString(body, "commit_message") !== undefined ? { commitMessage: optionalString(body, "commit_message")! } : {}),
      ...(optionalString(body, "sha") !== undefined ? { sha: optionalString(body, "sha")! } : {}),
    });
    const answer = sim.description.example("pulls/merge");
    Object.assign(answer, { sha, merged: true, message: "Pull Request successfully merged" });
    return { status: 200, body: answer };
  },

  "pulls/list-files": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const pull = pullOf(repo, req.params["pull_number"]);
    const template = itemExample(sim, "pulls/list-files");
    const head = pull.head.sha;
    const render = (f: ChangedFile): Json => {
      const t = structuredClone(template);
      const path = encodePath(f.filename);
      Object.assign(t, {
        sha: f.sha,
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `${sim.origin}/${repo.fullName}/blob/${head}/${path}`,
        raw_url: `${sim.origin}/${repo.fullName}/raw/${head}/${path}`,
        contents_url: `${sim.apiUrl}/repos/${repo.fullName}/contents/${path}?ref=${head}`,
      });
      if (f.patch !== undefined) t["patch"] = f.patch;
      else delete t["patch"];
      if (f.previous_filename !== undefined) t["previous_filename"] = f.previous_filename;
      return t;
    };
    return paginate(sim, req, changedFiles(repo, pull), render, 3000);
  },

  "pulls/list-commits": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const pull = pullOf(repo, req.params["pull_number"]);
    const template = itemExample(sim, "pulls/list-commits");
    const api = `${sim.apiUrl}/repos/${repo.fullName}`;
    const render = (sha: string): Json => {
      const commit = repo.store.getCommit(sha);
      const t = structuredClone(template);
      const inner = t["commit"] as Json;
      const parentTemplate = ((t["parents"] as Json[] | undefined) ?? [])[0] ?? {};
      const known = (name: string) => (name !== GITHUB_COMMITTER.name && sim.users.has(name) ? userPayload(sim, name, t["author"]) : null);
      Object.assign(inner, {
        url: `${api}/git/commits/${sha}`,
        author: { ...commit.author },
        committer: { ...commit.committer },
        message: commit.message,
        tree: { url: `${api}/git/trees/${commit.tree}`, sha: commit.tree },
        comment_count: 0,
        verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
      });
      Object.assign(t, {
        url: `${api}/commits/${sha}`,
        sha,
        node_id: `C_${sha}`,
        html_url: `${sim.origin}/${repo.fullName}/commit/${sha}`,
        comments_url: `${api}/commits/${sha}/comments`,
        author: known(commit.author.name),
        committer: known(commit.committer.name),
        parents: commit.parents.map((p) => ({
          ...parentTemplate,
          url: `${api}/commits/${p}`,
          sha: p,
          ...("html_url" in parentTemplate ? { html_url: `${sim.origin}/${repo.fullName}/commit/${p}` } : {}),
        })),
      });
      return t;
    };
    return paginate(sim, req, pullCommits(repo, pull), render, 250);
  },

  "pulls/create-review": (req, sim) => {
    const repo = repoOf(sim, req);
    const login = actor(sim, req, repo, "read")!;
    const pull = pullOf(repo, req.params["pull_number"]);
    const body = bodyOf(req);
    const event = optionalString(body, "event") as ReviewEvent | undefined;
    if (event !== undefined && !(event in REVIEW_STATE)) throw validationFailed("PullRequestReview", "event", "invalid");
    const state = event ? REVIEW_STATE[event] : "PENDING";
    const text = optionalString(body, "body") ?? null;
    const review = createReview(sim, repo, pull, login, state, text, optionalString(body, "commit_id"));
    return { status: 200, body: reviewObject(sim, repo, review, sim.description.example("pulls/create-review")) };
  },

  "pulls/list-reviews": (req, sim) => {
    const repo = repoOf(sim, req);
    const login = actor(sim, req, repo, "read");
    const pull = pullOf(repo, req.params["pull_number"]);
    const reviews = repo.reviews.filter((r) => r.pull === pull.number && (r.state !== "PENDING" || r.user === login));
    const template = itemExample(sim, "pulls/list-reviews");
    return paginate(sim, req, reviews, (r) => reviewObject(sim, repo, r, template));
  },

  "pulls/get-review": (req, sim) => {
    const repo = repoOf(sim, req);
    const login = actor(sim, req, repo, "read");
    const pull = pullOf(repo, req.params["pull_number"]);
    const review = repo.reviews.find((r) => r.id === Number(req.params["review_id"]) && r.pull === pull.number);
    if (!review || (review.state === "PENDING" && review.user !== login)) throw new SimHttpError(404, "Not Found");
    return { status: 200, body: reviewObject(sim, repo, review, sim.description.example("pulls/get-review")) };
  },

  // --- issues --------------------------------------------------------------------------------------------------

  "issues/get": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const issue = issueOf(repo, req.params["issue_number"]);
    return { status: 200, body: issueObject(sim, repo, issue, exampleOf(sim, "issues/get", 200, ["issues/create", 201])) };
  },

  "issues/create": (req, sim) => {
    const repo = repoOf(sim, req);
    const login = actor(sim, req, repo, "read")!;
    const body = bodyOf(req);
    const title = optionalString(body, "title");
    if (!title) throw validationFailed("Issue", "title", "missing_field");
    const now = sim.now();
    const issue: SimIssue = {
      number: repo.nextNumber++,
      title,
      body: optionalString(body, "body") ?? null,
      user: login,
      state: "open",
      state_reason: null,
      labels: [],
      created_at: now,
      updated_at: now,
      closed_at: null,
    };
    repo.issues.set(issue.number, issue);
    const labels = Array.isArray(body["labels"]) ? (body["labels"] as unknown[]).map(labelName).filter((l): l is string => l !== null) : [];
    for (const name of labels) issue.labels.push(ensureLabel(sim, repo, name).name);
    emitIssues(sim, repo, issue, "opened", login);
    return { status: 201, body: issueObject(sim, repo, issue, sim.description.example("issues/create", 201)) };
  },

  "issues/update": (req, sim) => {
    const repo = repoOf(sim, req);
    const issue = issueOf(repo, req.params["issue_number"]);
    const login = actor(sim, req, repo, "triage", issue.user)!;
    const body = bodyOf(req);
    const changes = editTitleAndBody(issue, body);
    if (Object.keys(changes).length > 0) {
      touch(sim, repo, issue.number);
      const pull = repo.pulls.get(issue.number);
      if (pull) {
        Object.assign(pull, { title: issue.title, body: issue.body });
        emitPullRequest(sim, repo, pull, "edited", login, { changes });
      } else {
        emitIssues(sim, repo, issue, "edited", login, { changes });
      }
    }
    if (Array.isArray(body["labels"])) {
      const wanted = (body["labels"] as unknown[]).map(labelName).filter((l): l is string => l !== null);
      for (const name of [...issue.labels]) {
        if (wanted.some((w) => w.toLowerCase() === name.toLowerCase())) continue;
        issue.labels = issue.labels.filter((l) => l !== name);
        const label = repo.labels.get(name.toLowerCase());
        if (label) emitLabeled(sim, repo, issue, label, "unlabeled", login);
      }
      addLabelsTo(sim, repo, issue, wanted, login);
    }
    const reason = body["state_reason"] as SimIssue["state_reason"] | undefined;
    if (reason !== undefined && reason !== null && !["completed", "not_planned", "reopened", "duplicate"].includes(reason)) {
      throw validationFailed("Issue", "state_reason", "invalid");
    }
    const state = body["state"];
    if (state === "closed" || state === "open") setIssueState(sim, repo, issue, state, reason ?? undefined, login);
    else if (reason !== undefined && issue.state === "closed") setIssueState(sim, repo, issue, "closed", reason ?? undefined, login);
    return { status: 200, body: issueObject(sim, repo, issue, sim.description.example("issues/update")) };
  },

  "issues/list-for-repo": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const state = req.query.get("state") ?? "open";
    const labels = (req.query.get("labels") ?? "").split(",").map((l) => l.trim().toLowerCase()).filter((l) => l !== "");
    const creator = req.query.get("creator");
    const since = req.query.get("since");
    let issues = [...repo.issues.values()].filter(
      (i) =>
        (state === "all" || i.state === state) &&
        labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)) &&
        (!creator || i.user === creator) &&
        (!since || i.updated_at >= since),
    );
    const sort = req.query.get("sort") ?? "created";
    const comments = (i: SimIssue) => [...repo.comments.values()].filter((c) => c.issue === i.number).length;
    const key = (i: SimIssue) => (sort === "updated" ? `${i.updated_at}#${String(i.number).padStart(9, "0")}` : sort === "comments" ? comments(i) * 1e9 + i.number : i.number);
    issues = sortBy(issues, key, req.query.get("direction") ?? "desc");
    const template = itemExample(sim, "issues/list-for-repo");
    return paginate(sim, req, issues, (i) => issueObject(sim, repo, i, template));
  },

  "issues/list-comments": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const issue = issueOf(repo, req.params["issue_number"]);
    const since = req.query.get("since");
    const comments = [...repo.comments.values()].filter((c) => c.issue === issue.number && (!since || c.updated_at >= since));
    const template = itemExample(sim, "issues/list-comments");
    return paginate(sim, req, comments, (c) => commentObject(sim, repo, c, template));
  },

  "issues/create-comment": (req, sim) => {
    const repo = repoOf(sim, req);
    const login = actor(sim, req, repo, "read")!;
    const issue = issueOf(repo, req.params["issue_number"]);
    const text = optionalString(bodyOf(req), "body");
    if (text === undefined || text === "") throw validationFailed("IssueComment", "body", "missing_field");
    const comment = createComment(sim, repo, issue, login, text);
    return { status: 201, body: commentObject(sim, repo, comment, sim.description.example("issues/create-comment", 201)) };
  },

  "issues/get-comment": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const comment = commentOf(repo, req.params["comment_id"]);
    return { status: 200, body: commentObject(sim, repo, comment, sim.description.example("issues/get-comment")) };
  },

  "issues/update-comment": (req, sim) => {
    const repo = repoOf(sim, req);
    const comment = commentOf(repo, req.params["comment_id"]);
    const login = actor(sim, req, repo, "write", comment.user)!;
    const text = optionalString(bodyOf(req), "body");
    if (text === undefined || text === "") throw validationFailed("IssueComment", "body", "missing_field");
    updateComment(sim, repo, comment, text, login);
    return { status: 200, body: commentObject(sim, repo, comment, sim.description.example("issues/update-comment")) };
  },

  "issues/delete-comment": (req, sim) => {
    const repo = repoOf(sim, req);
    const comment = commentOf(repo, req.params["comment_id"]);
    const login = actor(sim, req, repo, "write", comment.user)!;
    emitIssueComment(sim, repo, comment, "deleted", login);
    repo.comments.delete(comment.id);
    repo.reactions.delete(`issue_comment:${comment.id}`);
    return { status: 204 };
  },

  // --- reactions -----------------------------------------------------------------------------------------------

  "reactions/create-for-issue-comment": (req, sim) =>
    createReaction(req, sim, (repo) => `issue_comment:${commentOf(repo, req.params["comment_id"]).id}`),

  "reactions/create-for-issue": (req, sim) => createReaction(req, sim, (repo) => `issue:${issueOf(repo, req.params["issue_number"]).number}`),

  "reactions/list-for-issue-comment": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const comment = commentOf(repo, req.params["comment_id"]);
    const content = req.query.get("content");
    const reactions = (repo.reactions.get(`issue_comment:${comment.id}`) ?? []).filter((r) => !content || r.content === content);
    const template = itemExample(sim, "reactions/list-for-issue-comment");
    return paginate(sim, req, reactions, (r) => reactionObject(sim, r, template));
  },

  // --- labels --------------------------------------------------------------------------------------------------

  "issues/create-label": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "write");
    const body = bodyOf(req);
    const name = optionalString(body, "name");
    if (!name) throw validationFailed("Label", "name", "missing_field");
    if (repo.labels.has(name.toLowerCase())) throw validationFailed("Label", "name", "already_exists");
    const color = (optionalString(body, "color") ?? "ededed").replace(/^#/, "");
    if (!/^[0-9a-fA-F]{6}$/.test(color)) throw validationFailed("Label", "color", "invalid");
    const label: SimLabel = { id: sim.id(), name, color: color.toLowerCase(), description: optionalString(body, "description") ?? null };
    repo.labels.set(name.toLowerCase(), label);
    return { status: 201, body: labelObject(sim, repo, label, sim.description.example("issues/create-label", 201)) };
  },

  "issues/get-label": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const label = repo.labels.get(String(req.params["name"]).toLowerCase());
    if (!label) throw new SimHttpError(404, "Not Found");
    return { status: 200, body: labelObject(sim, repo, label, sim.description.example("issues/get-label")) };
  },

  "issues/add-labels": (req, sim) => {
    const repo = repoOf(sim, req);
    const login = actor(sim, req, repo, "triage")!;
    const issue = issueOf(repo, req.params["issue_number"]);
    const raw = Array.isArray(req.body) ? req.body : bodyOf(req)["labels"];
    const names = Array.isArray(raw) ? (raw as unknown[]).map(labelName).filter((l): l is string => l !== null) : [];
    if (names.length === 0) throw validationFailed("Label", "labels", "missing_field");
    addLabelsTo(sim, repo, issue, names, login);
    const template = itemExample(sim, "issues/add-labels");
    return { status: 200, body: labelsOf(sim, repo, issue, template) };
  },

  "issues/list-labels-on-issue": (req, sim) => {
    const repo = repoOf(sim, req);
    actor(sim, req, repo, "read");
    const issue = issueOf(repo, req.params["issue_number"]);
    const template = itemExample(sim, "issues/list-labels-on-issue");
    return paginate(sim, req, labelsOf(sim, repo, issue, template), (l) => l);
  },
};

function labelName(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as Json)["name"] === "string") return (value as Json)["name"] as string;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Test-facing actions: what people do on github.com.

/** The fork of `repo` owned by `owner` (created on first use). A fork shares its network's objects, as on GitHub. */
export function forkRepository(sim: Simulator, repo: SimRepo, owner: string): SimRepo {
  const existing = sim.repos.get(`${owner}/${repo.name}`.toLowerCase());
  if (existing) return existing;
  const fork = createRepository(sim, { owner, name: repo.name, defaultBranch: repo.defaultBranch, private: repo.private, installed: false });
  fork.store = repo.store;
  fork.refs = new Map([...repo.refs].filter(([ref]) => ref.startsWith("heads/")));
  forkParents.set(fork, repo.fullName);
  return fork;
}

export interface OpenPullRequestOptions {
  author: string;
  /** The head branch (created from the base branch). */
  branch: string;
  files: Record<string, FileSpec>;
  title: string;
  body?: string;
  /** Open it from the author's fork of the repository (`head.repo` is the fork). */
  fromFork?: boolean;
  /** The base branch (default: the repository's default branch). */
  base?: string;
  draft?: boolean;
  message?: string;
}

/** Commits the files on a new branch (push webhook) and opens a pull request from it (pull_request opened). */
export function openPullRequest(sim: Simulator, repo: SimRepo, options: OpenPullRequestOptions): SimPull {
  const baseRef = options.base ?? repo.defaultBranch;
  const baseTip = repo.refs.get(`heads/${baseRef}`);
  if (!baseTip) throw new Error(`no branch ${baseRef} in ${repo.fullName}`);
  const headRepo = options.fromFork ? forkRepository(sim, repo, options.author) : repo;
  if (headRepo !== repo && !headRepo.refs.has(`heads/${options.branch}`)) headRepo.refs.set(`heads/${baseRef}`, baseTip);
  const duplicate = [...repo.pulls.values()].find((p) => p.state === "open" && p.head.ref === options.branch && p.head.repo === headRepo.fullName);
  if (duplicate) throw new Error(`a pull request already exists for ${headRepo.owner}:${options.branch} (#${duplicate.number})`);
  const sha = commitFiles(sim, headRepo, options.branch, options.files, {
    author: options.author,
    from: baseRef,
    message: options.message ?? options.title,
    // GitHub tells the app about pushes only in repositories it is installed on.
    push: headRepo.installationId !== 0,
  });
  const now = sim.now();
  const number = repo.nextNumber++;
  const pull: SimPull = {
    number,
    title: options.title,
    body: options.body ?? null,
    user: options.author,
    state: "open",
    head: { ref: options.branch, sha, repo: headRepo.fullName },
    base: { ref: baseRef, sha: repo.refs.get(`heads/${baseRef}`)! },
    merged: false,
    merge_commit_sha: null,
    merged_by: null,
    created_at: now,
    updated_at: now,
    closed_at: null,
    merged_at: null,
    draft: options.draft ?? false,
  };
  const issue: SimIssue = {
    number,
    title: pull.title,
    body: pull.body,
    user: pull.user,
    state: "open",
    state_reason: null,
    labels: [],
    created_at: now,
    updated_at: now,
    closed_at: null,
    pull: true,
  };
  repo.pulls.set(number, pull);
  repo.issues.set(number, issue);
  repo.refs.set(`pull/${number}/head`, sha);
  emitPullRequest(sim, repo, pull, "opened", options.author);
  return pull;
}

export interface PushOptions {
  files: Record<string, FileSpec>;
  /** Who pushes (default: the pull request's author). */
  author?: string;
  message?: string;
}

/** A new commit on the pull request's head branch: push (when the app sees that repository) and pull_request synchronize. */
export function pushToPullRequest(sim: Simulator, repo: SimRepo, number: number, options: PushOptions): string {
  const pull = pullOf(repo, number);
  const headRepo = headRepoOf(sim, repo, pull);
  const author = options.author ?? pull.user;
  const before = headRepo.refs.get(`heads/${pull.head.ref}`) ?? pull.head.sha;
  const sha = commitFiles(sim, headRepo, pull.head.ref, options.files, {
    author,
    message: options.message ?? "Update files",
    push: headRepo.installationId !== 0,
  });
  headMoved(sim, headRepo, pull.head.ref, before, sha, author);
  return sha;
}

/** A review submitted on github.com (pull_request_review submitted), on the head commit of now. */
export function submitReview(
  sim: Simulator,
  repo: SimRepo,
  number: number,
  options: { user: string; state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED"; body?: string; commitId?: string },
): SimReview {
  return createReview(sim, repo, pullOf(repo, number), options.user, options.state, options.body ?? null, options.commitId);
}

/** A comment on a pull request's conversation (issue_comment created, `issue.pull_request` set). */
export function commentOnPullRequest(sim: Simulator, repo: SimRepo, number: number, options: { user: string; body: string }): SimComment {
  pullOf(repo, number);
  return createComment(sim, repo, issueOf(repo, number), options.user, options.body);
}

/** A comment on an issue (issue_comment created). */
export function commentOnIssue(sim: Simulator, repo: SimRepo, number: number, options: { user: string; body: string }): SimComment {
  return createComment(sim, repo, issueOf(repo, number), options.user, options.body);
}

/** Edits a comment (issue_comment edited, `changes.body.from` the old body); by its author unless `user` says otherwise. */
export function editComment(sim: Simulator, repo: SimRepo, commentId: number, options: { body: string; user?: string }): SimComment {
  const comment = commentOf(repo, commentId);
  return updateComment(sim, repo, comment, options.body, options.user ?? comment.user);
}

/** Closes a pull request without merging (pull_request closed, merged false). */
export function closePullRequest(sim: Simulator, repo: SimRepo, number: number, options: { user?: string } = {}): SimPull {
  const pull = pullOf(repo, number);
  closePull(sim, repo, pull, options.user ?? pull.user);
  return pull;
}

/**
 * Marks a draft pull request ready for review (pull_request ready_for_review), or turns an open one back into a
 * draft (converted_to_draft), as the buttons on GitHub do.
 */
export function setDraft(sim: Simulator, repo: SimRepo, number: number, draft: boolean, options: { user?: string } = {}): SimPull {
  const pull = pullOf(repo, number);
  if (pull.state !== "open") throw new Error(`pull request #${number} is not open`);
  if (pull.draft === draft) return pull;
  touch(sim, repo, pull.number);
  pull.draft = draft;
  emitPullRequest(sim, repo, pull, draft ? "converted_to_draft" : "ready_for_review", options.user ?? pull.user);
  return pull;
}

/** Reopens a closed, unmerged pull request on its branch's current tip (pull_request reopened). */
export function reopenPullRequest(sim: Simulator, repo: SimRepo, number: number, options: { user?: string } = {}): SimPull {
  const pull = pullOf(repo, number);
  reopenPull(sim, repo, pull, options.user ?? pull.user);
  return pull;
}

/** Merges from github.com: the merge commit (or squash/rebase), push, pull_request closed with merged true. Returns the new base tip. */
export function mergePullRequest(sim: Simulator, repo: SimRepo, number: number, options: MergeOptions & { user?: string } = {}): string {
  const pull = pullOf(repo, number);
  return mergePull(sim, repo, pull, options.user ?? repo.owner, options);
}

/** Opens an issue (issues opened). */
export function openIssue(sim: Simulator, repo: SimRepo, options: { author: string; title: string; body?: string; labels?: string[] }): SimIssue {
  const now = sim.now();
  const issue: SimIssue = {
    number: repo.nextNumber++,
    title: options.title,
    body: options.body ?? null,
    user: options.author,
    state: "open",
    state_reason: null,
    labels: (options.labels ?? []).map((l) => ensureLabel(sim, repo, l).name),
    created_at: now,
    updated_at: now,
    closed_at: null,
  };
  repo.issues.set(issue.number, issue);
  emitIssues(sim, repo, issue, "opened", options.author);
  return issue;
}

/** Closes an issue as completed or not planned (issues closed, `issue.state_reason`). */
export function closeIssue(sim: Simulator, repo: SimRepo, number: number, options: { user: string; reason: "completed" | "not_planned" }): SimIssue {
  const issue = issueOf(repo, number);
  if (issue.pull) throw new Error(`#${number} is a pull request: use closePullRequest`);
  setIssueState(sim, repo, issue, "closed", options.reason, options.user);
  return issue;
}

/** Reopens an issue (issues reopened). */
export function reopenIssue(sim: Simulator, repo: SimRepo, number: number, options: { user: string }): SimIssue {
  const issue = issueOf(repo, number);
  setIssueState(sim, repo, issue, "open", undefined, options.user);
  return issue;
}

/** Adds labels to an issue or pull request (labeled), creating missing labels as GitHub does. */
export function labelIssue(sim: Simulator, repo: SimRepo, number: number, options: { user: string; labels: string[] }): SimIssue {
  const issue = issueOf(repo, number);
  addLabelsTo(sim, repo, issue, options.labels, options.user);
  return issue;
}
