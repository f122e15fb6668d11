/**
 * Loads a catalog from the files of a repository tree: parse and check each file on its own (cached by content, so
 * re-validating after one edit re-reads one file), then check the references between them. Pure: the caller reads
 * the files (from disk, git or GitHub) and hands them over.
 */
import type { Diagnostic } from "../diagnostics.js";
import { z } from "zod";
import { schemaDiagnostics, suggestion, valueAt } from "../schema-diagnostics.js";
import { checkActions } from "./checks/actions.js";
import { checkFields } from "./checks/fields.js";
import { loadYaml, type LoadedYaml, type YamlLimits } from "../yaml/load.js";
import { checkDefinition } from "./checks/definition.js";
import { checkReferences } from "./checks/references.js";
import { Reporter } from "./checks/reporter.js";
import { KINDS, kindForFolder } from "./kinds.js";
import type { AnyDefinition, Catalog, CatalogItemDefinition, UnavailableDefinition } from "./model.js";
import { DEFAULT_CONFIG, RepoConfigSchema, type RepoConfig } from "./repo-config.js";
import { DEFAULT_LAYOUT, isWorkflowFile, isYamlUnder, trimSlashes, type CatalogLayout } from "./paths.js";
import { Action, CATEGORIES, Field, KIND_NAMES, type Category, type Kind } from "./schema.js";
import { compareDescending } from "./versions.js";
import { analyseWorkflow, type WorkflowFile } from "./workflows.js";

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  text: string;
  /** A content hash when the source has one (a git blob sha); otherwise the text itself identifies the content. */
  sha?: string;
  /** The file's size in bytes, when `text` holds only its beginning (a file over the size limit is read no further). */
  size?: number;
}

export type { CatalogLayout } from "./paths.js";
export { DEFAULT_LAYOUT } from "./paths.js";

export interface LoadOptions {
  layout?: Partial<CatalogLayout>;
  /** Check executor workflows (default true). Off when the caller has no workflow files to give. */
  checkWorkflows?: boolean;
  limits?: YamlLimits;
}

export interface LoadResult {
  catalog: Catalog;
  diagnostics: Diagnostic[];
  /** How many files were parsed in this load rather than taken from the cache. */
  parsed: number;
}

interface FileResult {
  definition?: AnyDefinition;
  /** Set when the file names a definition but does not validate, so references to it are not reported twice. */
  unavailable?: UnavailableDefinition;
  diagnostics: Diagnostic[];
}

interface CacheEntry<T> {
  key: string;
  result: T;
}

export class CatalogLoader {
  private readonly definitions = new Map<string, CacheEntry<FileResult>>();
  private readonly workflowFiles = new Map<string, CacheEntry<{ workflow?: WorkflowFile; diagnostics: Diagnostic[] }>>();
  private readonly layout: CatalogLayout;

  constructor(private readonly options: LoadOptions = {}) {
    this.layout = { ...DEFAULT_LAYOUT, ...options.layout };
  }

