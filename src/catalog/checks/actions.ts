/**
 * The actions (or update steps) of one definition: unique names, templates that fit their type and read declared
 * fields only, and `depends_on` edges that name existing actions without a cycle.
 */
import type { z } from "zod";
import type { PathSegment } from "../../yaml/load.js";
import { ACTION_TYPES } from "../action-types.js";
import type { Action } from "../schema.js";
import { suggestion, valueAt, where } from "../../schema-diagnostics.js";
import type { Reporter } from "./reporter.js";
import { checkTemplateValue } from "./templates.js";

export function checkActions(actions: readonly Action[], base: readonly PathSegment[], scope: ReadonlySet<string>, r: Reporter): void {
  const index = new Map<string, number>();
  actions.forEach((action, i) => {
    if (index.has(action.name)) {
      r.report("action-duplicate", [...base, i, "name"], `two actions are named '${action.name}'`, { hint: "depends_on and steps refer to actions by name; make them unique" });
    } else index.set(action.name, i);
  });

  actions.forEach((action, i) => {
    const at = [...base, i];
    const shape = ACTION_TYPES[action.type].template.safeParse(action.template ?? {});
    if (!shape.success) {
      for (const issue of (shape.error as z.ZodError).issues) {
        const path = issue.path.filter((p): p is PathSegment => typeof p === "string" || typeof p === "number");
        const target = action.template === undefined ? [...at, "type"] : [...at, "template", ...path];
        const missing = valueAt(action.template ?? {}, path) === undefined;
        const message = missing
          ? `a ${action.type} action needs template.${path.join(".")}`
          : `${action.type} template: ${where(path)}${issue.message.replace(/^Invalid input: /, "")}`;
        r.report("action-template-invalid", target, message, {
          hint: action.type === "GitHubWorkflow" ? "give template.workflow (a file in .github/workflows) and template.inputs" : undefined,
        });
      }
    }
    if (action.template !== undefined) checkTemplateValue(action.template, [...at, "template"], scope, r);
    (action.depends_on ?? []).forEach((dep, j) => {
      if (!index.has(dep)) {
        const guess = suggestion(dep, [...index.keys()]);
        r.report("depends-on-unknown", [...at, "depends_on", j], `'${action.name}' depends on '${dep}', which is not an action here`, {
          hint: guess ? `did you mean '${guess}'?` : `actions: ${[...index.keys()].join(", ")}`,
        });
      } else if (dep === action.name) {
        r.report("depends-on-cycle", [...at, "depends_on", j], `'${action.name}' depends on itself`);
      }
    });
  });

  const cycle = findCycle(actions, index);
  if (cycle) {
    const first = index.get(cycle[0]!)!;
    r.report("depends-on-cycle", [...base, first, "depends_on"], `actions depend on each other in a cycle: ${cycle.join(" -> ")}`, {
      hint: "remove one of the depends_on entries so that the actions can run in some order",
    });
  }
}

/** A cycle of two or more actions as a list of names (first repeated last), or null. */
function findCycle(actions: readonly Action[], index: ReadonlyMap<string, number>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    const s = state.get(name);
    if (s === "done") return null;
    if (s === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    const action = actions[index.get(name)!]!;
    for (const dep of action.depends_on ?? []) {
      if (dep === name || !index.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return null;
  };
  for (const name of index.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return null;
}
