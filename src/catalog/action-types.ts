/**
 * The five fulfilment action types, declared once: what their template must hold and which executor workflow runs
 * them by default (`.github/pao.yml` may map a type to another workflow). Validation, planning and dispatch all
 * read this table.
 */
import { z } from "zod";

export const ACTION_TYPE_NAMES = ["TerraformFile", "GitHubWorkflow", "HttpPost", "HttpPut", "JiraTicket"] as const;
export type ActionType = (typeof ACTION_TYPE_NAMES)[number];

export const WORKFLOW_FILE = /^[A-Za-z0-9._-]+\.ya?ml$/;

interface ActionTypeSpec {
  summary: string;
  /**
   * The workflow that runs it unless `.github/pao.yml` says otherwise: a file name, `"template"` when the template
   * names its own workflow, or null when pao fulfils it without a workflow (a GitHub issue for manual work).
   */
  defaultExecutor: string | "template" | null;
  template: z.ZodType;
  /** Values the payload carries unless the template sets them, so one executor can serve several types. */
  payloadDefaults?: Record<string, string>;
}

const templateObject = (shape: z.ZodRawShape) => z.looseObject(shape);

export const ACTION_TYPES: Record<ActionType, ActionTypeSpec> = {
  TerraformFile: {
    summary: "applies a Terraform module with the rendered variables",
    defaultExecutor: "pao-terraform.yml",
    template: templateObject({}),
  },
  GitHubWorkflow: {
    summary: "dispatches a workflow of this repository with the rendered inputs",
    defaultExecutor: "template",
    template: z.strictObject({
      workflow: z.string().regex(WORKFLOW_FILE, "name a workflow file in .github/workflows, such as deploy.yml"),
      inputs: z.record(z.string(), z.unknown()).optional(),
    }),
  },
  HttpPost: {
    summary: "sends an HTTP POST with the rendered body",
    defaultExecutor: "pao-http.yml",
    template: templateObject({ url: z.string().min(1) }),
    payloadDefaults: { method: "POST" },
  },
  HttpPut: {
    summary: "sends an HTTP PUT with the rendered body",
    defaultExecutor: "pao-http.yml",
    template: templateObject({ url: z.string().min(1) }),
    payloadDefaults: { method: "PUT" },
  },
  JiraTicket: {
    summary: "opens a ticket for the owner team to do the work by hand",
    defaultExecutor: null,
    template: templateObject({}),
  },
};
