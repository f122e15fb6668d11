/**
 * Catalog views (seed 000 sections 3.1-3.8). Lists show each name once, at its highest released version (a name
 * with only pre-releases shows its highest pre-release); details serve the highest released version unless
 * `?version=` asks for another, and carry the parameters' JSON Schema so a client can render a form.
 */
import { fieldsToJsonSchema } from "../../catalog/json-schema.js";
import type { AnyDefinition, BundleDefinition, CatalogItemDefinition, UpdateItemDefinition, UpdateOperationDefinition, VersionIndex } from "../../catalog/model.js";
import { isPrerelease } from "../../catalog/versions.js";
import type { z } from "zod";
import { ApiProblem } from "../problem.js";
import { paginate } from "../paginate.js";
import type { BundleDetail, BundleList, ItemDetail, ItemList, UpdateDetail, UpdateItemList, UpdateOperationList } from "../schemas.js";
import type { ViewContext } from "./context.js";

export interface ListQuery {
  limit: number;
  cursor?: string | undefined;
  tags?: string | undefined;
  owner?: string | undefined;
  category?: string | undefined;
  search?: string | undefined;
  target_item?: string | undefined;
}

/** The version a list shows for a name: the highest release, else the highest pre-release. */
export function listed<D extends AnyDefinition>(versions: readonly D[]): D {
  return versions.find((v) => !isPrerelease(v.version)) ?? versions[0]!;
}

function selectVersion<D extends AnyDefinition>(index: VersionIndex<D>, name: string, version: string | undefined, label: string): D {
  const versions = index.get(name);
  if (!versions) throw new ApiProblem("not-found", `there is no ${label} named '${name}'`);
  if (version === undefined) return listed(versions);
  // A `+` in a query string arrives as a space (form encoding); a version never holds a space.
  version = version.replace(/ /g, "+");
  const found = versions.find((v) => v.version === version || v.version.split("+")[0] === version);
  if (!found) {
    throw new ApiProblem("not-found", `${label} '${name}' has no version ${version}; versions: ${versions.map((v) => v.version).join(", ")}`);
  }
  return found;
}

function matches(def: AnyDefinition, q: ListQuery): boolean {
  const body = def.body;
  if (q.tags) {
    const wanted = q.tags.split(",").map((t) => t.trim()).filter(Boolean);
    if (!wanted.every((t) => body.tags.includes(t))) return false;
  }
  if (q.owner && body.owner !== q.owner) return false;
  if (q.category && (def.kind !== "CatalogItem" || def.category !== q.category)) return false;
  if (q.search) {
    const needle = q.search.toLowerCase();
    if (!def.name.toLowerCase().includes(needle) && !body.description.toLowerCase().includes(needle)) return false;
  }
  if (q.target_item && (def.kind === "UpdateItem" || def.kind === "UpdateOperation")) {
    if (!def.body.targets.catalog_items.some((t) => t.name === q.target_item)) return false;
  }
  return true;
}

/** Listed versions sorted by name, computed once per catalog: a snapshot's indexes never change. */
const sortedCache = new WeakMap<object, readonly AnyDefinition[]>();
function listedSorted<D extends AnyDefinition>(index: VersionIndex<D>): readonly D[] {
  let sorted = sortedCache.get(index) as readonly D[] | undefined;
  if (!sorted) {
    sorted = [...index.values()].map(listed).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    sortedCache.set(index, sorted);
  }
  return sorted;
}

function listOf<D extends AnyDefinition>(ctx: ViewContext, list: string, index: VersionIndex<D>, q: ListQuery) {
  const all = listedSorted(index);
  const filtered = q.tags || q.owner || q.category || q.search || q.target_item;
  const shown = filtered ? all.filter((d) => matches(d, q)) : all;
  const { limit, cursor, ...filters } = q;
  return paginate(shown, (d) => d.name, { limit, cursor, filters: { list, ...filters }, cursors: ctx.cursors });
}

