/**
 * Validates request files against a catalog: the shape, which definition they order, the version they resolve to,
 * and their parameters against that definition's fields (by ajv, with defaults applied). Every finding is a
 * diagnostic on the line of the request file where it belongs.
 */
import type { ErrorObject } from "ajv";
import { compileSchema } from "../catalog/ajv.js";
import { fieldsToJsonSchema } from "../catalog/json-schema.js";
import { Reporter } from "../catalog/checks/reporter.js";
import {
  indexOf,
  resolveDefinition,
  resolveItem,
  type AnyDefinition,
  type Catalog,
  type UpdateItemDefinition,
  type UpdateOperationDefinition,
  type VersionIndex,
} from "../catalog/model.js";
import { isVersion, parseRange, satisfies } from "../catalog/versions.js";
import semver from "semver";
import { KINDS, kindForApiType } from "../catalog/kinds.js";
import type { SourceFile } from "../catalog/load.js";
import type { Field } from "../catalog/schema.js";
import { printable, type Diagnostic } from "../diagnostics.js";
import { missingVersionHint, schemaDiagnostics, show, suggestion, valueAt } from "../schema-diagnostics.js";
import { loadYaml, type PathSegment } from "../yaml/load.js";
import { REQUEST_SHAPES, type RequestShape } from "./schema.js";
import { targetLookup, type TargetLookup, type TargetRecord, type TargetRequest } from "./targets.js";

export interface ValidatedRequest {
  file: string;
  shape: RequestShape;
  definition: AnyDefinition;
  /** Parameters with defaults applied (for a bundle, its bundle parameters). */
  parameters: Record<string, unknown>;
  /** What the file says of its requester; the pull request's author is the requester all the same. */
  requester?: { user_id?: string | undefined; team?: string | undefined } | undefined;
  /** A bundle's choices of optional items. */
  selections: Array<{ catalog_item: string; enabled: boolean }>;
  /** A bundle's parameters per item, as the request gives them under item_selections (by catalog item). */
  itemParameters: Record<string, Record<string, unknown>>;
  /** An update's target: a request file path or a request_id. */
  target?: string;
  /** The request an update targets, when it was found: its item and the parameters its templates also see. */
  targetRequest?: TargetRequest;
  /** The parameters the request writes itself; the others in `parameters` are defaults. */
  written: string[];
  /** The version as the request writes it: exact, a range, or absent (the latest release). */
  requestedVersion?: string;
}

export interface RequestValidation {
  file: string;
  request?: ValidatedRequest;
  diagnostics: Diagnostic[];
}

const SHAPES = Object.keys(REQUEST_SHAPES) as RequestShape[];

export function validateRequestFiles(files: readonly SourceFile[], catalog: Catalog): RequestValidation[] {
  const paths = new Set(files.map((f) => f.path));
  const targets = requestTargets(catalog, files);
  return files.map((f) => validateRequestFile(f, catalog, { knownRequestPaths: paths, targets }));
}

/** The targets updates may name: `files` by path, and `records` (status records, where known) by request id. */
export function requestTargets(catalog: Catalog, files: readonly SourceFile[], records?: ReadonlyMap<string, TargetRecord>): TargetLookup {
  return targetLookup(validateRequestFile, catalog, files, records);
}

export interface RequestContext {
  /** Request files that exist (on the default branch or in the same pull request), for update targets. */
  knownRequestPaths?: ReadonlySet<string>;
  /** Finds an update's target, so the update is checked against it and its templates see its parameters. */
  targets?: TargetLookup;
  /** The pull request's author: the requester, whom requester.user_id may only repeat. */
  author?: string;
}

