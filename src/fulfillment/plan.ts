/**
 * Plans the steps that fulfil a request: the actions of the ordered item (or of each item of a bundle, or the steps
 * of an update), numbered `step-001`, `step-002`, ... in the order the catalog lists them, with `depends_on`
 * turned from action names into step ids. Templates are carried as written; rendering happens at dispatch.
 */
import { resolveItem, type AnyDefinition, type Catalog } from "../catalog/model.js";
import type { Action, RetryPolicy } from "../catalog/schema.js";

export const DEFAULT_RETRY_POLICY: RetryPolicy = { max_attempts: 3, backoff_strategy: "exponential", initial_delay: "30s" };

export interface PlannedStep {
  step_id: string;
  /** The action's name; in a bundle, `<catalog_item>.<action>`. */
  name: string;
  type: Action["type"];
  depends_on: string[];
  action: Action;
  /** The item this step belongs to, in a bundle. */
  item?: string;
  retry_policy: RetryPolicy;
}

export interface Plan {
  execution_mode: "automation" | "manual";
  retry_policy: RetryPolicy;
  steps: PlannedStep[];
}

export interface BundleSelection {
  catalog_item: string;
  enabled: boolean;
}

export function planRequest(definition: AnyDefinition, catalog: Catalog, selections: readonly BundleSelection[] = []): Plan {
  switch (definition.kind) {
    case "CatalogItem": {
      const policy = definition.body.fulfillment.retry_policy ?? DEFAULT_RETRY_POLICY;
      return {
        execution_mode: definition.body.fulfillment.execution_mode,
        retry_policy: policy,
        steps: number(definition.body.fulfillment.actions.map((action) => ({ action, policy }))),
      };
    }
    case "CatalogBundle": {
      const planned: Array<{ action: Action; policy: RetryPolicy; item: string }> = [];
      for (const item of bundleItems(definition, catalog, selections)) {
        const policy = item.body.fulfillment.retry_policy ?? DEFAULT_RETRY_POLICY;
        for (const action of item.body.fulfillment.actions) planned.push({ action, policy, item: item.name });
      }
      return { execution_mode: "automation", retry_policy: DEFAULT_RETRY_POLICY, steps: number(planned) };
    }
    case "UpdateItem":
    case "UpdateOperation": {
      const { automation, manual } = definition.body.fulfillment;
      if (automation) {
        const policy = automation.retry_policy ?? DEFAULT_RETRY_POLICY;
        return { execution_mode: "automation", retry_policy: policy, steps: number(automation.steps.map((action) => ({ action, policy }))) };
      }
      const ticket: Action = { name: "manual_fulfilment", type: "JiraTicket", template: manual?.template ?? {} };
      return { execution_mode: "manual", retry_policy: DEFAULT_RETRY_POLICY, steps: number([{ action: ticket, policy: DEFAULT_RETRY_POLICY }]) };
    }
  }
}

/** The items a bundle request fulfils: every required item and the optional ones enabled, at the bundle's versions. */
export function bundleItems(
  definition: Extract<AnyDefinition, { kind: "CatalogBundle" }>,
  catalog: Catalog,
  selections: readonly BundleSelection[] = [],
): Array<Extract<AnyDefinition, { kind: "CatalogItem" }>> {
  const entries = [
    ...definition.body.bundle.required_items.map((e) => ({ ...e, enabled: true })),
    ...definition.body.bundle.optional_items.map((e) => ({
      ...e,
      enabled: selections.find((s) => s.catalog_item === e.catalog_item)?.enabled ?? e.default_enabled,
    })),
  ].filter((e) => e.enabled);
  return entries.map((e) => resolveItem(catalog, e.catalog_item, e.version)).filter((item) => item !== undefined);
}

function number(planned: ReadonlyArray<{ action: Action; policy: RetryPolicy; item?: string }>): PlannedStep[] {
  const idOf = new Map<string, string>();
  const key = (item: string | undefined, name: string) => `${item ?? ""}\0${name}`;
  planned.forEach((p, i) => idOf.set(key(p.item, p.action.name), stepId(i + 1)));
  return planned.map((p, i) => ({
    step_id: stepId(i + 1),
    name: p.item ? `${p.item}.${p.action.name}` : p.action.name,
    type: p.action.type,
    depends_on: (p.action.depends_on ?? []).map((d) => idOf.get(key(p.item, d))).filter((d): d is string => d !== undefined),
    action: p.action,
    ...(p.item ? { item: p.item } : {}),
    retry_policy: p.action.retry_policy ?? p.policy,
  }));
}

export function stepId(n: number): string {
  return `step-${String(n).padStart(3, "0")}`;
}