/** What every detail view starts with. */
function header<D extends AnyDefinition>(d: D, index: VersionIndex<D>, href: string) {
  return {
    name: d.name,
    version: d.version,
    description: d.body.description,
    owner: d.body.owner,
    tags: d.body.tags,
    ...(d.body.approval ? { approval: d.body.approval } : {}),
    available_versions: index.get(d.name)!.map((v) => v.version),
    href,
  };
}

const summary = (d: AnyDefinition, href: string) => ({
  name: d.name,
  version: d.version,
  description: d.body.description,
  owner: d.body.owner,
  tags: d.body.tags,
  href,
});

export function listItems(ctx: ViewContext, q: ListQuery): z.infer<typeof ItemList> {
  const { page, pagination } = listOf(ctx, "items", ctx.snapshot.catalog.items, q);
  return { items: page.map((d) => ({ ...summary(d, `${ctx.base}/catalog/items/${d.name}`), category: d.category })), pagination };
}

export function getItem(ctx: ViewContext, name: string, version?: string): z.infer<typeof ItemDetail> {
  const index = ctx.snapshot.catalog.items;
  const d: CatalogItemDefinition = selectVersion(index, name, version, "catalog item");
  const b = d.body;
  return {
    ...header(d, index, `${ctx.base}/catalog/items/${d.name}`),
    category: d.category,
    presentation: { fields: b.presentation.fields, json_schema: fieldsToJsonSchema(b.presentation.fields, d.name) },
    fulfillment: b.fulfillment,
  };
}

export function listBundles(ctx: ViewContext, q: ListQuery): z.infer<typeof BundleList> {
  const { page, pagination } = listOf(ctx, "bundles", ctx.snapshot.catalog.bundles, q);
  return { bundles: page.map((d) => summary(d, `${ctx.base}/catalog/bundles/${d.name}`)), pagination };
}

export function getBundle(ctx: ViewContext, name: string, version?: string): z.infer<typeof BundleDetail> {
  const index = ctx.snapshot.catalog.bundles;
  const d: BundleDefinition = selectVersion(index, name, version, "bundle");
  const b = d.body;
  return {
    ...header(d, index, `${ctx.base}/catalog/bundles/${d.name}`),
    bundle: b.bundle,
    presentation: { bundle_fields: b.presentation.bundle_fields, json_schema: fieldsToJsonSchema(b.presentation.bundle_fields, d.name) },
  };
}

type UpdateKind = "update-items" | "update-operations";

function updateIndex(ctx: ViewContext, kind: UpdateKind): VersionIndex<UpdateItemDefinition | UpdateOperationDefinition> {
  return kind === "update-items" ? ctx.snapshot.catalog.updateItems : ctx.snapshot.catalog.updateOperations;
}

export function listUpdates(ctx: ViewContext, kind: "update-items", q: ListQuery): z.infer<typeof UpdateItemList>;
export function listUpdates(ctx: ViewContext, kind: "update-operations", q: ListQuery): z.infer<typeof UpdateOperationList>;
export function listUpdates(ctx: ViewContext, kind: UpdateKind, q: ListQuery) {
  const { page, pagination } = listOf(ctx, kind, updateIndex(ctx, kind), q);
  const entries = page.map((d) => ({ ...summary(d, `${ctx.base}/catalog/${kind}/${d.name}`), targets: d.body.targets }));
  return kind === "update-items" ? { update_items: entries, pagination } : { update_operations: entries, pagination };
}

export function getUpdate(ctx: ViewContext, kind: UpdateKind, name: string, version?: string): z.infer<typeof UpdateDetail> {
  const index = updateIndex(ctx, kind);
  const d = selectVersion(index, name, version, kind === "update-items" ? "update item" : "update operation");
  const b = d.body;
  return {
    ...header(d, index, `${ctx.base}/catalog/${kind}/${d.name}`),
    targets: b.targets,
    presentation: { fields: b.presentation.fields, json_schema: fieldsToJsonSchema(b.presentation.fields, d.name) },
    fulfillment: b.fulfillment,
  };
}