  load(files: readonly SourceFile[]): LoadResult {
    const diagnostics: Diagnostic[] = [];
    const definitions: AnyDefinition[] = [];
    const unavailable: UnavailableDefinition[] = [];
    const workflows = new Map<string, WorkflowFile>();
    const workflowDiagnostics = new Map<string, Diagnostic[]>();
    let config: RepoConfig = DEFAULT_CONFIG;
    let parsed = 0;
    const seen = new Set<string>();
    const catalogPrefix = `${trimSlashes(this.layout.catalogDir)}/`;
    const workflowsPrefix = `${trimSlashes(this.layout.workflowsDir)}/`;

    for (const file of files) {
      seen.add(file.path);
      const key = file.sha ?? (file.size !== undefined ? `${file.size}\0${file.text}` : file.text);
      if (file.path === this.layout.configFile) {
        const result = loadConfig(file, this.options.limits);
        config = result.config;
        diagnostics.push(...result.diagnostics);
      } else if (isWorkflowFile(file.path, this.layout.workflowsDir)) {
        let entry = this.workflowFiles.get(file.path);
        if (!entry || entry.key !== key) {
          entry = { key, result: analyseWorkflow(file.path, file.text, file.size) };
          this.workflowFiles.set(file.path, entry);
          parsed++;
        }
        const name = file.path.slice(workflowsPrefix.length);
        if (entry.result.workflow) workflows.set(name, entry.result.workflow);
        else workflowDiagnostics.set(name, entry.result.diagnostics);
      } else if (isYamlUnder(file.path, this.layout.catalogDir)) {
        let entry = this.definitions.get(file.path);
        if (!entry || entry.key !== key) {
          entry = { key, result: analyseDefinitionFile(file, file.path.slice(catalogPrefix.length), this.layout, this.options.limits) };
          this.definitions.set(file.path, entry);
          parsed++;
        }
        diagnostics.push(...entry.result.diagnostics);
        if (entry.result.definition) definitions.push(entry.result.definition);
        if (entry.result.unavailable) unavailable.push(entry.result.unavailable);
      }
    }
    for (const cache of [this.definitions, this.workflowFiles]) {
      for (const path of cache.keys()) if (!seen.has(path)) cache.delete(path);
    }

    const items = indexByName(definitions.filter((d): d is CatalogItemDefinition => d.kind === "CatalogItem"));
    const catalog: Catalog = {
      items,
      bundles: indexByName(definitions.filter((d) => d.kind === "CatalogBundle")),
      updateItems: indexByName(definitions.filter((d) => d.kind === "UpdateItem")),
      updateOperations: indexByName(definitions.filter((d) => d.kind === "UpdateOperation")),
      workflows,
      config,
      unavailable,
    };
    diagnostics.push(
      ...checkReferences({
        definitions,
        unavailable,
        items,
        workflows,
        checkWorkflows: this.options.checkWorkflows ?? true,
        config,
        workflowsDir: trimSlashes(this.layout.workflowsDir),
        unreadableWorkflows: workflowDiagnostics,
      }),
    );
    return { catalog, diagnostics, parsed };
  }
}

/** Loads once, without keeping a cache. */
export function loadCatalog(files: readonly SourceFile[], options: LoadOptions = {}): LoadResult {
  return new CatalogLoader(options).load(files);
}

/** Parses and checks one definition file. `relative` is its path below the catalog folder. */
export function analyseDefinitionFile(file: SourceFile, relative: string, layout: CatalogLayout, limits?: YamlLimits): FileResult {
  const loaded = loadYaml(file.text, file.path, limits, file.size);
  if (!loaded.ok) return { diagnostics: loaded.diagnostics };
  const doc = loaded.doc;
  const r = new Reporter(file.path, doc.locate);
  const value = doc.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    r.report("schema-invalid-type", [], "a catalog file holds one definition: a mapping with kind, name, version and the rest", {
      hint: "start the file with kind: CatalogItem (or CatalogBundle, UpdateItem, UpdateOperation)",
    });
    return { diagnostics: r.diagnostics };
  }
  const declared = (value as Record<string, unknown>)["kind"];
  if (typeof declared !== "string" || !(KIND_NAMES as readonly string[]).includes(declared)) {
    const guess = typeof declared === "string" ? suggestion(declared, KIND_NAMES) : undefined;
    r.report(
      declared === undefined ? "schema-missing-field" : "kind-unknown",
      ["kind"],
      declared === undefined ? "missing required field 'kind'" : `unknown kind ${JSON.stringify(declared)}`,
      { hint: guess ? `did you mean '${guess}'?` : `kind is one of ${KIND_NAMES.join(", ")}` },
    );
    return { diagnostics: r.diagnostics };
  }
  const kind = declared as Kind;
  const category = checkPlacement(kind, relative, layout, r);

  const parsed = KINDS[kind].schema.safeParse(value);
  if (!parsed.success) {
    // Report the shape errors, and still check the parts that have the right shape: one pass finds everything.
    const shapeErrors = schemaDiagnostics(parsed.error.issues, doc, KINDS[kind].schema);
    salvageChecks(kind, value as Record<string, unknown>, r);
    const raw = value as Record<string, unknown>;
    const unavailable =
      typeof raw["name"] === "string" && raw["version"] !== undefined && raw["version"] !== null
        ? { kind, name: raw["name"], version: String(raw["version"]), file: file.path }
        : undefined;
    return { diagnostics: [...r.diagnostics, ...shapeErrors], ...(unavailable ? { unavailable } : {}) };
  }
  const body = parsed.data as { name: string; version: string };
  const definition = {
    kind,
    name: body.name,
    version: body.version,
    file: file.path,
    body,
    locate: doc.locate,
    ...(kind === "CatalogItem" ? { category: category ?? "compute" } : {}),
  } as AnyDefinition;
  checkDefinition(definition, r);
  return { definition, diagnostics: r.diagnostics };
}

