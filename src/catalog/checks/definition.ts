/**
 * Everything that can be checked about one definition by looking at its own file: fields, actions, templates.
 * The results depend on the file alone, so the loader caches them by content.
 */
import type { AnyDefinition } from "../model.js";
import { checkActions } from "./actions.js";
import { checkFields } from "./fields.js";
import type { Reporter } from "./reporter.js";
import { checkTemplateValue } from "./templates.js";

export function checkDefinition(def: AnyDefinition, r: Reporter): void {
  switch (def.kind) {
    case "CatalogItem": {
      const fields = def.body.presentation.fields;
      checkFields(fields, ["presentation", "fields"], r);
      const scope = new Set(fields.map((f) => f.name));
      checkActions(def.body.fulfillment.actions, ["fulfillment", "actions"], scope, r);
      if (def.body.fulfillment.actions.length === 0) {
        r.report("no-actions", ["fulfillment", "actions"], "this item has no actions, so a request for it completes without doing anything", {
          severity: "warning",
          hint: "add an action; a JiraTicket action hands the work to the owner team",
        });
      }
      return;
    }
    case "CatalogBundle": {
      const fields = def.body.presentation.bundle_fields;
      checkFields(fields, ["presentation", "bundle_fields"], r);
      const scope = new Set(fields.map((f) => f.name));
      for (const group of ["required_items", "optional_items"] as const) {
        def.body.bundle[group].forEach((entry, i) => {
          if (entry.parameters) checkTemplateValue(entry.parameters, ["bundle", group, i, "parameters"], scope, r);
        });
      }
      if (def.body.bundle.required_items.length + def.body.bundle.optional_items.length === 0) {
        r.report("no-actions", ["bundle"], "this bundle lists no items", { severity: "warning" });
      }
      return;
    }
    case "UpdateItem":
    case "UpdateOperation": {
      const fields = def.body.presentation.fields;
      checkFields(fields, ["presentation", "fields"], r);
      // An update's templates may also read the parameters it requires of the request it updates.
      const scope = new Set([
        ...fields.map((f) => f.name),
        ...def.body.targets.catalog_items.flatMap((t) => t.required_parameters ?? []),
      ]);
      const automation = def.body.fulfillment.automation;
      if (automation) checkActions(automation.steps, ["fulfillment", "automation", "steps"], scope, r);
      const manual = def.body.fulfillment.manual;
      if (manual) checkTemplateValue(manual.template, ["fulfillment", "manual", "template"], scope, r);
      return;
    }
  }
}
