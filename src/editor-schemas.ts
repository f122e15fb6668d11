/**
 * JSON Schemas of catalog, request, config and status record files, generated from the same zod schemas the validator uses, for
 * editors (`# yaml-language-server: $schema=...`). `npm run generate` writes them to `schemas/`; a test fails when
 * the committed files differ from what the zod schemas say now.
 */
import { z } from "zod";
import { RepoConfigSchema } from "./catalog/repo-config.js";
import { CatalogBundle, CatalogItem, UpdateItem, UpdateOperation } from "./catalog/schema.js";
import { RequestFile } from "./requests/schema.js";
import { StatusRecord } from "./fulfillment/status-record.js";

/**
 * `input` for files people write (fields with defaults are optional); `output` for the status records pao writes, so a
 * tool reading the pao-status branch knows every field it can count on.
 */
const SOURCES: Record<string, { schema: z.ZodType; title: string; description: string; io?: "input" | "output" }> = {
  "catalog-item.schema.json": { schema: CatalogItem, title: "pao CatalogItem", description: "A service that can be ordered: catalog/<category>/<name>.yaml" },
  "catalog-bundle.schema.json": { schema: CatalogBundle, title: "pao CatalogBundle", description: "Items ordered together: catalog/bundles/<name>.yaml" },
  "update-item.schema.json": { schema: UpdateItem, title: "pao UpdateItem", description: "A change to something ordered earlier: catalog/update-items/<name>.yaml" },
  "update-operation.schema.json": { schema: UpdateOperation, title: "pao UpdateOperation", description: "An operation on something ordered earlier: catalog/update-operations/<name>.yaml" },
  "request.schema.json": { schema: RequestFile, title: "pao request", description: "An order, added by pull request: requests/<team>/<name>.yaml" },
  "pao-config.schema.json": { schema: RepoConfigSchema, title: "pao repository settings", description: ".github/pao.yml" },
  "status-record.schema.json": {
    schema: StatusRecord,
    title: "pao status record",
    description: "A request's state, written by pao only: status/<request_id>.yaml on the pao-status branch",
    io: "output",
  },
};

export function editorSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, source] of Object.entries(SOURCES)) {
    const json = z.toJSONSchema(source.schema, { target: "draft-2020-12", io: source.io ?? "input", unrepresentable: "any" });
    const { $schema, ...rest } = json as Record<string, unknown>;
    out[file] = `${JSON.stringify({ $schema, title: source.title, description: source.description, ...rest }, null, 2)}\n`;
  }
  return out;
}