/** Kind and folder must agree; a catalog item's folder is its category. */
function checkPlacement(kind: Kind, relative: string, layout: CatalogLayout, r: Reporter): Category | undefined {
  const slash = relative.indexOf("/");
  const folder = slash === -1 ? "" : relative.slice(0, slash);
  const expected = KINDS[kind].folder;
  const catalogDir = trimSlashes(layout.catalogDir);
  if (folder === "") {
    r.report("file-outside-folders", ["kind"], `definitions live in a folder under ${catalogDir}/, not directly in it`, {
      hint: kind === "CatalogItem" ? `move it to ${catalogDir}/<category>/ (${CATEGORIES.join(", ")})` : `move it to ${catalogDir}/${expected}/`,
    });
    return undefined;
  }
  const folderKind = kindForFolder(folder);
  if (kind === "CatalogItem") {
    if ((CATEGORIES as readonly string[]).includes(folder)) return folder as Category;
    if (folderKind) {
      r.report("kind-folder-mismatch", ["kind"], `a CatalogItem does not belong in ${catalogDir}/${folder}/, which holds ${folderKind} definitions`, {
        hint: `move it to ${catalogDir}/<category>/, or change kind to ${folderKind}`,
      });
    } else {
      const guess = suggestion(folder, CATEGORIES);
      r.report("category-unknown", ["kind"], `'${folder}' is not a category; catalog items live in ${CATEGORIES.map((c) => `${catalogDir}/${c}/`).join(", ")}`, {
        hint: guess ? `did you mean ${catalogDir}/${guess}/?` : "move the file to the folder of its category",
      });
    }
    return undefined;
  }
  if (folder !== expected) {
    r.report("kind-folder-mismatch", ["kind"], `a ${kind} belongs in ${catalogDir}/${expected}/, not in ${catalogDir}/${folder}/`, {
      hint: `move it to ${catalogDir}/${expected}/, or correct the kind`,
    });
  }
  return undefined;
}

/** The field and action checks, run on whichever of those parts are well-formed in a definition that is not. */
function salvageChecks(kind: Kind, value: Record<string, unknown>, r: Reporter): void {
  const fieldsPath = kind === "CatalogBundle" ? ["presentation", "bundle_fields"] : ["presentation", "fields"];
  const fields = z.array(Field).safeParse(valueAt(value, fieldsPath) ?? []);
  if (!fields.success) return;
  checkFields(fields.data, fieldsPath, r);
  const actionsPath =
    kind === "CatalogItem" ? ["fulfillment", "actions"] : kind === "CatalogBundle" ? null : ["fulfillment", "automation", "steps"];
  if (!actionsPath) return;
  const actions = z.array(Action).safeParse(valueAt(value, actionsPath) ?? []);
  if (!actions.success) return;
  const required = z.array(z.object({ required_parameters: z.array(z.string()).optional() })).safeParse(valueAt(value, ["targets", "catalog_items"]));
  const scope = new Set([
    ...fields.data.map((f) => f.name),
    ...(required.success ? required.data.flatMap((t) => t.required_parameters ?? []) : []),
  ]);
  checkActions(actions.data, actionsPath, scope, r);
}

function loadConfig(file: SourceFile, limits?: YamlLimits): { config: RepoConfig; diagnostics: Diagnostic[] } {
  const loaded = loadYaml(file.text, file.path, limits, file.size);
  if (!loaded.ok) return { config: DEFAULT_CONFIG, diagnostics: loaded.diagnostics };
  const parsed = RepoConfigSchema.safeParse(loaded.doc.value ?? {});
  if (parsed.success) return { config: parsed.data, diagnostics: [] };
  const diagnostics = schemaDiagnostics(parsed.error.issues, loaded.doc, RepoConfigSchema).map((d) => ({ ...d, code: "config-invalid" as const }));
  return { config: DEFAULT_CONFIG, diagnostics };
}

function indexByName<D extends AnyDefinition>(definitions: readonly D[]): Map<string, D[]> {
  const index = new Map<string, D[]>();
  for (const def of definitions) {
    const list = index.get(def.name);
    if (list) list.push(def);
    else index.set(def.name, [def]);
  }
  for (const list of index.values()) list.sort((a, b) => compareDescending(a.version, b.version));
  return index;
}


export type { LoadedYaml };