export function validateRequestFile(file: SourceFile, catalog: Catalog, context: RequestContext = {}): RequestValidation {
  const knownRequestPaths = context.knownRequestPaths ?? new Set<string>();
  const loaded = loadYaml(file.text, file.path, undefined, file.size);
  if (!loaded.ok) return { file: file.path, diagnostics: loaded.diagnostics };
  const doc = loaded.doc;
  const r = new Reporter(file.path, doc.locate);
  const value = doc.value;
  const keys = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
  const shapes = SHAPES.filter((s) => keys.includes(s));
  if (shapes.length !== 1) {
    r.report(
      shapes.length === 0 ? "schema-missing-field" : "schema-invalid-value",
      shapes.length === 0 ? [] : [shapes[1]!],
      shapes.length === 0
        ? "a request names what it orders: catalog_item, catalog_bundle, update_item or update_operation"
        : `a request orders one thing; it names both ${shapes.join(" and ")}`,
      { key: shapes.length > 1, hint: "one request per file; open one file for each thing you order" },
    );
    return { file: file.path, diagnostics: r.diagnostics };
  }
  const shape = shapes[0]!;
  const schema = REQUEST_SHAPES[shape];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const diagnostics = schemaDiagnostics(parsed.error.issues, doc, schema);
    // A missing version: say which versions the item has, so the hint is something to copy.
    const versions = indexOf(catalog, kindForApiType(shape)!).get(String((value as Record<string, unknown>)[shape]));
    const latest = versions?.[0]?.version;
    for (const d of diagnostics) {
      if (d.code === "schema-missing-field" && d.path === "version" && latest) {
        d.hint = `${missingVersionHint("either", "version", latest)}; versions on offer: ${versions!.map((v) => v.version).join(", ")}`;
      }
    }
    return { file: file.path, diagnostics };
  }
  const body = parsed.data as Record<string, unknown> & { version?: string; parameters?: Record<string, unknown> };
  const claimed = (body["requester"] as { user_id?: string } | undefined)?.user_id;
  if (context.author !== undefined && claimed !== undefined && claimed.toLowerCase() !== context.author.toLowerCase()) {
    r.report("request-requester-mismatch", ["requester", "user_id"], `requester.user_id is '${printable(claimed)}', but the pull request is by '${context.author}'`, {
      hint: "the requester is whoever opens the pull request; remove user_id or set it to your GitHub login",
    });
  }

  const kind = kindForApiType(shape)!;
  const index: VersionIndex<AnyDefinition> = indexOf(catalog, kind);
  const name = body[shape] as string;
  const versions = index.get(name);
  // Definitions of this name whose files have errors: the item exists, and the request should hear why it cannot
  // be ordered, not that there is no such thing.
  const broken = catalog.unavailable.filter((u) => u.kind === kind && u.name === name);
  const brokenWanted = broken.filter((u) => body.version === undefined || !isVersion(u.version) || wants(u.version, body.version));
  if (brokenWanted.length > 0 && !resolveDefinition(versions, body.version)) {
    const label = KINDS[kind].label;
    const files = [...new Set(brokenWanted.map((u) => u.file))];
    r.report(
      "request-item-invalid",
      [shape],
      `the ${label} '${name}'${brokenWanted.length === 1 && brokenWanted[0]!.version ? ` ${brokenWanted[0]!.version}` : ""} is in the catalog, but its definition has errors, so it cannot be ordered until they are fixed`,
      { key: false, hint: `the errors are reported in ${files.join(", ")}; ask the ${label}'s owners to fix them, then re-run the check` },
    );
    // The request's own mistakes are still worth knowing: check them against the fields that are well-formed.
    const salvaged = brokenWanted.find((u) => u.fields);
    if (salvaged?.fields && shape !== "catalog_bundle") {
      const given = Object.fromEntries(Object.entries(body.parameters ?? {}).filter(([k]) => !salvaged.brokenFields?.includes(k)));
      checkParameters(salvaged.fields, given, ["parameters"], r);
    }
    return { file: file.path, diagnostics: r.diagnostics };
  }
  if (!versions) {
    const guess = suggestion(name, [...new Set([...index.keys(), ...catalog.unavailable.filter((u) => u.kind === kind).map((u) => u.name)])]);
    r.report("request-unknown-item", [shape], `the catalog has no ${shape.replace("_", " ")} named '${name}'`, {
      hint: guess ? `did you mean '${guess}'?` : `on offer: ${[...index.keys()].join(", ") || "nothing yet"}`,
    });
    return { file: file.path, diagnostics: r.diagnostics };
  }
  const definition = resolveDefinition(versions, body.version);
  if (!definition) {
    const others = broken.map((u) => `${u.version || "?"} (${u.file})`);
    r.report("request-no-version", body.version === undefined ? [shape] : ["version"], `no version of '${name}' satisfies ${body.version ?? "the latest release"}`, {
      hint: `versions on offer: ${versions.map((v) => v.version).join(", ")}${others.length > 0 ? `; not on offer until their errors are fixed: ${others.join(", ")}` : ""}`,
    });
    return { file: file.path, diagnostics: r.diagnostics };
  }

  let parameters: Record<string, unknown> = {};
  let targetRequest: TargetRequest | undefined;
  if (definition.kind === "CatalogBundle") {
    parameters = checkParameters(definition.body.presentation.bundle_fields, body["bundle_parameters"] as Record<string, unknown>, ["bundle_parameters"], r);
    const selections = body["item_selections"] as {
      required_items: { catalog_item: string; parameters: Record<string, unknown> }[];
      optional_items: { catalog_item: string; enabled: boolean; parameters: Record<string, unknown> }[];
    };
    const checkBundleItem = (entry: { catalog_item: string; version: string; parameters?: Record<string, unknown> | undefined }, given: Record<string, unknown>, at: PathSegment[], prefix = "") => {
      const item = resolveItem(catalog, entry.catalog_item, entry.version);
      if (!item) return; // the catalog check reports a bundle whose item has no fitting version
      const fixed = Object.keys(entry.parameters ?? {});
      const free = item.body.presentation.fields.filter((f) => !fixed.includes(f.name));
      checkParameters(free, given, at, r, prefix);
    };
    for (const group of ["required_items", "optional_items"] as const) {
      selections[group].forEach((selection, i) => {
        const entry = definition.body.bundle[group].find((e) => e.catalog_item === selection.catalog_item);
        if (!entry) {
          r.report("request-unknown-item", ["item_selections", group, i, "catalog_item"], `the bundle has no ${group === "required_items" ? "required" : "optional"} item '${selection.catalog_item}'`, {
            hint: `its ${group.replace("_", " ")}: ${definition.body.bundle[group].map((e) => e.catalog_item).join(", ") || "none"}`,
          });
          return;
        }
        if (group === "optional_items" && (selection as { enabled?: boolean }).enabled === false) return;
        checkBundleItem(entry, selection.parameters, ["item_selections", group, i, "parameters"]);
      });
      // An item the bundle fulfils (every required one, and optional ones on by default) is checked even when the
      // request does not mention it: its required fields must be filled somewhere.
      for (const entry of definition.body.bundle[group]) {
        const mentioned = selections[group].some((s) => s.catalog_item === entry.catalog_item);
        const enabled = group === "required_items" || ("default_enabled" in entry && entry.default_enabled);
        if (!mentioned && enabled) checkBundleItem(entry, {}, ["item_selections"], `'${entry.catalog_item}' (not listed under item_selections.${group}): `);
      }
    }
  } else {
    parameters = checkParameters(definition.body.presentation.fields, body.parameters ?? {}, ["parameters"], r);
    if ((definition.kind === "UpdateItem" || definition.kind === "UpdateOperation") && typeof body["target"] === "string") {
      const target = body["target"];
      if (target.includes("/") && !knownRequestPaths.has(target)) {
        r.report("request-unknown-item", ["target"], `the target ${printable(target)} is not a request file of this repository`, {
          hint: "name the file of the request to update (requests/<team>/<name>.yaml) or its request_id",
        });
      } else if (context.targets) {
        targetRequest = context.targets.find(target);
        if (targetRequest) checkTarget(definition, targetRequest, target, r);
        else if (target.includes("/")) {
          r.report("request-target-invalid", ["target"], `the target ${printable(target)} is not a valid request, so this update cannot be checked against it`, {
            hint: `fix the errors reported in ${printable(target)} first`,
          });
        } else if (context.targets.knowsIds) {
          r.report("request-unknown-item", ["target"], `no request has the id '${printable(target)}'`, {
            hint: "name the file of the request to update (requests/<team>/<name>.yaml) or the request_id of one that pao recorded",
          });
        }
      }
    }
  }
  const selections = shape === "catalog_bundle" ? (body["item_selections"] as { optional_items: Array<{ catalog_item: string; enabled: boolean }> }).optional_items : [];
  const request: ValidatedRequest = {
    file: file.path,
    shape,
    definition,
    parameters,
    written: Object.keys((shape === "catalog_bundle" ? body["bundle_parameters"] : body.parameters) ?? {}),
    requester: body["requester"] as ValidatedRequest["requester"],
    selections: selections.map((s) => ({ catalog_item: s.catalog_item, enabled: s.enabled })),
    itemParameters: itemParametersOf(shape === "catalog_bundle" ? body["item_selections"] : undefined),
    ...(typeof body["target"] === "string" ? { target: body["target"] } : {}),
    ...(targetRequest ? { targetRequest } : {}),
    ...(body.version !== undefined ? { requestedVersion: body.version } : {}),
  };
  return { file: file.path, request, diagnostics: r.diagnostics };
}

