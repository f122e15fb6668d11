/**
 * Checks that need the whole catalog: unique (kind, name, version), bundles and updates that point at items that
 * exist in a fitting version with the parameters they name, and executor workflows that exist and keep the contract.
 * They are cheap lookups, run over every definition after each load.
 */
import semver from "semver";
import type { Diagnostic } from "../../diagnostics.js";
import { suggestion } from "../../schema-diagnostics.js";
import type { PathSegment } from "../../yaml/load.js";
import { FIELD_TYPES } from "../field-types.js";
import { KINDS } from "../kinds.js";
import { resolveDefinition, type AnyDefinition, type CatalogItemDefinition, type UnavailableDefinition, type VersionIndex } from "../model.js";
import { executorWorkflow, type RepoConfig } from "../repo-config.js";
import type { Action } from "../schema.js";
import { isTemplate } from "../../templates/inspect.js";
import { parseRange, satisfies } from "../versions.js";
import { checkExecutorWorkflow, type WorkflowFile } from "../workflows.js";
import { Reporter } from "./reporter.js";

export interface ReferenceContext {
  definitions: readonly AnyDefinition[];
  unavailable: readonly UnavailableDefinition[];
  items: VersionIndex<CatalogItemDefinition>;
  workflows: ReadonlyMap<string, WorkflowFile>;
  /** Whether workflow files were given at all; without them workflow checks are skipped. */
  checkWorkflows: boolean;
  config: RepoConfig;
  workflowsDir: string;
  /** Workflow files that exist but could not be read, with why; reported only if the catalog uses them. */
  unreadableWorkflows: ReadonlyMap<string, Diagnostic[]>;
}

export function checkReferences(ctx: ReferenceContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  out.push(...duplicates(ctx.definitions));
  const usedWorkflows = new Set<string>();
  for (const def of ctx.definitions) {
    const r = new Reporter(def.file, def.locate);
    if (def.kind === "CatalogBundle") checkBundle(def.body.bundle, ctx, r);
    if (def.kind === "UpdateItem" || def.kind === "UpdateOperation") checkTargets(def.body.targets.catalog_items, ctx, r);
    if (ctx.checkWorkflows) {
      const actions =
        def.kind === "CatalogItem"
          ? { list: def.body.fulfillment.actions, base: ["fulfillment", "actions"] }
          : def.kind === "CatalogBundle"
            ? { list: [], base: [] }
            : { list: def.body.fulfillment.automation?.steps ?? [], base: ["fulfillment", "automation", "steps"] };
      actions.list.forEach((action, i) => {
        const used = checkExecutor(action, [...actions.base, i], ctx, r);
        if (used) usedWorkflows.add(used);
      });
    }
    out.push(...r.diagnostics);
  }
  for (const name of [...usedWorkflows].sort()) {
    const workflow = ctx.workflows.get(name);
    out.push(...(workflow ? checkExecutorWorkflow(workflow) : (ctx.unreadableWorkflows.get(name) ?? [])));
  }
  return out;
}

