/**
 * The texts pao writes into a pull request, as Handlebars templates kept apart from the code that fills them. They
 * live in a TypeScript module so `tsc` carries them to dist/ with the rest. Every value a user can influence goes
 * through `text`, `code`, `cell` or `json` (see markdown.ts); the golden files under test/app/golden show what each
 * renders to, and change with them.
 */

/** Notes the check can carry, by kind. */
export const CHECK_NOTES = {
  "catalog-changed":
    "This pull request also changes the catalog. Requests are validated against the catalog on the default branch, not against these changes.",
  fork: "This pull request comes from a fork: it is validated, but pao never fulfils requests from forks.",
  "other-base": "This pull request does not merge into the default branch: it is validated, but pao fulfils only requests on their way into the default branch.",
  draft: "This pull request is a draft: its requests are validated and recorded, and fulfilment starts once it is marked ready for review.",
} as const;

/**
 * The approval of one request, read inside \`{{#with approval}}\` (render/approval.ts, ApprovalContext); the check
 * and the comment both show it.
 */
const APPROVAL_BLOCK = `{{#if approved}}
✅ Approved by {{code approvedBy}} on the current request content.
{{else}}
⏳ Waiting for approval: {{reason}}. Missing: an approving review of the current request content by someone other than {{code requester}}, with write permission{{#each teamGroups}}{{#if @first}}, in {{else}} and in {{/if}}{{#each this}}{{code this}}{{#unless @last}} or {{/unless}}{{/each}}{{/each}}. A later change to the request file voids it.
{{#if notCounted.length}}

{{#each notCounted}}
- The approval by {{code user}} does not count: {{text why}}.
{{/each}}
{{/if}}
{{/if}}`;

/** The problems of one file (ProblemView, listedProblems), as the check and the comment both list them. */
const PROBLEM_LIST = `{{#each problems}}
- {{code at}} {{#if warning}}(warning) {{/if}}{{text message}}{{#if hint}}; {{text hint}}{{/if}} ({{code code}})
{{/each}}
{{#if moreProblems}}
- … and {{plural moreProblems "more problem"}}, annotated in the check.
{{/if}}`;

/** A started request's steps (ProgressView, render/progress.ts), as the check and the comment both show them. */
const PROGRESS_TABLE = `| Step | Name | Status | Attempt | Run | Result |
|---|---|---|---|---|---|
{{#each steps}}
| {{cell id}} | {{cell name}} | {{icon}} {{status}} | {{attempt}} | {{#if runUrl}}{{link "run" runUrl}}{{else}}—{{/if}} | {{#if result}}{{cell result}}{{else}}—{{/if}}{{#if nextAttemptAt}} (retry at {{cell nextAttemptAt}}){{/if}} |
{{/each}}`;

/** How a started request stands, in one sentence (ProgressView). */
const PROGRESS_LINE = `{{#if completed}}✅ Fulfilled: {{plural total "step"}} completed.{{else if failed}}❌ Fulfilment failed at {{code failedStep.id}} {{code failedStep.name}}; {{done}} of {{plural total "step"}} completed. Comment {{code failedStep.retry}} or \`/resume\` to go on.{{else if aborted}}🚫 Aborted; {{done}} of {{plural total "step"}} had completed.{{else}}🔄 Fulfilling: {{done}} of {{plural total "step"}} completed.{{/if}}`;

/** The check run's title: one line. */
export const CHECK_TITLE = `{{#if noFiles}}No request files{{else if valid}}{{#if waitingCount}}{{plural waitingCount "request waits" "requests wait"}} for approval{{else if failedCount}}Fulfilment of {{plural failedCount "request"}} failed{{else if runningCount}}Fulfilling {{plural runningCount "request"}}: {{doneSteps}} of {{plural totalSteps "step"}} completed{{else if fulfilledCount}}{{plural fulfilledCount "request"}} fulfilled{{else if abortedCount}}{{plural abortedCount "request"}} aborted{{else}}{{plural fileCount "valid request"}}{{/if}}{{else}}{{plural errorCount "error"}} to fix{{/if}}`;