/**
 * An update applies to requests of the items it names (in a version its range allows), and its templates read the
 * target's required_parameters: a target of another item, or one without a value for such a parameter, would be
 * fulfilled with empty values.
 */
function checkTarget(definition: UpdateItemDefinition | UpdateOperationDefinition, target: TargetRequest, raw: string, r: Reporter): void {
  const written = printable(raw);
  const entries = definition.body.targets.catalog_items;
  const names = entries.map((e) => e.name).join(", ");
  if (!target.item) {
    r.report("request-target-invalid", ["target"], `the target ${written} does not order a catalog item, so '${definition.name}' cannot update it`, {
      hint: `target a request for ${names}`,
    });
    return;
  }
  const { name, version } = target.item;
  const entry = entries.find((e) => e.name === name);
  if (!entry) {
    r.report("request-target-invalid", ["target"], `the target ${written} orders '${name}', but '${definition.name}' updates ${names}`, {
      hint: `target a request for ${names}, or use an update made for ${name}`,
    });
    return;
  }
  const range = parseRange(entry.version_range);
  if (range && !satisfies(version, range, true)) {
    r.report("request-target-invalid", ["target"], `the target ${written} orders ${name} ${version}, outside the versions '${definition.name}' updates (${entry.version_range})`, {
      hint: `target a request for ${name} ${entry.version_range}`,
    });
    return;
  }
  const empty = (entry.required_parameters ?? []).filter((p) => target.parameters[p] === undefined || target.parameters[p] === null || target.parameters[p] === "");
  if (empty.length > 0) {
    r.report("request-target-invalid", ["target"], `the target ${written} has no value for ${empty.map((p) => `'${p}'`).join(", ")}, which '${definition.name}' needs`, {
      hint: `set ${empty.join(", ")} in ${written} first`,
    });
  }
}

