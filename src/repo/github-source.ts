/**
 * GitHub App mode's snapshot source: the default branch and the status branch of PAO_REPOSITORY, read through the
 * gateway. Each refresh costs one ref look-up per branch and one recursive tree call per branch that moved; blobs
 * are fetched only for shas not seen before, and the catalog loader re-validates only files whose sha changed. A
 * push to either branch (the webhook) or POST /admin/catalog/refresh triggers a refresh, except the pushes of pao's
 * own status commits: the status writer reports those and they are applied from what was written.
 */
import { CatalogLoader } from "../catalog/load.js";
import type { Catalog } from "../catalog/model.js";
import { DEFAULT_LAYOUT, isWorkflowFile, isYamlUnder } from "../catalog/paths.js";
import type { GitHubGateway, TreeEntry } from "../github/gateway.js";
import { noCatalogDiagnostics, parseStatusRecords, serialRefresher, snapshotId, type Snapshot, type SnapshotSource } from "./snapshot.js";
import { symlinkDiagnostic } from "./fs-files.js";
import type { Diagnostic } from "../diagnostics.js";
import { gitBlobSha } from "../github/git-data.js";

/** A commit pao made on the status branch (the status writer's report of it). */
export interface OwnCommit {
  branch: string;
  parent: string | null;
  commit: string;
  files: ReadonlyMap<string, string>;
}

/** What a snapshot was made of on the status branch, to apply pao's own commits to. */
interface StatusState {
  commit: string | null;
  /** Record file path to blob sha. */
  files: Map<string, string>;
  /** The snapshot's diagnostics that are not the records'. */
  otherDiagnostics: Diagnostic[];
}

export interface GitHubSource extends SnapshotSource {
  /**
   * A push webhook: refreshes when it moved the default branch or the status branch to a commit the snapshot does
   * not hold yet (pao's own status commits are applied as they are made, so their pushes cost nothing).
   */
  onPush(ref: string, after?: string): Promise<void>;
  /**
   * A status commit pao made: applied to the snapshot from what was written, without reading the branch back, when
   * it follows the commit the snapshot holds; otherwise the snapshot is refreshed.
   */
  applyOwnCommit(commit: OwnCommit): void;
  /**
   * The catalog as it was at a commit of the default branch: what a started request is fulfilled from, whatever the
   * catalog says now. The current snapshot's when it is that commit; otherwise read (blobs cached) and kept.
   */
  catalogAt(commit: string): Promise<Catalog>;
}

/** How many older catalogs catalogAt keeps. */
const KEPT_CATALOGS = 8;
/** How many of its own status commits the source remembers, to know their push webhooks for its own. */
const KEPT_OWN_COMMITS = 256;

const CATALOG_FOLDERS = [DEFAULT_LAYOUT.catalogDir, DEFAULT_LAYOUT.workflowsDir, DEFAULT_LAYOUT.requestsDir];
const isRequest = (path: string) => isYamlUnder(path, DEFAULT_LAYOUT.requestsDir);

/** A symbolic link is a blob of mode 120000 whose content is the target's path: never read as a file. */
const isLink = (entry: TreeEntry) => entry.type === "blob" && entry.mode === "120000";

function wanted(entry: TreeEntry): boolean {
  if (entry.type !== "blob" || isLink(entry)) return false;
  if (entry.path === DEFAULT_LAYOUT.configFile) return true;
  return isWorkflowFile(entry.path) || isYamlUnder(entry.path, DEFAULT_LAYOUT.catalogDir) || isRequest(entry.path);
}

type SourcePort = Pick<GitHubGateway, "repository" | "branchCommit" | "tree" | "blob" | "retainBlobs" | "commitDate">;

export interface GitHubSourceOptions {
  onSnapshot?: (snapshot: Snapshot) => void;
  /**
   * Settles once the status commit being made now, if any, is made and reported: the push webhook of pao's own
   * commit can arrive before GitHub's answer to the swap, and is known for pao's own only after it.
   */
  ownWriteSettled?: () => Promise<void>;
}

