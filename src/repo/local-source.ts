/**
 * Local mode's snapshot source: the working tree of a repository on disk, and its local status branch (read with
 * git, when there is one). It looks for changed files every few seconds by their sizes and modification times,
 * and re-validates only what changed.
 */
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { CatalogLoader } from "../catalog/load.js";
import { DEFAULT_LAYOUT } from "../catalog/paths.js";
import { isYamlPath, readTree, walkFiles } from "./fs-files.js";
import { branchCommit, gitOutput, readFolderAt } from "./git.js";
import { parseStatusRecords, serialRefresher, snapshotId, type Snapshot, type SnapshotSource } from "./snapshot.js";

const { catalogDir, workflowsDir, configFile, requestsDir } = DEFAULT_LAYOUT;
const WATCHED = [catalogDir, requestsDir, ".github"];

export interface LocalSourceOptions {
  root: string;
  /** Milliseconds between looks for changes; 0 turns polling off. */
  pollInterval: number;
  onError?: (error: unknown) => void;
}

export async function createLocalSource(options: LocalSourceOptions): Promise<SnapshotSource> {
  const loader = new CatalogLoader();
  // Where the repository came from does not change while pao runs; asking git once is enough.
  const remote = (await gitOutput(options.root, ["remote", "get-url", "origin"])) ?? pathToFileURL(options.root).href;
  // The fingerprint is taken before the files are read: a change during the read then shows up as a difference at
  // the next poll, never as new content filed under an old fingerprint (which would keep stale answers cached).
  let fingerprint = treeFingerprint(options.root);
  let snapshot = await read(options.root, loader, fingerprint, remote);
  let timer: NodeJS.Timeout | undefined;

  const refresh = serialRefresher(
    async () => {
      const before = treeFingerprint(options.root);
      const s = await read(options.root, loader, before, remote);
      fingerprint = before;
      return s;
    },
    (s) => (snapshot = s as LocalSnapshot),
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
  const catalogFiles = readTree(root, [catalogDir, workflowsDir], { filter: isYamlPath });
  const config = readTree(root, [configFile]);
  const { catalog, diagnostics } = loader.load([...config, ...catalogFiles]);
  const requestFiles = readTree(root, [requestsDir], { filter: isYamlPath });

  const statusCommit = await branchCommit(root, catalog.config.status_branch);
  const statusFiles = statusCommit ? await readFolderAt(root, statusCommit, "status") : [];
  const { records, diagnostics: recordDiagnostics } = parseStatusRecords(statusFiles);

  const catalogTimes = catalogFiles.map((f) => f.modifiedAt.getTime());
  const branch = await gitOutput(root, ["rev-parse", "--abbrev-ref", "HEAD"]);
  return {
    id: snapshotId(fingerprint, statusCommit),
    statusCommit,
    catalog,
    diagnostics: [...diagnostics, ...recordDiagnostics],
    records,
    requestFiles,
    catalogUpdatedAt: new Date(Math.max(0, ...catalogTimes)),
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