/** Whether `version` is what `wanted` (an exact version or a range) asks for. */
function wants(version: string, wanted: string): boolean {
  if (isVersion(wanted)) return semver.eq(version, wanted);
  const range = parseRange(wanted);
  return range !== null && satisfies(version, range, true);
}

/** ajv against the fields' schema, defaults applied; read-only fields may not be set by a request. */
function checkParameters(fields: readonly Field[], given: Record<string, unknown>, base: PathSegment[], r: Reporter, prefix = ""): Record<string, unknown> {
  for (const field of fields) {
    if (field.readonly && Object.prototype.hasOwnProperty.call(given, field.name)) {
      r.report("request-parameter-invalid", [...base, field.name], `'${field.name}' is read-only; the catalog sets it`, { key: true, hint: "remove it from the request" });
    }
  }
  // A required field left empty (`name:` or `name: ""`) is missing, whatever its type would say about null or "".
  const empty = new Set(
    fields
      .filter((f) => f.required && !f.conditional && f.default === undefined)
      .filter((f) => Object.prototype.hasOwnProperty.call(given, f.name) && (given[f.name] === null || given[f.name] === ""))
      .map((f) => f.name),
  );
  for (const name of empty) {
    const help = fields.find((f) => f.name === name)?.help_text;
    r.report("request-parameter-invalid", [...base, name], `${prefix}'${name}' is required, but it is empty`, { hint: help ? `${name}: ${help}` : `give ${name} a value` });
  }
  const validate = compileSchema(schemaFor(fields));
  const values = structuredClone(given);
  if (!validate(values)) {
    for (const error of validate.errors ?? []) {
      if (empty.has(error.instancePath.split("/")[1] ?? "")) continue;
      reportAjvError(error, fields, base, r, prefix, values);
    }
  }
  return values;
}

