/**
 * `.github/pao.yml`: the repository's own settings, read from the default branch. Optional; every setting has a
 * default, so a repository without the file behaves as DESIGN.md describes.
 */
import { z } from "zod";
import { ACTION_TYPE_NAMES, ACTION_TYPES, WORKFLOW_FILE, type ActionType } from "./action-types.js";
import type { Action } from "./schema.js";

export const RepoConfigSchema = z.strictObject({
  executors: z
    .partialRecord(z.enum(ACTION_TYPE_NAMES), z.string().regex(WORKFLOW_FILE, "name a workflow file such as pao-terraform.yml"))
    .default({})
    .describe("Which workflow in .github/workflows runs each action type"),
  status_branch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, "a branch name")
    .default("pao-status")
    .describe("The branch the app commits status records to"),
  parallel_limit: z.int().min(1).max(50).default(4).describe("Steps of one request running at a time, unless its definition says"),
  merge: z
    .strictObject({
      enabled: z.boolean().default(true),
      method: z.enum(["merge", "squash", "rebase"]).default("squash"),
    })
    .default({ enabled: true, method: "squash" })
    .describe("Whether pao merges a pull request once all its requests are completed, and how"),
});
export type RepoConfig = z.infer<typeof RepoConfigSchema>;

export const DEFAULT_CONFIG: RepoConfig = RepoConfigSchema.parse({});

/** The workflow file that fulfils an action, or null when pao fulfils it itself (a GitHub issue for manual work). */
export function executorWorkflow(action: Pick<Action, "type" | "template">, config: RepoConfig): string | null {
  const configured = config.executors[action.type as ActionType];
  if (configured !== undefined) return configured;
  const fallback = ACTION_TYPES[action.type].defaultExecutor;
  if (fallback === "template") {
    const workflow = action.template?.["workflow"];
    return typeof workflow === "string" ? workflow : null;
  }
  return fallback;
}
