/**
 * Templates may read only the names a definition declares and call only the helpers pao provides. Every string
 * value under a template is checked; strings without `{{` are literals.
 */
import { suggestion } from "../../schema-diagnostics.js";
import { inspectTemplate, isTemplate } from "../../templates/inspect.js";
import type { PathSegment } from "../../yaml/load.js";
import type { Reporter } from "./reporter.js";

export function checkTemplateValue(value: unknown, path: PathSegment[], scope: ReadonlySet<string>, r: Reporter): void {
  if (typeof value === "string") {
    if (isTemplate(value)) checkTemplate(value, path, scope, r);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkTemplateValue(item, [...path, i], scope, r));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) checkTemplateValue(item, [...path, key], scope, r);
  }
}

function checkTemplate(source: string, path: PathSegment[], scope: ReadonlySet<string>, r: Reporter): void {
  const report = inspectTemplate(source);
  if (report.error) {
    r.report("template-invalid", path, `template does not parse: ${report.error.message}`, {
      hint: "check that every {{ has its }} and every {{#block}} its {{/block}}",
    });
    return;
  }
  for (const feature of new Set(report.notAllowed)) {
    r.report("template-not-allowed", path, `templates may not use ${feature}`, { hint: "use the fields and helpers only" });
  }
  for (const helper of report.unknownHelpers) {
    r.report("template-unknown-helper", path, `template calls '${helper}', which is not a helper pao provides`, {
      hint: "helpers: if, unless, each, with, lookup, json, default, lower, upper, join, eq",
    });
  }
  for (const field of report.fields) {
    if (!scope.has(field)) {
      const guess = suggestion(field, [...scope]);
      r.report("template-unknown-field", path, `template reads '${field}', which is not a field of this definition`, {
        hint: guess ? `did you mean '${guess}'?` : scope.size > 0 ? `fields: ${[...scope].join(", ")}` : "declare it under presentation.fields",
      });
    }
  }
}
