/**
 * What a pull request's request files amount to, each on its own: the request id it gets, what validation found,
 * the plan that would fulfil it and the approval it needs. Pure; the state machine (decide.ts) and the texts of the
 * check and the comment are made from it.
 */
import type { Catalog } from "../catalog/model.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { requestId } from "../requests/request-id.js";
import type { SourceFile } from "../catalog/load.js";
import type { TargetRecord } from "../requests/targets.js";
import { requestTargets, validateRequestFile, type RequestValidation, type ValidatedRequest } from "../requests/validate.js";
import { approvalNeed, type ApprovalNeed } from "./approval.js";
import { planRequest, type Plan } from "./plan.js";
import { previewSteps, type StepPreview } from "./preview.js";

export interface RequestFileInput {
  path: string;
  /** The file's git blob sha: what an approval is given for and a fulfilment is made from. */
  sha: string;
  text: string;
}

export interface RequestAssessment {
  path: string;
  sha: string;
  requestId: string;
  validation: RequestValidation;
  /** Present when validation found no error; `steps` are the plan's steps with what each would be sent. */
  valid: { request: ValidatedRequest; plan: Plan; steps: StepPreview[]; need: ApprovalNeed | null } | null;
}

export interface AssessContext {
  /** owner/name. */
  repository: string;
  pullRequest: number;
  /** The pull request's author, who is the requester. */
  author: string;
  /** Request files on the default branch, for update targets. */
  defaultBranchRequests: readonly string[];
  /**
   * Where updates find their targets (requestTargets over the default branch's request files and status records).
   * The pull request's own files are added here; without it, targets are looked up among those files alone.
   */
  targets?: { files: readonly SourceFile[]; records?: ReadonlyMap<string, TargetRecord> };
}

export function assessRequestFiles(catalog: Catalog, files: readonly RequestFileInput[], context: AssessContext): RequestAssessment[] {
  const known = new Set([...context.defaultBranchRequests, ...files.map((f) => f.path)]);
  // The pull request's version of a file is the one its updates target.
  const changed = new Set(files.map((f) => f.path));
  const targetFiles = [...(context.targets?.files ?? []).filter((f) => !changed.has(f.path)), ...files];
  const targets = requestTargets(catalog, targetFiles, context.targets?.records);
  return files.map((file) => {
    const validation = validateRequestFile(file, catalog, { knownRequestPaths: known, author: context.author, targets });
    const request = validation.request;
    const id = requestId(context.repository, file.path, context.pullRequest);
    if (!request || hasErrors(validation.diagnostics)) return { path: file.path, sha: file.sha, requestId: id, validation, valid: null };
    const plan = planRequest(request.definition, catalog, request.selections);
    const steps = previewSteps(request, catalog, plan);
    // A payload that cannot be rendered (or is too large to dispatch) would fail at fulfilment: say so now.
    const unsendable = steps.flatMap((s): Diagnostic[] =>
      s.problem
        ? [
            {
              code: "request-payload-invalid",
              severity: "error",
              file: file.path,
              line: 1,
              column: 1,
              message: `${s.step_id} (${s.name}) cannot be sent: ${s.problem.message}`,
              hint: s.problem.code === "payload-too-large" ? "make the parameter values shorter" : "ask the catalog's owners: the item's template does not render with these parameters",
            },
          ]
        : [],
    );
    if (unsendable.length > 0) {
      return { path: file.path, sha: file.sha, requestId: id, validation: { ...validation, diagnostics: [...validation.diagnostics, ...unsendable] }, valid: null };
    }
    const valid = {
      request,
      plan,
      steps,
      need: approvalNeed(request.definition, catalog, request.selections),
    };
    return { path: file.path, sha: file.sha, requestId: id, validation, valid };
  });
}
