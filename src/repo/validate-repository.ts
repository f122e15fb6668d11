/**
 * Validates a repository on disk: its catalog, the executor workflows the catalog uses, and its request files
 * against that catalog. `pao validate` and the GitHub Action are thin wrappers around this.
 */
import type { Catalog } from "../catalog/model.js";
import { CatalogLoader } from "../catalog/load.js";
import { DEFAULT_LAYOUT, trimSlashes, type CatalogLayout } from "../catalog/paths.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { validateRequestFiles } from "../requests/validate.js";
import { isYamlPath, readTree, symlinkDiagnostic, type DiskFile } from "./fs-files.js";

/** The layout of a repository on disk; the CLI and the Action let people move any of its folders. */
export type RepositoryPaths = CatalogLayout;

export interface RepositoryReport {
  catalog: Catalog;
  diagnostics: Diagnostic[];
  /** How many files were read. */
  files: number;
}

export interface LoadedRepository {
  catalog: Catalog;
  /** What is wrong with the catalog itself (and a missing catalog folder). */
  diagnostics: Diagnostic[];
  requestFiles: DiskFile[];
  /** How many definition files were read. */
  definitionFiles: number;
}

/** Reads a repository on disk into its catalog and its request files; the request files are not validated here. */
export function loadRepository(root: string, paths: Partial<RepositoryPaths> = {}, loader?: CatalogLoader): LoadedRepository {
  const p = { ...DEFAULT_LAYOUT, ...paths };
  const layout = { catalogDir: trimSlashes(p.catalogDir), workflowsDir: trimSlashes(p.workflowsDir), configFile: p.configFile, requestsDir: trimSlashes(p.requestsDir) };
  const missing: Diagnostic[] = existsSync(join(root, layout.catalogDir))
    ? []
    : [
        {
          code: "catalog-folder-missing",
          severity: "error",
          message: `there is no ${layout.catalogDir}/ folder in ${root}`,
          file: layout.catalogDir,
          line: 1,
          column: 1,
          hint: "run it in the catalog repository's root, or name the folder (pao validate --catalog <dir>, the Action's catalog-path)",
        },
      ];
  // Links are not followed (one could point outside the repository), and each is named in a warning.
  const links: string[] = [];
  const onLink = (path: string) => links.push(path);
  const catalogFiles = readTree(root, [layout.catalogDir, layout.workflowsDir], { filter: isYamlPath, onLink });
  const config = readTree(root, [layout.configFile], { onLink });
  const { catalog, diagnostics } = (loader ?? new CatalogLoader({ layout })).load([...config, ...catalogFiles]);
  const requestFiles = readTree(root, [layout.requestsDir], { filter: isYamlPath, onLink });
  return {
    catalog,
    diagnostics: [...missing, ...diagnostics, ...links.map(symlinkDiagnostic)],
    requestFiles,
    definitionFiles: catalogFiles.filter((f) => f.path.startsWith(`${layout.catalogDir}/`)).length,
  };
}

export function validateRepository(root: string, paths: Partial<RepositoryPaths> = {}, loader?: CatalogLoader): RepositoryReport {
  const repo = loadRepository(root, paths, loader);
  const requestDiagnostics = validateRequestFiles(repo.requestFiles, repo.catalog).flatMap((r) => r.diagnostics);
  return {
    catalog: repo.catalog,
    diagnostics: sortDiagnostics([...repo.diagnostics, ...requestDiagnostics]),
    files: repo.definitionFiles + repo.requestFiles.length,
  };
}
