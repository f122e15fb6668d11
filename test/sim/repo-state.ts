/**
 * Test-facing helpers for the repository state: create a repository with files, and commit to a branch (which,
 * as on GitHub, emits a push webhook). Handler groups and tests build on these.
 */
import { ObjectStore, type FileSpec, type Signature } from "./git-objects.js";
import { envelope } from "./payloads.js";
import type { Simulator } from "./simulator.js";
import type { SimRepo } from "./state.js";
import type { Permission } from "./types.js";

export interface CreateRepositoryOptions {
  owner: string;
  name: string;
  defaultBranch?: string;
  private?: boolean;
  files?: Record<string, FileSpec>;
  /** Install the app on it (default true). */
  installed?: boolean;
  collaborators?: Record<string, Permission>;
  teams?: Record<string, string[]>;
}

export function createRepository(sim: Simulator, options: CreateRepositoryOptions): SimRepo {
  const fullName = `${options.owner}/${options.name}`;
  const store = new ObjectStore();
  const repo: SimRepo = {
    id: sim.id(),
    owner: options.owner,
    name: options.name,
    fullName,
    private: options.private ?? true,
    defaultBranch: options.defaultBranch ?? "main",
    store,
    refs: new Map(),
    collaborators: new Map(Object.entries({ [options.owner]: "admin" as Permission, ...(options.collaborators ?? {}) })),
    teams: new Map(Object.entries(options.teams ?? {}).map(([team, members]) => [team, new Set(members)])),
    issues: new Map(),
    pulls: new Map(),
    comments: new Map(),
    reviews: [],
    reactions: new Map(),
    labels: new Map(),
    checkRuns: new Map(),
    runs: new Map(),
    artifacts: new Map(),
    nextNumber: 1,
    installationId: 0,
  };
  const tree = store.treeFromFiles(options.files ?? { "README.md": `# ${options.name}\n` });
  const signature = sim.signature(options.owner);
  repo.refs.set(`heads/${repo.defaultBranch}`, store.commit({ tree, message: "Initial commit", author: signature }));
  sim.repos.set(fullName.toLowerCase(), repo);
  if (options.installed ?? true) {
    const installationId = sim.id();
    repo.installationId = installationId;
    sim.installations.set(installationId, { id: installationId, account: options.owner, repositories: [fullName] });
  }
  return repo;
}

export interface CommitOptions {
  message?: string;
  author?: string;
  /** Start the branch from this one when it does not exist yet (default: the default branch). */
  from?: string;
  /** Emit the push webhook (default true). */
  push?: boolean;
}

/** Commits files (null deletes) on top of a branch, creating it if needed; returns the new commit sha. */
export function commitFiles(sim: Simulator, repo: SimRepo, branch: string, files: Record<string, FileSpec>, options: CommitOptions = {}): string {
  const ref = `heads/${branch}`;
  const parent = repo.refs.get(ref) ?? repo.refs.get(`heads/${options.from ?? repo.defaultBranch}`)!;
  const tree = repo.store.treeFromFiles(files, parent);
  const author = options.author ?? repo.owner;
  const sha = repo.store.commit({ tree, parents: [parent], message: options.message ?? "Update files", author: sim.signature(author) });
  const before = repo.refs.get(ref) ?? "0".repeat(40);
  repo.refs.set(ref, sha);
  if (options.push ?? true) emitPush(sim, repo, ref, before, sha, author);
  else sim.refMoved(repo, ref, before, sha, author);
  return sha;
}

/** The push webhook for a ref that moved from `before` to `after` (and the simulator's own ref listeners). */
export function emitPush(sim: Simulator, repo: SimRepo, ref: string, before: string, after: string, pusher: string): void {
  sim.refMoved(repo, ref, before, after, pusher);
  const commit = repo.store.getCommit(after);
  const head = {
    id: after,
    tree_id: commit.tree,
    distinct: true,
    message: commit.message,
    timestamp: commit.committer.date,
    url: `${sim.origin}/${repo.fullName}/commit/${after}`,
    author: { name: commit.author.name, email: commit.author.email, username: pusher },
    committer: { name: commit.committer.name, email: commit.committer.email, username: pusher },
    added: [],
    removed: [],
    modified: [],
  };
  sim.webhooks.emit("push", {
    ref: `refs/${ref}`,
    before,
    after,
    created: /^0+$/.test(before),
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${sim.origin}/${repo.fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: [head],
    head_commit: head,
    pusher: { name: pusher, email: sim.email(pusher) },
    ...envelope(sim, repo, pusher),
  });
}

export type { Signature };
