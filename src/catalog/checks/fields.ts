/**
 * Consistency of a definition's fields: each property applies to the field's type, bounds are ordered, defaults and
 * conditional values are values the field accepts, conditionals name a field, and regular expressions are safe.
 */
import type { PathSegment } from "../../yaml/load.js";
import { COMMON_FIELD_PROPERTIES, FIELD_TYPES, type ValidationProperty } from "../field-types.js";
import { checkRegexp } from "../regexp-safety.js";
import type { Field } from "../schema.js";
import { suggestion } from "../../schema-diagnostics.js";
import type { Reporter } from "./reporter.js";

const VALIDATION_PROPERTIES: readonly ValidationProperty[] = ["min_length", "max_length", "regexp", "min_value", "max_value", "oneof"];

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/** `positions` are the fields' indexes in the file, when `fields` are some of them (the well-formed ones). */
export function checkFields(fields: readonly Field[], base: readonly PathSegment[], r: Reporter, positions?: readonly number[]): void {
  const byName = new Map<string, Field>();
  fields.forEach((field, i) => {
    const at = [...base, positions?.[i] ?? i];
    if (byName.has(field.name)) {
      r.report("field-duplicate", [...at, "name"], `two fields are named '${field.name}'`, { hint: "give each field a name of its own" });
    } else byName.set(field.name, field);
  });

  fields.forEach((field, i) => {
    const at = [...base, positions?.[i] ?? i];
    const spec = FIELD_TYPES[field.type];
    for (const property of VALIDATION_PROPERTIES) {
      if (field[property] !== undefined && !spec.properties.includes(property)) {
        r.report("field-property-not-applicable", [...at, property], `${property} does not apply to a field of type ${field.type}`, {
          key: true,
          hint:
            spec.properties.length > 0
              ? `${article(field.type)} field takes ${spec.properties.join(", ")}`
              : `${article(field.type)} field takes only ${COMMON_FIELD_PROPERTIES.join(", ")}`,
        });
      }
    }
    if (field.min_length !== undefined && field.max_length !== undefined && field.min_length > field.max_length) {
      r.report("field-min-greater-than-max", [...at, "min_length"], `min_length ${field.min_length} is greater than max_length ${field.max_length}`);
    }
    if (field.min_value !== undefined && field.max_value !== undefined && field.min_value > field.max_value) {
      r.report("field-min-greater-than-max", [...at, "min_value"], `min_value ${field.min_value} is greater than max_value ${field.max_value}`);
    }
    if (field.type === "percentage") {
      for (const p of ["min_value", "max_value"] as const) {
        const v = field[p];
        if (v !== undefined && (v < 0 || v > 100)) r.report("schema-invalid-value", [...at, p], `a percentage's ${p} must lie between 0 and 100, got ${v}`);
      }
    }
    if ((field.type === "selection" || field.type === "multiselect") && (field.oneof === undefined || field.oneof.length === 0)) {
      r.report("field-oneof-empty", field.oneof === undefined ? at : [...at, "oneof"], `the ${field.type} field '${field.name}' offers no choices`, {
        hint: "list the choices under oneof",
      });
    }
    if (field.oneof !== undefined && new Set(field.oneof).size !== field.oneof.length) {
      r.report("schema-invalid-value", [...at, "oneof"], `oneof lists the same choice twice`);
    }

    let patternUsable = true;
    if (field.regexp !== undefined && spec.properties.includes("regexp")) {
      const verdict = checkRegexp(field.regexp);
      if (!verdict.ok) {
        patternUsable = false;
        r.report(verdict.code, [...at, "regexp"], `regexp ${verdict.reason}`, { hint: verdict.hint });
      } else if (verdict.slow) {
        r.report("regexp-slow", [...at, "regexp"], `regexp ${verdict.slow}`, { severity: "warning" });
      }
    } else if (field.regexp !== undefined) {
      patternUsable = false;
    }

    if (field.default !== undefined) {
      const why = spec.reject(field, field.default, patternUsable);
      if (why !== null) r.report("field-default-invalid", [...at, "default"], `the default of '${field.name}' is invalid: ${why}`);
    }
    if (field.readonly && field.required && field.default === undefined) {
      r.report("field-readonly-without-default", [...at, "readonly"], `'${field.name}' is required and read-only but has no default, so no request could fill it`, {
        key: true,
        hint: "give it a default, or drop readonly",
      });
    }

    if (field.conditional) {
      const target = byName.get(field.conditional.field);
      if (!target || target === field) {
        const guess = suggestion(field.conditional.field, [...byName.keys()].filter((n) => n !== field.name));
        r.report(
          "field-conditional-unknown",
          [...at, "conditional", "field"],
          target === field ? `'${field.name}' cannot be conditional on itself` : `conditional names '${field.conditional.field}', which is not a field here`,
          { hint: guess ? `did you mean '${guess}'?` : "name another field of this definition" },
        );
      } else {
        const why = FIELD_TYPES[target.type].reject(target, field.conditional.value, false);
        if (why !== null) {
          r.report("field-conditional-value-invalid", [...at, "conditional", "value"], `'${target.name}' can never hold this value: ${why}`, {
            hint: `a conditional value has the type of the field it names (${target.type})`,
          });
        }
      }
    }
  });
}
