/**
 * Where a repository keeps what pao reads, and the rules for which files count. One place, so the loaders, the
 * snapshot sources, the app and the CLI agree.
 */
export interface CatalogLayout {
  catalogDir: string;
  workflowsDir: string;
  configFile: string;
  requestsDir: string;
}

export const DEFAULT_LAYOUT: CatalogLayout = {
  catalogDir: "catalog",
  workflowsDir: ".github/workflows",
  configFile: ".github/pao.yml",
  requestsDir: "requests",
};

export const isYamlPath = (path: string): boolean => path.endsWith(".yaml") || path.endsWith(".yml");

/** `./catalog/` → `catalog`. */
export function trimSlashes(path: string): string {
  return path.replace(/^\.\//, "").replace(/\/+$/, "");
}

/** A workflow file sits directly in the workflows folder; GitHub ignores anything in a subfolder. */
export function isWorkflowFile(path: string, workflowsDir = DEFAULT_LAYOUT.workflowsDir): boolean {
  const prefix = `${trimSlashes(workflowsDir)}/`;
  return path.startsWith(prefix) && isYamlPath(path) && !path.slice(prefix.length).includes("/");
}

/** A file under a folder of the layout, with a YAML name. */
export function isYamlUnder(path: string, dir: string): boolean {
  return path.startsWith(`${trimSlashes(dir)}/`) && isYamlPath(path);
}
