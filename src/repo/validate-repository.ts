/**
 * Validates a repository on disk: its catalog, the executor workflows the catalog uses, and its request files
 * against that catalog. `pao validate` and the GitHub Action are thin wrappers around this.
 */
import type { Catalog } from "../catalog/model.js";
import { CatalogLoader, DEFAULT_LAYOUT, type CatalogLayout } from "../catalog/load.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { validateRequestFiles } from "../requests/validate.js";
import { isYamlPath, readTree } from "./fs-files.js";

export interface RepositoryPaths extends CatalogLayout {
  requestsDir: string;
}

export const DEFAULT_PATHS: RepositoryPaths = { ...DEFAULT_LAYOUT, requestsDir: "requests" };

export interface RepositoryReport {
  catalog: Catalog;
  diagnostics: Diagnostic[];
  /** How many files were read. */
  files: number;
}

export function validateRepository(root: string, paths: Partial<RepositoryPaths> = {}, loader?: CatalogLoader): RepositoryReport {
  const p = { ...DEFAULT_PATHS, ...paths };
  const clean = (dir: string) => dir.replace(/^\.\//, "").replace(/\/+$/, "");
  const missing: Diagnostic[] = existsSync(join(root, clean(p.catalogDir)))
    ? []
    : [
        {
          code: "catalog-folder-missing",
          severity: "error",
          message: `there is no ${clean(p.catalogDir)}/ folder in ${root}`,
          file: clean(p.catalogDir),
          line: 1,
          column: 1,
          hint: "run it in the catalog repository's root, or name the folder (pao validate --catalog <dir>, the Action's catalog-path)",
        },
      ];
  const catalogFiles = readTree(root, [clean(p.catalogDir), clean(p.workflowsDir)], { filter: isYamlPath });
  const config = readTree(root, [p.configFile]);
  const layout = { catalogDir: clean(p.catalogDir), workflowsDir: clean(p.workflowsDir), configFile: p.configFile };
  const { catalog, diagnostics } = (loader ?? new CatalogLoader({ layout })).load([...config, ...catalogFiles]);
  const requestFiles = readTree(root, [clean(p.requestsDir)], { filter: isYamlPath });
  const requestDiagnostics = validateRequestFiles(requestFiles, catalog).flatMap((r) => r.diagnostics);
  const definitionFiles = catalogFiles.filter((f) => f.path.startsWith(`${layout.catalogDir}/`)).length;
  return {
    catalog,
    diagnostics: sortDiagnostics([...missing, ...diagnostics, ...requestDiagnostics]),
    files: definitionFiles + requestFiles.length,
  };
}