/** The check run's summary: the verdict per file, what to fix (the annotations carry the detail), then notes. */
export const CHECK_SUMMARY = `{{#if noFiles}}
This pull request adds or changes no file under \`requests/\`, so there is nothing to order.
{{else if valid}}
{{#each files}}
- {{code path}}{{#if orders}} orders {{code orders}}{{/if}}: valid{{#if warnings}}, {{plural warnings "warning"}}{{/if}}{{#if approval}}{{#if approval.approved}}, approved{{else}}, waits for approval{{/if}}{{/if}}{{#if progress}}{{#with progress}}{{#if completed}}, fulfilled{{else if failed}}, fulfilment failed{{else if aborted}}, aborted{{else}}, being fulfilled ({{done}} of {{plural total "step"}} completed){{/if}}{{/with}}{{/if}}
{{/each}}
{{else}}
{{plural errorCount "error"}} to fix in {{plural failingCount "request file"}}. Each one is annotated on its line of the request file; fix them and push again.

{{#each files}}
- {{code path}}{{#if orders}} orders {{code orders}}{{/if}}: {{#if valid}}valid{{else}}{{plural errors "error"}}{{/if}}{{#if warnings}}, {{plural warnings "warning"}}{{/if}}
{{/each}}
{{/if}}
{{#each files}}
{{#if progress}}

### Fulfilment of {{code path}}

{{#with progress}}
${PROGRESS_LINE}

${PROGRESS_TABLE}
{{/with}}
{{/if}}
{{#if approval}}
{{#if valid}}

### Approval of {{code path}}

{{#with approval}}
${APPROVAL_BLOCK}
{{/with}}
{{/if}}
{{/if}}
{{#if problems.length}}

### {{#if valid}}Warnings in{{else}}What to fix in{{/if}} {{code path}}

${PROBLEM_LIST}
{{/if}}
{{/each}}
{{#if annotationsCut}}

Only the first {{plural annotationLimit "problem"}} are annotated on their lines; fix those and push to see the rest.
{{/if}}
{{#if notes.length}}

**Notes**

{{#each notes}}
- {{text this}}
{{/each}}
{{/if}}
`;


/** The hidden first line by which pao finds its own comment to edit in place. */
export const STICKY_MARKER = "<!-- pao:sticky -->";

/** The sticky comment: per request file, the request, its parameters, its plan, approval and the verdict. */
export const REQUEST_COMMENT = `${STICKY_MARKER}
## pao: {{plural requestCount "request"}}
{{#if fromFork}}

> [!WARNING]
> This pull request comes from a fork. pao validates its requests but never fulfils them: to order, open the pull request from a branch of this repository.
{{/if}}
{{#if draft}}

> [!NOTE]
> ${CHECK_NOTES.draft}
{{/if}}
{{#if otherBase}}

> [!WARNING]
> This pull request does not merge into the default branch. pao validates its requests but fulfils only requests on their way into the default branch: change its base branch to order.
{{/if}}
{{#if catalogChanged}}

> [!NOTE]
> ${CHECK_NOTES["catalog-changed"]}
{{/if}}
{{#each requests}}

### {{icon}} {{code file}}

{{#if request}}
{{#with request}}
| Request | |
|---|---|
| Orders | {{kindLabel}} {{cell name}} |
| Version | {{cell requestedVersion}} → {{cell resolvedVersion}} |
{{#if target}}
| Target | {{cell target}} |
{{/if}}
| Requester | {{cell ../requester}} |
{{#if requestId}}
| Request id | {{cell requestId}} |
{{/if}}
{{#if ../status}}
| Status | {{cell ../status}} |
{{/if}}
{{/with}}
{{else}}
pao could not read what this file orders; see the problems below.
{{/if}}
{{#if parameters.length}}

#### Parameters

| Parameter | Value | From |
|---|---|---|
{{#each parameters}}
| {{cell name}} | {{json value}} | {{#if defaulted}}default{{else}}request{{/if}} |
{{/each}}
{{#if moreParameters}}
| … | {{plural moreParameters "more parameter"}} | |
{{/if}}
{{/if}}

#### Plan
{{#if plan}}
{{#with plan}}

{{plural stepCount "step"}}, {{executionMode}}{{#if ../awaitingApproval}}, once approved{{/if}}.

| Step | Name | Type | Depends on | Runs |
|---|---|---|---|---|
{{#each steps}}
| {{cell id}} | {{cell name}} | {{cell type}} | {{#each dependsOn}}{{cell this}}{{#unless @last}}, {{/unless}}{{else}}—{{/each}} | {{#if executor}}workflow {{cell executor}}{{else}}GitHub issue for the owner team{{/if}} |
{{/each}}
{{#if shownPayloads}}

<details><summary>What each step is sent</summary>

{{#each steps}}
{{#if sent}}
{{code id}} {{code name}}:

{{jsonBlock sent.payload}}

{{/if}}
{{#if problem}}
{{code id}} {{code name}}: ⚠️ {{text problem}}

{{/if}}
{{/each}}
</details>
{{/if}}
{{/with}}
{{else}}

No plan until the request is valid.
{{/if}}
{{#if progress}}

#### Fulfilment

{{#with progress}}
{{#if live}}
🔄 Fulfilling {{plural total "step"}}: follow each one in the \`pao\` check of this pull request (status, attempt, run). This comment shows the outcome when fulfilment ends.
{{else}}
${PROGRESS_LINE}

${PROGRESS_TABLE}
{{/if}}
{{#if merge}}

{{#if merge.merged}}🔀 pao merged this pull request.{{else}}⚠️ pao did not merge this pull request: {{text merge.message}}. A person merges it.{{/if}}
{{/if}}
{{/with}}
{{/if}}
{{#if statusReason}}

> [!NOTE]
> {{text statusReason}}
{{/if}}
{{#if approval}}
{{#with approval}}

#### Approval

${APPROVAL_BLOCK}
{{/with}}
{{/if}}

#### Validation

{{#if valid}}
✅ Valid{{#if warnings}}, with {{plural warnings "warning"}}{{/if}}.
{{else}}
❌ {{plural errors "error"}} to fix. Each one is annotated on its line in the \`pao\` check.
{{/if}}
{{#if problems.length}}

${PROBLEM_LIST}
{{/if}}
{{/each}}
{{#if withdrawn.length}}

### Taken out of this pull request

| Request file | Request id | Status |
|---|---|---|
{{#each withdrawn}}
| {{cell file}} | {{cell requestId}} | {{cell status}} |
{{/each}}
{{/if}}

---
<sub>Commands, one per line in a new comment: \`/status\` · \`/help\` · \`/retry step-NNN\` · \`/resume [step-NNN]\` · \`/abort [reason]\`. The requester and anyone with write permission may run them.</sub>
`;

