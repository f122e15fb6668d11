/**
 * The four kinds of catalog definition, declared once: their schema, the folder they live in, and the name the
 * REST API and `POST /admin/catalog/validate` use for them.
 */
import type { z } from "zod";
import { CatalogBundle, CatalogItem, UpdateItem, UpdateOperation, type Kind } from "./schema.js";

interface KindSpec {
  schema: z.ZodType;
  /** The folder under `catalog/`; catalog items live in one folder per category instead. */
  folder: string | "<category>";
  apiType: "catalog_item" | "catalog_bundle" | "update_item" | "update_operation";
  /** How people call one of these in messages. */
  label: string;
}

export const KINDS: Record<Kind, KindSpec> = {
  CatalogItem: { schema: CatalogItem, folder: "<category>", apiType: "catalog_item", label: "catalog item" },
  CatalogBundle: { schema: CatalogBundle, folder: "bundles", apiType: "catalog_bundle", label: "bundle" },
  UpdateItem: { schema: UpdateItem, folder: "update-items", apiType: "update_item", label: "update item" },
  UpdateOperation: { schema: UpdateOperation, folder: "update-operations", apiType: "update_operation", label: "update operation" },
};

export function kindForFolder(folder: string): Kind | undefined {
  return (Object.keys(KINDS) as Kind[]).find((k) => KINDS[k].folder === folder);
}

export function kindForApiType(apiType: string): Kind | undefined {
  return (Object.keys(KINDS) as Kind[]).find((k) => KINDS[k].apiType === apiType);
}
