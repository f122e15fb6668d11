/**
 * Validates one definition that is not in the repository (POST /admin/catalog/validate): the same checks as a
 * catalog file gets, and its references resolved against the given catalog. Nothing is added to the catalog.
 */
import { stringify } from "yaml";
import type { Diagnostic } from "../diagnostics.js";
import { checkReferences } from "./checks/references.js";
import { analyseDefinitionFile, DEFAULT_LAYOUT } from "./load.js";
import { KINDS, kindForApiType } from "./kinds.js";
import type { Catalog } from "./model.js";
import { CATEGORIES } from "./schema.js";

export function validateDefinition(apiType: string, definition: Record<string, unknown>, catalog: Catalog): Diagnostic[] {
  const kind = kindForApiType(apiType);
  if (!kind) throw new Error(`unknown definition type ${apiType}`);
  const { category, ...rest } = definition;
  // A client may send back what GET served, category included; it says which folder the file would go in.
  const folder =
    KINDS[kind].folder === "<category>"
      ? typeof category === "string" && (CATEGORIES as readonly string[]).includes(category)
        ? category
        : CATEGORIES[0]
      : KINDS[kind].folder;
  const name = typeof rest["name"] === "string" ? rest["name"] : "definition";
  const path = `${DEFAULT_LAYOUT.catalogDir}/${folder}/${name.replace(/[^a-z0-9-]/g, "_")}.yaml`;
  const text = stringify({ kind, ...rest }, { aliasDuplicateObjects: false });
  const result = analyseDefinitionFile({ path, text }, path.slice(DEFAULT_LAYOUT.catalogDir.length + 1), DEFAULT_LAYOUT);
  const references = result.definition
    ? checkReferences({
        definitions: [result.definition],
        unavailable: catalog.unavailable,
        items: catalog.items,
        workflows: catalog.workflows,
        checkWorkflows: true,
        config: catalog.config,
        workflowsDir: DEFAULT_LAYOUT.workflowsDir,
        unreadableWorkflows: new Map(),
      })
    : [];
  return [...result.diagnostics, ...references.filter((d) => d.file === path)];
}
