/**
 * Local mode's snapshot source: the working tree of a repository on disk, and its local status branch (read with
 * git, when there is one). It looks for changed files every few seconds by their sizes and modification times,
 * and re-validates only what changed.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CatalogLoader } from "../catalog/load.js";
import { DEFAULT_LAYOUT } from "../catalog/paths.js";
import { isYamlPath, readTree, symlinkDiagnostic, walkFiles } from "./fs-files.js";
import { addedDates, branchCommit, gitOutput, readFolderAt } from "./git.js";
import { noCatalogDiagnostics, parseStatusRecords, serialRefresher, snapshotId, type Snapshot, type SnapshotSource } from "./snapshot.js";

const { catalogDir, workflowsDir, configFile, requestsDir } = DEFAULT_LAYOUT;
// git's index changes with every commit (and add): a file committed since the last look gets its commit's date.
const WATCHED = [catalogDir, requestsDir, ".github", ".git/index"];

export interface LocalSourceOptions {
  root: string;
  /** Milliseconds between looks for changes; 0 turns polling off. */
  pollInterval: number;
  onError?: (error: unknown) => void;
  /** Told of every snapshot read, the first one included. */
  onSnapshot?: (snapshot: Snapshot) => void;
}

export async function createLocalSource(options: LocalSourceOptions): Promise<SnapshotSource> {
  const loader = new CatalogLoader();
  // What is served is the working tree in this folder, whatever the clone's origin is.
  const remote = pathToFileURL(options.root).href;
  // The fingerprint is taken before the files are read: a change during the read then shows up as a difference at
  // the next poll, never as new content filed under an old fingerprint (which would keep stale answers cached).
  let fingerprint = treeFingerprint(options.root);
  let snapshot = await read(options.root, loader, fingerprint, remote);
  options.onSnapshot?.(snapshot);
  let timer: NodeJS.Timeout | undefined;

  const refresh = serialRefresher(
    async () => {
      const before = treeFingerprint(options.root);
      const s = await read(options.root, loader, before, remote);
      fingerprint = before;
      return s;
    },
    (s) => {
      snapshot = s as LocalSnapshot;
      options.onSnapshot?.(s);
    },
  );

  if (options.pollInterval > 0) {
    const poll = async () => {
      try {
        const now = treeFingerprint(options.root);
        const status = await branchCommit(options.root, snapshot.catalog.config.status_branch);
        if (now !== fingerprint || status !== snapshot.statusCommit) await refresh();
      } catch (error) {
        options.onError?.(error);
      }
      timer = setTimeout(poll, options.pollInterval);
      timer.unref();
    };
    timer = setTimeout(poll, options.pollInterval);
    timer.unref();
  }

  return {
    current: () => snapshot,
    refresh,
    close: () => clearTimeout(timer),
  };
}

interface LocalSnapshot extends Snapshot {
  statusCommit: string | null;
}

async function read(root: string, loader: CatalogLoader, fingerprint: string, remote: string): Promise<LocalSnapshot> {
  const links: string[] = [];
  const onLink = (path: string) => links.push(path);
  const catalogFiles = readTree(root, [catalogDir, workflowsDir], { filter: isYamlPath, onLink });
  const config = readTree(root, [configFile], { onLink });
  const { catalog, diagnostics } = loader.load([...config, ...catalogFiles]);
  const requestFiles = readTree(root, [requestsDir], { filter: isYamlPath, onLink });
  const definitions = catalogFiles.filter((f) => f.path.startsWith(`${catalogDir}/`));
  const missing = noCatalogDiagnostics(catalogDir, definitions.length, existsSync(join(root, catalogDir)), root, "set PAO_LOCAL_REPO to the catalog repository's folder, or add definitions under catalog/<category>/<name>.yaml");

  // One git call for every request file: when each was added. Files git does not track keep their modification time.
  const added = await addedDates(root, requestsDir);
  const dated = requestFiles.map((f) => ({ ...f, createdAt: added.get(f.path) ?? f.modifiedAt }));

  const statusCommit = await branchCommit(root, catalog.config.status_branch);
  const statusFiles = statusCommit ? await readFolderAt(root, statusCommit, "status") : [];
  const { records, diagnostics: recordDiagnostics } = parseStatusRecords(statusFiles);

  const catalogTimes = definitions.map((f) => f.modifiedAt.getTime());
  const branch = await gitOutput(root, ["rev-parse", "--abbrev-ref", "HEAD"]);
  return {
    id: snapshotId(fingerprint, statusCommit),
    statusCommit,
    catalog,
    diagnostics: [...missing, ...diagnostics, ...links.map(symlinkDiagnostic), ...recordDiagnostics],
    records,
    requestFiles: dated,
    catalogUpdatedAt: catalogTimes.length > 0 ? new Date(Math.max(...catalogTimes)) : null,
    syncedAt: new Date(),
    repository: { url: remote, branch: branch ?? "working tree" },
    mode: "local",
  };
}

/** Sizes and modification times of every watched file: cheap to compute, and changes when any file does. */
function treeFingerprint(root: string): string {
  const hash = createHash("sha256");
  walkFiles(root, WATCHED, (path, _abs, stat) => hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`));
  return hash.digest("hex");
}
