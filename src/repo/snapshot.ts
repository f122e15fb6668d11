/**
 * A snapshot is everything the read side knows, taken from two commits: the default branch (catalog, requests,
 * executor workflows) and the status branch (status records). The REST API is a pure function of it. Sources —
 * the local working tree or GitHub — produce snapshots; nothing else reads the repository.
 */
import { createHash } from "node:crypto";
import type { Catalog } from "../catalog/model.js";
import { isYamlPath } from "../catalog/paths.js";
import type { Diagnostic } from "../diagnostics.js";
import { StatusRecord } from "../fulfillment/status-record.js";
import { loadYaml } from "../yaml/load.js";
import { schemaDiagnostics } from "../schema-diagnostics.js";

export interface RequestFileEntry {
  path: string;
  text: string;
  /** When the file last changed, where the source knows it (local mode: the file's mtime). */
  modifiedAt?: Date;
  /** When the file was added, where the source knows it (local mode: the commit that added it, as git says). */
  createdAt?: Date;
}

export interface Snapshot {
  /** Changes whenever either commit changes; ETags derive from it. */
  id: string;
  catalog: Catalog;
  /** What is wrong with the catalog as it stands (served by health and validate, not hidden). */
  diagnostics: Diagnostic[];
  records: ReadonlyMap<string, StatusRecord>;
  requestFiles: readonly RequestFileEntry[];
  /** When the catalog last changed; null when there is no catalog to speak of. */
  catalogUpdatedAt: Date | null;
  /** When the source was last read. */
  syncedAt: Date;
  repository: { url: string; branch: string };
  mode: "local" | "github";
  /** The default branch's commit the catalog was read from, where the source knows one (GitHub mode). */
  catalogCommit?: string | null;
}

export interface SnapshotSource {
  /** The latest snapshot; sources keep one ready so requests never wait for I/O. */
  current(): Snapshot;
  /** Reads the repository again and returns the new snapshot. */
  refresh(): Promise<Snapshot>;
  /** Stops background work (polling, timers). */
  close(): void;
}

/**
 * Serialises refreshes: one read at a time, and a refresh asked for while a read runs gets a read that starts after
 * it (that read may have begun before the change that prompted the refresh). Callers waiting together share one.
 */
export function serialRefresher(read: () => Promise<Snapshot>, onSnapshot: (s: Snapshot) => void): () => Promise<Snapshot> {
  let running: Promise<unknown> = Promise.resolve();
  let next: Promise<Snapshot> | undefined;
  return () => {
    if (!next) {
      const queued: Promise<Snapshot> = running.then(async () => {
        next = undefined;
        const s = await read();
        onSnapshot(s);
        return s;
      });
      next = queued;
      running = queued.catch(() => undefined);
    }
    return next;
  };
}

export function snapshotId(catalogCommit: string, statusCommit: string | null): string {
  return createHash("sha256").update(`${catalogCommit}\0${statusCommit ?? ""}`).digest("hex").slice(0, 20);
}

/** Parses status records; a record that does not parse is reported and left out rather than served half-read. */
export function parseStatusRecords(files: ReadonlyArray<{ path: string; text: string }>): { records: Map<string, StatusRecord>; diagnostics: Diagnostic[] } {
  const records = new Map<string, StatusRecord>();
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    if (!isYamlPath(file.path)) continue;
    const loaded = loadYaml(file.text, file.path);
    if (!loaded.ok) {
      diagnostics.push(...loaded.diagnostics);
      continue;
    }
    const parsed = StatusRecord.safeParse(loaded.doc.value);
    if (!parsed.success) {
      diagnostics.push(...schemaDiagnostics(parsed.error.issues, loaded.doc, StatusRecord));
      continue;
    }
    records.set(parsed.data.request_id, parsed.data);
  }
  return { records, diagnostics };
}

/**
 * A repository with no catalog is not a healthy catalog with nothing in it: it is the wrong folder, or one not set
 * up yet, and health says which.
 */
export function noCatalogDiagnostics(catalogDir: string, definitionFiles: number, folderExists: boolean, where: string, hint: string): Diagnostic[] {
  if (definitionFiles > 0) return [];
  return [
    folderExists
      ? { code: "catalog-empty", severity: "error", message: `the ${catalogDir}/ folder of ${where} holds no definition files: nothing can be ordered`, file: catalogDir, line: 1, column: 1, hint }
      : { code: "catalog-folder-missing", severity: "error", message: `there is no ${catalogDir}/ folder in ${where}: nothing can be ordered`, file: catalogDir, line: 1, column: 1, hint },
  ];
}