/** The `/help` reply: the command table (src/commands/table.ts), rendered. */
export const HELP_REPLY = `{{#if intro}}{{text intro}}

{{/if}}
| Command | What it does | Example |
|---|---|---|
{{#each commands}}
| {{cell usage}} | {{text help}} | {{#each examples}}{{cell this}}{{#unless @last}}, {{/unless}}{{/each}} |
{{/each}}

One command a line, at the start of the line, in a new comment on this pull request. The requester and anyone with write permission on the repository may run them.`;

/**
 * A refused command's reply: what was refused, why, and what would work. Nothing the commenter wrote is quoted: the
 * command is named from the table, the step from its validated id.
 */
export const REFUSAL_REPLY = `{{#if leftOut}}pao ran the first {{maxCommands}} commands of this comment and not the {{leftOut}} after them; write those in a new comment.{{else}}{{#if command}}pao did not run {{code command}}{{#if step}} for {{code step}}{{/if}}: {{else}}pao did not understand a command: {{/if}}{{#if notAllowed}}only the requester ({{code requester}}) and people with write permission on the repository may run it{{#if lookupFailed}}, and GitHub did not say in time whether you have that permission; try again in a minute{{/if}}.{{/if}}{{#if wrongRequestStatus}}the request is {{code requestStatus}}; it applies to requests that are {{#each allowedStatuses}}{{code this}}{{#unless @last}}, {{/unless}}{{/each}}.{{/if}}{{#if wrongStepStatus}}{{code step}} is {{code stepStatus}}; it applies to steps that are {{#each allowedStepStatuses}}{{code this}}{{#unless @last}}, {{/unless}}{{/each}}.{{/if}}{{#if noSuchStep}}this request has no step {{code step}}; its steps are {{#each steps}}{{code this}}{{#unless @last}}, {{/unless}}{{/each}}.{{/if}}{{#if badArguments}}write it as {{code usage}}.{{/if}}{{#if unknown}}no command has that name{{#if nearest}}; did you mean {{code nearest}}?{{else}}.{{/if}}{{/if}}{{/if}}
{{#if showHelp}}

${HELP_REPLY}
{{/if}}`;
