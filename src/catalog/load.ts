/**
 * Loads a catalog from the files of a repository tree: parse and check each file on its own (cached by content, so
 * re-validating after one edit re-reads one file), then check the references between them. Pure: the caller reads
 * the files (from disk, git or GitHub) and hands them over.
 */
import { printable, type Diagnostic } from "../diagnostics.js";
import { schemaDiagnostics, suggestion, valueAt } from "../schema-diagnostics.js";
import { checkActions } from "./checks/actions.js";
import { checkTemplateValue } from "./checks/templates.js";
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
  if (!loaded.ok) {
    // The file does not parse, but its requests should still hear that the item exists and is broken.
    const unavailable = file.size === undefined ? identityFromText(file.text, file.path, relative) : undefined;
    return { diagnostics: loaded.diagnostics, ...(unavailable ? { unavailable } : {}) };
  }
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
      declared === undefined ? "missing required field 'kind'" : `unknown kind '${printable(String(declared))}'`,
      { hint: guess ? `did you mean '${guess}'?` : `kind is one of ${KIND_NAMES.join(", ")}` },
    );
    const kind = (guess as Kind | undefined) ?? kindOfFolder(relative);
    const raw = value as Record<string, unknown>;
    const unavailable =
      kind && typeof raw["name"] === "string" ? { kind, name: raw["name"], version: scalarText(raw["version"]), file: file.path } : undefined;
    return { diagnostics: r.diagnostics, ...(unavailable ? { unavailable } : {}) };
  }
  const kind = declared as Kind;
  const category = checkPlacement(kind, relative, layout, r);

  const parsed = KINDS[kind].schema.safeParse(value);
  if (!parsed.success) {
    // Report the shape errors, and still check the parts that have the right shape: one pass finds everything.
    const shapeErrors = schemaDiagnostics(parsed.error.issues, doc, KINDS[kind].schema);
    const fields = salvageChecks(kind, value as Record<string, unknown>, r);
    const raw = value as Record<string, unknown>;
    const unavailable =
      typeof raw["name"] === "string" ? { kind, name: raw["name"], version: scalarText(raw["version"]), file: file.path, ...fields } : undefined;
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

/**
 * The field, action and template checks, run on whichever parts are well-formed in a definition that is not, so
 * one run reports every independent mistake: a field with a wrong type does not hide a misspelt template next to
 * it. Each field and each action is taken on its own; the names a template may read are every field that has a
 * name, well-formed or not (a broken field's name is still declared). Returns the well-formed fields, and the names
 * of the others.
 */
function salvageChecks(kind: Kind, value: Record<string, unknown>, r: Reporter): { fields: Field[]; brokenFields: string[] } {
  const fieldsPath = kind === "CatalogBundle" ? ["presentation", "bundle_fields"] : ["presentation", "fields"];
  const rawFields = valueAt(value, fieldsPath);
  const list = Array.isArray(rawFields) ? rawFields : [];
  const parsedFields = list.map((f) => Field.safeParse(f));
  const fields = parsedFields.flatMap((p) => (p.success ? [p.data] : []));
  if (fields.length === list.length) checkFields(fields, fieldsPath, r);
  else {
    // Some fields are malformed: check the others, but not their conditionals, which may name a malformed one.
    const positions = parsedFields.flatMap((p, i) => (p.success ? [i] : []));
    checkFields(fields.map(({ conditional: _, ...f }) => f), fieldsPath, r, positions);
  }
  const nameOf = (f: unknown) => (typeof f === "object" && f !== null && typeof (f as { name?: unknown }).name === "string" ? [(f as { name: string }).name] : []);
  const named = list.flatMap(nameOf);
  const brokenFields = list.filter((_, i) => !parsedFields[i]!.success).flatMap(nameOf);

  const required = valueAt(value, ["targets", "catalog_items"]);
  const requiredNames = (Array.isArray(required) ? required : []).flatMap((t) => {
    const names = typeof t === "object" && t !== null ? (t as { required_parameters?: unknown }).required_parameters : undefined;
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : [];
  });
  const scope = new Set([...named, ...requiredNames]);

  if (kind === "CatalogBundle") {
    for (const group of ["required_items", "optional_items"] as const) {
      const entries = valueAt(value, ["bundle", group]);
      (Array.isArray(entries) ? entries : []).forEach((entry, i) => {
        const parameters = typeof entry === "object" && entry !== null ? (entry as { parameters?: unknown }).parameters : undefined;
        if (typeof parameters === "object" && parameters !== null) checkTemplateValue(parameters, ["bundle", group, i, "parameters"], scope, r);
      });
    }
    return { fields, brokenFields };
  }
  const actionsPath = kind === "CatalogItem" ? ["fulfillment", "actions"] : ["fulfillment", "automation", "steps"];
  const rawActions = Array.isArray(valueAt(value, actionsPath)) ? (valueAt(value, actionsPath) as unknown[]) : [];
  const actions = rawActions.map((a) => Action.safeParse(a));
  if (actions.every((a) => a.success)) checkActions(actions.map((a) => a.data!), actionsPath, scope, r);
  else {
    // Some actions are malformed: the checks across actions need them all, but every template can still be read.
    rawActions.forEach((a, i) => {
      const template = typeof a === "object" && a !== null ? (a as { template?: unknown }).template : undefined;
      if (typeof template === "object" && template !== null) checkTemplateValue(template, [...actionsPath, i, "template"], scope, r);
    });
  }
  if (kind !== "CatalogItem") {
    const manual = valueAt(value, ["fulfillment", "manual", "template"]);
    if (typeof manual === "object" && manual !== null) checkTemplateValue(manual, ["fulfillment", "manual", "template"], scope, r);
  }
  return { fields, brokenFields };
}

/** A scalar as written (a number version such as 1.0 comes back as "1"); "" for anything else. */
function scalarText(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

function kindOfFolder(relative: string): Kind | undefined {
  const folder = relative.includes("/") ? relative.slice(0, relative.indexOf("/")) : "";
  if ((CATEGORIES as readonly string[]).includes(folder)) return "CatalogItem";
  return kindForFolder(folder);
}

/**
 * What a file that does not parse as YAML says it defines, read from its top-level `kind:`, `name:` and `version:`
 * lines (or its folder, for the kind). Enough for a request of it to be told the item exists but is broken.
 */
function identityFromText(text: string, path: string, relative: string): UnavailableDefinition | undefined {
  const line = (key: string) => new RegExp(`^${key}:[ \\t]*["']?([A-Za-z0-9][A-Za-z0-9.+-]{0,99})["']?[ \\t]*(?:#.*)?$`, "m").exec(text.slice(0, 64 * 1024))?.[1];
  const name = line("name");
  if (name === undefined) return undefined;
  const declared = line("kind");
  const kind = declared !== undefined && (KIND_NAMES as readonly string[]).includes(declared) ? (declared as Kind) : kindOfFolder(relative);
  return kind ? { kind, name, version: line("version") ?? "", file: path } : undefined;
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