function duplicates(definitions: readonly AnyDefinition[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, AnyDefinition[]>();
  for (const def of definitions) {
    const key = `${def.kind}\0${def.name}`;
    const same = seen.get(key) ?? [];
    const twin = same.find((other) => semver.eq(other.version, def.version));
    if (twin) {
      const at = def.locate(["version"]);
      const buildOnly = twin.version !== def.version;
      out.push({
        code: "definition-duplicate",
        severity: "error",
        message: `${KINDS[def.kind].label} ${def.name} ${def.version} is also defined in ${twin.file}${buildOnly ? " (versions that differ only in build metadata are the same version)" : ""}`,
        file: def.file,
        ...at,
        hint: "raise the version of one of them; each (kind, name, version) is defined once",
      });
    }
    same.push(def);
    seen.set(key, same);
  }
  return out;
}

type BundleEntry = { catalog_item: string; version: string; parameters?: Record<string, unknown> | undefined };

function checkBundle(bundle: { required_items: BundleEntry[]; optional_items: BundleEntry[] }, ctx: ReferenceContext, r: Reporter): void {
  for (const group of ["required_items", "optional_items"] as const) {
    bundle[group].forEach((entry, i) => {
      const at: PathSegment[] = ["bundle", group, i];
      if (brokenItem(ctx, entry.catalog_item)) return;
      const versions = ctx.items.get(entry.catalog_item);
      if (!versions) {
        const guess = suggestion(entry.catalog_item, [...ctx.items.keys()]);
        r.report("bundle-item-unknown", [...at, "catalog_item"], `the bundle includes '${entry.catalog_item}', which is not a catalog item`, {
          hint: guess ? `did you mean '${guess}'?` : "add the item to the catalog or remove it from the bundle",
        });
        return;
      }
      const match = resolveDefinition(versions, entry.version);
      if (!match) {
        r.report("bundle-item-no-version", [...at, "version"], `no version of '${entry.catalog_item}' satisfies ${entry.version}`, {
          hint: `versions on offer: ${versions.map((v) => v.version).join(", ")}`,
        });
        return;
      }
      const fields = new Map(match.body.presentation.fields.map((f) => [f.name, f]));
      for (const [name, value] of Object.entries(entry.parameters ?? {})) {
        const field = fields.get(name);
        if (!field) {
          const guess = suggestion(name, [...fields.keys()]);
          r.report("bundle-parameter-unknown", [...at, "parameters", name], `'${entry.catalog_item}' ${match.version} has no field '${name}'`, {
            key: true,
            hint: guess ? `did you mean '${guess}'?` : `its fields: ${[...fields.keys()].join(", ")}`,
          });
        } else if (!(typeof value === "string" && isTemplate(value))) {
          const why = FIELD_TYPES[field.type].reject(field, value, false);
          if (why !== null) r.report("bundle-parameter-invalid", [...at, "parameters", name], `'${name}' of '${entry.catalog_item}': ${why}`);
        }
      }
    });
  }
}

type Target = { name: string; version_range: string; required_parameters?: string[] | undefined };

function checkTargets(targets: readonly Target[], ctx: ReferenceContext, r: Reporter): void {
  targets.forEach((target, i) => {
    const at: PathSegment[] = ["targets", "catalog_items", i];
    if (brokenItem(ctx, target.name)) return;
    const versions = ctx.items.get(target.name);
    if (!versions) {
      const guess = suggestion(target.name, [...ctx.items.keys()]);
      r.report("update-target-unknown", [...at, "name"], `the update targets '${target.name}', which is not a catalog item`, {
        hint: guess ? `did you mean '${guess}'?` : "target an item of the catalog",
      });
      return;
    }
    const range = parseRange(target.version_range);
    const matching = range ? versions.filter((v) => satisfies(v.version, range, true)) : [];
    if (matching.length === 0) {
      r.report("update-target-no-version", [...at, "version_range"], `no version of '${target.name}' satisfies ${target.version_range}, so nothing can be updated yet`, {
        severity: "warning",
        hint: `versions on offer: ${versions.map((v) => v.version).join(", ")}`,
      });
      return;
    }
    (target.required_parameters ?? []).forEach((name, j) => {
      const lacking = matching.filter((v) => !v.body.presentation.fields.some((f) => f.name === name));
      if (lacking.length > 0) {
        r.report(
          "update-required-parameter-unknown",
          [...at, "required_parameters", j],
          `'${name}' is not a field of ${target.name} ${lacking.map((v) => v.version).join(", ")}`,
          { hint: "require only parameters that every targeted version has" },
        );
      }
    });
  });
}

/** A reference to an item one of whose files has errors is judged once those are fixed, not now. */
function brokenItem(ctx: ReferenceContext, name: string): boolean {
  return ctx.unavailable.some((u) => u.kind === "CatalogItem" && u.name === name);
}

function checkExecutor(action: Action, at: PathSegment[], ctx: ReferenceContext, r: Reporter): string | null {
  const workflow = executorWorkflow(action, ctx.config);
  if (workflow === null) return null;
  if (ctx.workflows.has(workflow) || ctx.unreadableWorkflows.has(workflow)) return workflow;
  const fromTemplate = action.type === "GitHubWorkflow" && ctx.config.executors[action.type] === undefined;
  r.report("workflow-missing", fromTemplate ? [...at, "template", "workflow"] : [...at, "type"], `${action.type} action '${action.name}' runs ${ctx.workflowsDir}/${workflow}, which does not exist`, {
    hint: fromTemplate
      ? `add ${ctx.workflowsDir}/${workflow} (it takes the inputs pao_step and pao_payload)`
      : `add ${ctx.workflowsDir}/${workflow}, or map ${action.type} to another workflow under executors in .github/pao.yml`,
  });
  return null;
}