export async function createGitHubSource(gateway: SourcePort, options: GitHubSourceOptions = {}): Promise<GitHubSource> {
  const loader = new CatalogLoader();
  const pastLoader = new CatalogLoader();
  const past = new Map<string, Promise<Catalog>>();
  const repository = await gateway.repository();
  let lastCommit: { sha: string; date: Date } | undefined;
  let parsedRecords = new Map<string, ReturnType<typeof parseStatusRecords>>();
  const statusOf = new WeakMap<Snapshot, StatusState>();
  // Set when an own commit is applied while a refresh reads: what it read may be older than what was applied.
  let appliedDuringRead = false;
  const ownCommits = new Set<string>();
  let snapshot = await read();
  options.onSnapshot?.(snapshot);

  async function read(): Promise<Snapshot> {
    appliedDuringRead = false;
    const defaultCommit = await gateway.branchCommit(repository.defaultBranch);
    const { files, links } = defaultCommit ? await filesAt(defaultCommit) : { files: [], links: [] };
    const { catalog, diagnostics } = loader.load(files.filter((f) => !isRequest(f.path)));
    const definitions = files.filter((f) => f.path.startsWith(`${DEFAULT_LAYOUT.catalogDir}/`)).length;
    // Git keeps no empty folders: no definition file means no catalog folder on the branch.
    const missing = noCatalogDiagnostics(DEFAULT_LAYOUT.catalogDir, definitions, false, `${repository.htmlUrl} (${repository.defaultBranch})`, `add definitions under ${DEFAULT_LAYOUT.catalogDir}/<category>/<name>.yaml on ${repository.defaultBranch}`);

    const statusBranch = catalog.config.status_branch;
    const statusCommit = await gateway.branchCommit(statusBranch);
    const statusEntries = statusCommit ? (await gateway.tree(statusCommit, ["status"])).filter((e) => e.type === "blob" && e.path.startsWith("status/")) : [];
    const records = await readRecords(statusEntries);
    const otherDiagnostics = [...missing, ...diagnostics, ...links.map(symlinkDiagnostic)];

    gateway.retainBlobs(new Set([...files.map((f) => f.sha), ...statusEntries.map((e) => e.sha)]));
    if (defaultCommit && lastCommit?.sha !== defaultCommit) lastCommit = { sha: defaultCommit, date: await gateway.commitDate(defaultCommit) };
    const updated = defaultCommit ? lastCommit?.date : undefined;
    const made: Snapshot = {
      id: snapshotId(defaultCommit ?? "none", statusCommit),
      catalog,
      diagnostics: [...otherDiagnostics, ...records.diagnostics],
      records: records.records,
      // On GitHub a request file on the default branch was merged: its record says what happened to it.
      requestFiles: files.filter((f) => isRequest(f.path)),
      catalogUpdatedAt: definitions > 0 ? (updated ?? null) : null,
      syncedAt: new Date(),
      repository: { url: repository.htmlUrl, branch: repository.defaultBranch },
      mode: "github",
      catalogCommit: defaultCommit,
    };
    statusOf.set(made, { commit: statusCommit, files: new Map(statusEntries.map((e) => [e.path, e.sha])), otherDiagnostics });
    return made;
  }

  /**
   * The records of the status branch's files, each parsed once per version: a busy branch changes a few records per
   * commit, and parsing all of them at every push made each refresh cost as much as the whole branch.
   */
  async function readRecords(entries: readonly TreeEntry[]): Promise<ReturnType<typeof parseStatusRecords>> {
    const next = new Map<string, ReturnType<typeof parseStatusRecords>>();
    await Promise.all(
      entries.map(async (e) => {
        const key = `${e.path}@${e.sha}`;
        next.set(key, parsedRecords.get(key) ?? parseStatusRecords([{ path: e.path, text: await gateway.blob(e.sha) }]));
      }),
    );
    parsedRecords = next;
    return joinRecords(entries.map((e) => [e.path, e.sha] as const));
  }

  function joinRecords(files: Iterable<readonly [path: string, sha: string]>): ReturnType<typeof parseStatusRecords> {
    const out: ReturnType<typeof parseStatusRecords> = { records: new Map(), diagnostics: [] };
    for (const [path, sha] of files) {
      const one = parsedRecords.get(`${path}@${sha}`)!;
      for (const [id, record] of one.records) out.records.set(id, record);
      out.diagnostics.push(...one.diagnostics);
    }
    return out;
  }

  function applyOwnCommit(own: OwnCommit): void {
    if (ownCommits.size >= KEPT_OWN_COMMITS) ownCommits.delete(ownCommits.values().next().value!);
    ownCommits.add(own.commit);
    const state = statusOf.get(snapshot);
    if (!state || own.branch !== snapshot.catalog.config.status_branch || own.parent !== state.commit) {
      // Another writer's commit came in between (a replica, a person): the branch is read.
      void refresh().catch(() => undefined);
      return;
    }
    appliedDuringRead = true;
    const files = new Map(state.files);
    for (const [path, text] of own.files) {
      if (!path.startsWith("status/")) continue;
      const sha = gitBlobSha(text);
      const old = files.get(path);
      if (old !== undefined) parsedRecords.delete(`${path}@${old}`);
      parsedRecords.set(`${path}@${sha}`, parseStatusRecords([{ path, text }]));
      files.set(path, sha);
    }
    const records = joinRecords(files);
    const next: Snapshot = {
      ...snapshot,
      id: snapshotId(snapshot.catalogCommit ?? "none", own.commit),
      diagnostics: [...state.otherDiagnostics, ...records.diagnostics],
      records: records.records,
      syncedAt: new Date(),
    };
    statusOf.set(next, { ...state, commit: own.commit, files });
    snapshot = next;
    options.onSnapshot?.(next);
  }

  async function filesAt(commit: string) {
    const tree = await gateway.tree(commit, CATALOG_FOLDERS);
    const entries = tree.filter(wanted);
    const links = tree.filter((e) => isLink(e) && (e.path === DEFAULT_LAYOUT.configFile || isYamlUnder(e.path, DEFAULT_LAYOUT.catalogDir) || isRequest(e.path))).map((e) => e.path);
    const files = await Promise.all(entries.map(async (e) => ({ path: e.path, sha: e.sha, text: await gateway.blob(e.sha) })));
    return { files, links };
  }

  const refresh = serialRefresher(read, (s) => {
    snapshot = s;
    options.onSnapshot?.(s);
    if (appliedDuringRead) void refresh().catch(() => undefined);
  });

  return {
    current: () => snapshot,
    refresh,
    close: () => undefined,
    catalogAt(commit: string): Promise<Catalog> {
      if (snapshot.catalogCommit === commit) return Promise.resolve(snapshot.catalog);
      let kept = past.get(commit);
      if (!kept) {
        kept = filesAt(commit).then(({ files }) => pastLoader.load(files.filter((f) => !isRequest(f.path))).catalog);
        kept.catch(() => past.delete(commit));
        if (past.size >= KEPT_CATALOGS) past.delete(past.keys().next().value!);
        past.set(commit, kept);
      }
      return kept;
    },
    applyOwnCommit,
    async onPush(ref: string, after?: string) {
      const statusBranch = snapshot.catalog.config.status_branch;
      if (ref === `refs/heads/${repository.defaultBranch}`) {
        if (after === undefined || after !== snapshot.catalogCommit) await refresh();
      } else if (ref === `refs/heads/${statusBranch}`) {
        await options.ownWriteSettled?.();
        if (after === undefined || !ownCommits.has(after)) await refresh();
      }
    },
  };
}
