/**
 * The validated catalog, as the rest of pao sees it: no raw YAML, only typed definitions that remember where they
 * came from (so a later check can still point at a line).
 */
import type { LoadedYaml } from "../yaml/load.js";
import { resolveVersion } from "./versions.js";
import type { RepoConfig } from "./repo-config.js";
import type { CatalogBundle, CatalogItem, Category, Field, Kind, UpdateDefinition } from "./schema.js";
import type { WorkflowFile } from "./workflows.js";

interface DefinitionBase<K extends Kind, B> {
  kind: K;
  name: string;
  version: string;
  /** Path of the defining file, relative to the repository root. */
  file: string;
  /** The validated content. */
  body: B;
  /** Finds the line and column of a path in the defining file. */
  locate: LoadedYaml["locate"];
}

export interface CatalogItemDefinition extends DefinitionBase<"CatalogItem", CatalogItem> {
  category: Category;
}
export type BundleDefinition = DefinitionBase<"CatalogBundle", CatalogBundle>;
export type UpdateItemDefinition = DefinitionBase<"UpdateItem", UpdateDefinition>;
export type UpdateOperationDefinition = DefinitionBase<"UpdateOperation", UpdateDefinition>;

export type AnyDefinition = CatalogItemDefinition | BundleDefinition | UpdateItemDefinition | UpdateOperationDefinition;
export type DefinitionOf<K extends Kind> = Extract<AnyDefinition, { kind: K }>;

/** Every version of every name of one kind; versions are sorted highest first. */
export type VersionIndex<D> = ReadonlyMap<string, readonly D[]>;

export interface Catalog {
  items: VersionIndex<CatalogItemDefinition>;
  bundles: VersionIndex<BundleDefinition>;
  updateItems: VersionIndex<UpdateItemDefinition>;
  updateOperations: VersionIndex<UpdateOperationDefinition>;
  /** Executor workflows that the catalog uses, by file name. */
  workflows: ReadonlyMap<string, WorkflowFile>;
  config: RepoConfig;
  /** Definitions whose files have errors: not on offer, but known, so references to them are not reported again. */
  unavailable: readonly UnavailableDefinition[];
}

export interface UnavailableDefinition {
  kind: Kind;
  name: string;
  /** As written; not necessarily a valid version (it may be what is wrong), and "" when it could not be read. */
  version: string;
  file: string;
  /** The fields that are well-formed, so a request can still be checked for its own mistakes. */
  fields?: Field[];
  /** Names of the fields that are not well-formed: a request may set them, and is not checked on them. */
  brokenFields?: string[];
}

export function indexOf<K extends Kind>(catalog: Catalog, kind: K): VersionIndex<DefinitionOf<K>> {
  const byKind = {
    CatalogItem: catalog.items,
    CatalogBundle: catalog.bundles,
    UpdateItem: catalog.updateItems,
    UpdateOperation: catalog.updateOperations,
  } as const;
  return byKind[kind] as unknown as VersionIndex<DefinitionOf<K>>;
}

/**
 * The definition an exact version or a range picks among the versions on offer (highest first): the one rule every
 * caller uses, so the catalog check, the planner and the CLI agree on which version a bundle or request gets.
 */
export function resolveDefinition<D extends { version: string }>(versions: readonly D[] | undefined, wanted: string | undefined): D | undefined {
  if (!versions) return undefined;
  const resolved = resolveVersion(versions.map((v) => v.version), wanted);
  return versions.find((v) => v.version === resolved);
}

/** The catalog item a name and version range resolve to. */
export function resolveItem(catalog: Pick<Catalog, "items">, name: string, range: string): CatalogItemDefinition | undefined {
  return resolveDefinition(catalog.items.get(name), range);
}