const schemas = new WeakMap<readonly Field[], Record<string, unknown>>();
function schemaFor(fields: readonly Field[]): Record<string, unknown> {
  let schema = schemas.get(fields);
  if (!schema) {
    schema = fieldsToJsonSchema(fields);
    schemas.set(fields, schema);
  }
  return schema;
}

function reportAjvError(error: ErrorObject, fields: readonly Field[], base: PathSegment[], r: Reporter, prefix = "", data?: unknown): void {
  const segments = error.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const path: PathSegment[] = [...base, ...segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s))];
  const field = segments[0];
  switch (error.keyword) {
    case "required": {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const help = fields.find((f) => f.name === missing)?.help_text;
      r.report("request-parameter-invalid", base, `${prefix}missing required parameter '${missing}'`, { hint: help ? `${missing}: ${help}` : undefined });
      return;
    }
    case "additionalProperties": {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const guess = suggestion(extra, fields.map((f) => f.name));
      r.report("request-parameter-invalid", [...path, extra], `'${extra}' is not a parameter of this item`, {
        key: true,
        hint: guess ? `did you mean '${guess}'?` : `parameters: ${fields.map((f) => f.name).join(", ")}`,
      });
      return;
    }
    case "if":
      return; // the failing `then` says what is missing
    case "enum": {
      const allowed = ((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String);
      const value = valueAt(data, segments.map((x) => (/^\d+$/.test(x) ? Number(x) : x)));
      const guess = typeof value === "string" ? suggestion(value, allowed) : undefined;
      const help = fields.find((f) => f.name === field)?.help_text;
      r.report("request-parameter-invalid", path, `${prefix}'${field ?? ""}' is ${show(value)}, which is not one of: ${allowed.map((a) => printable(a)).join(", ")}`, {
        hint: guess ? `did you mean '${guess}'?` : help ? `${field}: ${help}` : `write one of: ${allowed.join(", ")}`,
      });
      return;
    }
    default:
      r.report("request-parameter-invalid", path, `${prefix}'${field ?? ""}' ${error.message ?? "is invalid"}`, {
        hint: fields.find((f) => f.name === field)?.help_text,
      });
  }
}

/** The parameters a bundle request gives each item, required and optional alike; an item named twice keeps the first. */
function itemParametersOf(selections: unknown): Record<string, Record<string, unknown>> {
  const groups = (selections ?? {}) as Record<string, Array<{ catalog_item: string; parameters?: Record<string, unknown> }> | undefined>;
  const out = new Map<string, Record<string, unknown>>();
  for (const entry of [...(groups["required_items"] ?? []), ...(groups["optional_items"] ?? [])]) {
    if (!out.has(entry.catalog_item)) out.set(entry.catalog_item, entry.parameters ?? {});
  }
  return Object.fromEntries(out);
}
