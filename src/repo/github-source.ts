/**
 * GitHub App mode's snapshot source: the default branch and the status branch of PAO_REPOSITORY, read through the
 * gateway. Each refresh costs one ref look-up and one recursive tree call per branch; blobs are fetched only for
 * shas not seen before, and the catalog loader re-validates only files whose sha changed. A push to either branch
 * (the webhook) or POST /admin/catalog/refresh triggers a refresh.
 */
import { CatalogLoader } from "../catalog/load.js";
import type { Catalog } from "../catalog/model.js";
import { DEFAULT_LAYOUT, isWorkflowFile, isYamlUnder } from "../catalog/paths.js";
import type { GitHubGateway, TreeEntry } from "../github/gateway.js";
import { noCatalogDiagnostics, parseStatusRecords, serialRefresher, snapshotId, type Snapshot, type SnapshotSource } from "./snapshot.js";
import { symlinkDiagnostic } from "./fs-files.js";

export interface GitHubSource extends SnapshotSource {
  /** A push webhook: refreshes when it moved the default branch or the status branch. */
  onPush(ref: string): Promise<void>;
  /**
   * The catalog as it was at a commit of the default branch: what a started request is fulfilled from, whatever the
   * catalog says now. The current snapshot's when it is that commit; otherwise read (blobs cached) and kept.
   */
  catalogAt(commit: string): Promise<Catalog>;
}

/** How many older catalogs catalogAt keeps. */
const KEPT_CATALOGS = 8;

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

export async function createGitHubSource(gateway: SourcePort, options: { onSnapshot?: (snapshot: Snapshot) => void } = {}): Promise<GitHubSource> {
  const loader = new CatalogLoader();
  const pastLoader = new CatalogLoader();
  const past = new Map<string, Promise<Catalog>>();
  const repository = await gateway.repository();
  let lastCommit: { sha: string; date: Date } | undefined;
  let parsedRecords = new Map<string, ReturnType<typeof parseStatusRecords>>();
  let snapshot = await read();
  options.onSnapshot?.(snapshot);

  async function read(): Promise<Snapshot> {
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

    gateway.retainBlobs(new Set([...files.map((f) => f.sha), ...statusEntries.map((e) => e.sha)]));
    if (defaultCommit && lastCommit?.sha !== defaultCommit) lastCommit = { sha: defaultCommit, date: await gateway.commitDate(defaultCommit) };
    const updated = defaultCommit ? lastCommit?.date : undefined;
    return {
      id: snapshotId(defaultCommit ?? "none", statusCommit),
      catalog,
      diagnostics: [...missing, ...diagnostics, ...links.map(symlinkDiagnostic), ...records.diagnostics],
      records: records.records,
      // On GitHub a request file on the default branch was merged: its record says what happened to it.
      requestFiles: files.filter((f) => isRequest(f.path)),
      catalogUpdatedAt: definitions > 0 ? (updated ?? null) : null,
      syncedAt: new Date(),
      repository: { url: repository.htmlUrl, branch: repository.defaultBranch },
      mode: "github",
      catalogCommit: defaultCommit,
    };
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
    const out: ReturnType<typeof parseStatusRecords> = { records: new Map(), diagnostics: [] };
    for (const e of entries) {
      const one = next.get(`${e.path}@${e.sha}`)!;
      for (const [id, record] of one.records) out.records.set(id, record);
      out.diagnostics.push(...one.diagnostics);
    }
    return out;
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
    async onPush(ref: string) {
      const statusBranch = snapshot.catalog.config.status_branch;
      if (ref === `refs/heads/${repository.defaultBranch}` || ref === `refs/heads/${statusBranch}`) await refresh();
    },
  };
}
