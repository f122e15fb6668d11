/**
 * Golden tests of the texts pao writes into a pull request: each scenario is rendered and compared byte for byte with
 * test/app/golden/<scenario>.md, so any change to a template (src/app/render/templates.ts) or to what fills it fails
 * here until the golden file is updated on purpose.
 *
 * To accept a change, render the files again and review the diff before committing them:
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/app
 *
 * Without UPDATE_GOLDEN a missing golden file fails the test; it is never created silently.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics.js";
import { CHECK_NAME, checkNote, MAX_ANNOTATIONS, validationCheck } from "../../src/app/render/check-run.js";
import { MAX_SHOWN_PARAMETERS, renderRequestComment, STICKY_MARKER, type RequestFileView } from "../../src/app/render/comment.js";
import { codeSpan, compileMarkdown, escapeText, fitGitHubText, GITHUB_TEXT_LIMIT, jsonCell, MAX_CELL_CHARS } from "../../src/app/render/markdown.js";
import { MAX_LISTED_PROBLEMS } from "../../src/app/render/problems.js";
import type { CheckRunContent } from "../../src/github/gateway.js";
import { progressView } from "../../src/app/render/progress.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { COMPLETED, FAILED } from "../helpers/status-fixtures.js";
import type { StatusRecordInput } from "../helpers/git-repo.js";

const GOLDEN = join(import.meta.dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function golden(scenario: string, actual: string): void {
  const file = join(GOLDEN, `${scenario}.md`);
  if (UPDATE) {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run test/app and review it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** A check run as GitHub shows it: the title over the summary. */
const checkText = (check: CheckRunContent) => `# ${check.title}\n\n${check.summary}`;

const diag = (file: string, line: number, code: Diagnostic["code"], message: string, hint?: string, severity: Diagnostic["severity"] = "error"): Diagnostic => ({
  code,
  severity,
  message,
  file,
  line,
  column: 3,
  ...(hint ? { hint } : {}),
});

const CACHE = "requests/product-team/cache.yaml";
const APP = "requests/product-team/web-app.yaml";
const BAD = "requests/product-team/bad-cache.yaml";
const BROKEN = "requests/product-team/broken.yaml";
const WEB_PORTAL = FAILED.request_path!;

/** Status records of started requests, as the engine leaves them: seed 000's examples, started, with the plan frozen. */
const STARTED = "2025-08-16T15:30:30Z";
const WORKFLOWS: Record<string, string> = { HttpPost: "pao-http.yml", TerraformFile: "pao-terraform.yml", GitHubWorkflow: "configure-monitoring.yml" };
const frozen = (input: StatusRecordInput): StatusRecord => {
  const record = StatusRecord.parse(input);
  return { ...record, fulfillment: { ...record.fulfillment, steps: record.fulfillment.steps.map((s) => ({ ...s, workflow: WORKFLOWS[s.type] ?? null })) } };
};
const failedRecord = frozen({ ...FAILED, started_at: STARTED });
const runningRecord = frozen({
  ...FAILED,
  status: "in_progress",
  started_at: STARTED,
  fulfillment: {
    ...FAILED.fulfillment,
    can_resume: false,
    steps: [
      FAILED.fulfillment.steps[0]!,
      // Failed once, a retry due; and a step being run right now.
      { ...FAILED.fulfillment.steps[1]!, status: "pending", attempts: FAILED.fulfillment.steps[1]!.attempts!.slice(0, 1), next_attempt_at: "2025-08-16T15:36:00Z", verification: null },
      {
        ...FAILED.fulfillment.steps[2]!,
        depends_on: ["step-001"],
        status: "running",
        attempts: [{ attempt_number: 1, run_id: 1004, run_url: "https://github.com/acme/pao/actions/runs/1004", started_at: "2025-08-16T15:31:10Z", status: "running" }],
      },
    ],
  },
});
const completedRecord = (merge: StatusRecord["merge"]) => frozen({ ...COMPLETED, started_at: "2025-07-04T14:00:10Z", merge });
const MERGED = completedRecord({ outcome: "merged", sha: "c".repeat(40), at: "2025-07-04T14:20:05Z" });
const MERGE_REFUSED = completedRecord({ outcome: "refused", sha: "c".repeat(40), message: "Required status check \"build\" is expected (405)", at: "2025-07-04T14:20:05Z" });

const checks: Record<string, () => CheckRunContent> = {
  "check-no-files": () => validationCheck([]),
  "check-valid": () =>
    validationCheck([
      { path: APP, diagnostics: [], orders: "eks-container-app 1.2.0" },
      {
        path: CACHE,
        orders: "redis-cache 2.0.1",
        diagnostics: [diag(CACHE, 9, "request-parameter-invalid", "parameter notes is not used by redis-cache 2.0.1", undefined, "warning")],
      },
    ]),
  "check-errors": () =>
    validationCheck([
      { path: APP, diagnostics: [], orders: "eks-container-app 1.2.0" },
      {
        path: BAD,
        orders: "redis-cache 2.0.1",
        diagnostics: [
          diag(BAD, 7, "request-requester-mismatch", "requester.user_id is @octocat but the pull request's author is dev-user", "remove requester.user_id, or make it dev-user"),
          diag(BAD, 5, "request-parameter-invalid", "cache_size must be at most 64 (got 512)", "pick a size from 1 to 64"),
        ],
      },
      { path: BROKEN, diagnostics: [diag(BROKEN, 3, "yaml-syntax", "unexpected `:` <in> a plain scalar | here")] },
    ]),
  "check-awaiting-approval": () =>
    validationCheck([
      {
        path: "requests/data-team/orders-db.yaml",
        diagnostics: [],
        orders: "postgres-database 2.1.0",
        approval: {
          reason: "item",
          teamGroups: [["acme/platform-data-team"], ["acme/security"]],
          approvedBy: null,
          requester: "dev-user",
          notCounted: [
            { user: "dev-user", why: "requester" },
            { user: "reader", why: "no-write" },
            { user: "outsider", why: "not-in-team" },
            { user: "platform-lead", why: "older-content" },
            { user: "flaky", why: "lookup-failed" },
          ],
        },
      },
      {
        path: "requests/data-team/orders-db-upgrade.yaml",
        diagnostics: [],
        orders: "postgres-upgrade 1.0.0",
        approval: { reason: "destructive", teamGroups: [], approvedBy: "platform-lead", requester: "dev-user", notCounted: [] },
      },
    ]),
  "check-refused-change": () =>
    validationCheck([
      {
        path: APP,
        orders: "eks-container-app 1.2.0",
        diagnostics: [
          diag(
            APP,
            1,
            "request-changed-after-start",
            "fulfilment of req-0123456789ab has started (status in_progress); this change to the request is not applied",
            "comment /abort on this pull request first, or revert the change to the request file",
          ),
        ],
      },
    ]),
  "check-fulfilling": () =>
    validationCheck([
      { path: WEB_PORTAL, diagnostics: [], orders: "eks-container-app 1.2.0", record: runningRecord },
      { path: APP, diagnostics: [], orders: "eks-container-app 1.2.0" },
    ]),
  "check-fulfilment-failed": () => validationCheck([{ path: WEB_PORTAL, diagnostics: [], orders: "eks-container-app 1.2.0", record: failedRecord }]),
  "check-fulfilled": () => validationCheck([{ path: COMPLETED.request_path!, diagnostics: [], orders: "full-stack-web-app 2.1.0", record: MERGED }]),
  "check-fork-and-catalog-notes": () =>
    validationCheck([{ path: APP, diagnostics: [], orders: "eks-container-app 1.2.0" }], [checkNote("catalog-changed"), checkNote("fork"), checkNote("other-base")]),
};

const webApp: RequestFileView = {
  file: APP,
  requester: "dev-user",
  request: { kind: "CatalogItem", name: "eks-container-app", requestedVersion: "^1.2", resolvedVersion: "1.2.0", requestId: "req-7f3a9c2e", target: null },
  parameters: [
    { name: "app_name", value: "orders-api", defaulted: false },
    { name: "replicas", value: 3, defaulted: false },
    { name: "expose_publicly", value: false, defaulted: true },
    { name: "env", value: { LOG_LEVEL: "info" }, defaulted: false },
  ],
  plan: {
    executionMode: "automation",
    steps: [
      {
        id: "step-001",
        name: "create_namespace",
        type: "TerraformFile",
        dependsOn: [],
        executor: "pao-terraform.yml",
        sent: { payload: { module_source: "./modules/namespace", variables: { name: "orders-api", replicas: 3 } } },
      },
      { id: "step-002", name: "deploy", type: "GitHubWorkflow", dependsOn: ["step-001"], executor: "deploy.yml", sent: { payload: { image: "orders-api:1.0" } } },
      {
        id: "step-003",
        name: "register_dns",
        type: "HttpPost",
        dependsOn: ["step-001", "step-002"],
        executor: "pao-http.yml",
        problem: "the rendered payload is 70000 characters of JSON; executors take at most 65535",
      },
    ],
  },
  approval: null,
  status: "submitted",
  diagnostics: [],
};

/** The comment's view of a started request: its plan and progress both read from its record. */
function startedView(record: StatusRecord, file: string): RequestFileView {
  return {
    file,
    requester: "dev-user",
    request: { kind: record.kind === "catalog_bundle" ? "CatalogBundle" : "CatalogItem", name: record.name, requestedVersion: record.version, resolvedVersion: record.version, requestId: record.request_id, target: null },
    parameters: Object.entries(record.parameters).map(([name, value]) => ({ name, value, defaulted: false })),
    plan: {
      executionMode: "automation",
      steps: record.fulfillment.steps.map((s) => ({ id: s.step_id, name: s.name, type: s.type, dependsOn: s.depends_on, executor: s.workflow ?? null, status: s.status })),
    },
    approval: null,
    status: record.status,
    diagnostics: [],
    progress: progressView(record),
  };
}
const onePull = (request: RequestFileView, draft = false) => renderRequestComment({ fromFork: false, otherBase: false, catalogChanged: false, draft, withdrawn: [], requests: [request] });

const comments: Record<string, () => string> = {
  "comment-item-valid": () => renderRequestComment({ fromFork: false, otherBase: false, catalogChanged: false, requests: [webApp], withdrawn: [] }),
  "comment-bundle": () =>
    renderRequestComment({
      fromFork: false,
      otherBase: false,
      catalogChanged: true,
      withdrawn: [{ file: "requests/product-team/old-starter.yaml", requestId: "req-0a1b2c3d4e5f", status: "cancelled" }],
      requests: [
        {
          file: "requests/product-team/starter.yaml",
          requester: "dev-user",
          request: { kind: "CatalogBundle", name: "service-starter", requestedVersion: "1.0.0", resolvedVersion: "1.0.0", requestId: null, target: null },
          parameters: [{ name: "service_name", value: "billing", defaulted: false }],
          plan: {
            executionMode: "automation",
            steps: [
              { id: "step-001", name: "eks-container-app.create_namespace", type: "TerraformFile", dependsOn: [], executor: "pao-terraform.yml" },
              { id: "step-002", name: "eks-container-app.deploy", type: "GitHubWorkflow", dependsOn: ["step-001"], executor: "deploy.yml" },
              { id: "step-003", name: "redis-cache.provision", type: "TerraformFile", dependsOn: [], executor: "pao-terraform.yml" },
              { id: "step-004", name: "redis-cache.handover", type: "JiraTicket", dependsOn: ["step-003"], executor: null },
            ],
          },
          approval: null,
          status: "in_progress",
          diagnostics: [],
        },
        webApp,
      ],
    }),
  "comment-awaiting-approval": () =>
    renderRequestComment({
      fromFork: false,
      otherBase: false,
      catalogChanged: false,
      withdrawn: [],
      requests: [
        {
          file: "requests/data-team/warehouse.yaml",
          requester: "analyst",
          request: { kind: "CatalogItem", name: "postgres-database", requestedVersion: "3.1.0", resolvedVersion: "3.1.0", requestId: "req-0b1c2d3e", target: null },
          parameters: [{ name: "size", value: "large", defaulted: false }],
          plan: {
            executionMode: "manual",
            steps: [{ id: "step-001", name: "provision_by_hand", type: "JiraTicket", dependsOn: [], executor: null }],
          },
          approval: {
            reason: "item",
            teamGroups: [["acme/dba", "acme/platform-leads"]],
            approvedBy: null,
            requester: "analyst",
            notCounted: [
              { user: "analyst", why: "requester" },
              { user: "@reader", why: "no-write" },
              { user: "dev-lead", why: "older-content" },
            ],
          },
          status: "awaiting_approval",
          diagnostics: [],
        },
        {
          file: "requests/data-team/drop-replica.yaml",
          requester: "analyst",
          request: { kind: "UpdateItem", name: "postgres-database", requestedVersion: "3.1.0", resolvedVersion: "3.1.0", requestId: null, target: "requests/data-team/warehouse.yaml" },
          parameters: [],
          plan: {
            executionMode: "automation",
            steps: [{ id: "step-001", name: "remove_replica", type: "TerraformFile", dependsOn: [], executor: "pao-terraform.yml" }],
          },
          approval: { reason: "destructive", teamGroups: [], approvedBy: "lead-dev", requester: "analyst", notCounted: [{ user: "x", why: "no-write" }] },
          status: "submitted",
          diagnostics: [],
        },
      ],
    }),
  "comment-draft": () => onePull({ ...webApp, status: "submitted" }, true),
  "comment-fulfilling": () => onePull(startedView(runningRecord, WEB_PORTAL)),
  "comment-fulfilment-failed": () => onePull(startedView(failedRecord, WEB_PORTAL)),
  "comment-fulfilled-merged": () => onePull(startedView(MERGED, COMPLETED.request_path!)),
  "comment-fulfilled-merge-refused": () => onePull(startedView(MERGE_REFUSED, COMPLETED.request_path!)),
  "comment-invalid": () =>
    renderRequestComment({
      fromFork: true,
      otherBase: true,
      catalogChanged: false,
      withdrawn: [],
      requests: [
        {
          file: BAD,
          requester: "dev-user",
          request: { kind: "CatalogItem", name: "redis-cache", requestedVersion: "2.0.1", resolvedVersion: "2.0.1", requestId: null, target: null },
          parameters: [{ name: "cache_size", value: 512, defaulted: false }],
          plan: null,
          approval: null,
          status: null,
          diagnostics: [diag(BAD, 5, "request-parameter-invalid", "cache_size must be at most 64 (got 512)", "pick a size from 1 to 64")],
        },
        {
          file: BROKEN,
          requester: "dev-user",
          request: null,
          parameters: [],
          plan: null,
          approval: null,
          status: null,
          diagnostics: [diag(BROKEN, 3, "yaml-syntax", "the file is not valid YAML")],
        },
      ],
    }),
  "comment-hostile-values": () =>
    renderRequestComment({
      fromFork: false,
      otherBase: false,
      catalogChanged: false,
      withdrawn: [],
      requests: [
        {
          ...webApp,
          plan: {
            executionMode: "automation",
            steps: [
              {
                id: "step-001",
                name: "create_namespace",
                type: "TerraformFile",
                dependsOn: [],
                executor: "pao-terraform.yml",
                sent: { payload: { note: "```\n</details><script>alert(1)</script> @everyone ````", big: "z".repeat(3000) } },
              },
            ],
          },
          file: "requests/product-team/<b>x</b>|@everyone`.yaml",
          requester: "@admin",
          parameters: [
            { name: "script", value: "<script>alert(1)</script>", defaulted: false },
            { name: "mention", value: "ping @everyone and @acme/security", defaulted: false },
            { name: "ticks", value: "```\n`rm -rf /`\n```", defaulted: false },
            { name: "template", value: "{{ x }} ${{ secrets.TOKEN }} {{{raw}}}", defaulted: false },
            { name: "pipes|and\nnewlines", value: "a | b || c\n| --- |\nd", defaulted: false },
            { name: "html_entity", value: "&lt; & <!-- -->", defaulted: false },
            { name: "huge", value: "A".repeat(5000), defaulted: false },
          ],
          diagnostics: [diag("requests/product-team/x.yaml", 4, "request-parameter-invalid", "`name` <img src=x> is not allowed, @everyone", "write *plain* [text](http://x)", "warning")],
        },
      ],
    }),
};

describe("check run texts (golden)", () => {
  for (const [scenario, make] of Object.entries(checks)) it(scenario, () => golden(scenario, checkText(make())));

  it("keeps the verdicts the app relies on", () => {
    expect(checks["check-no-files"]!()).toMatchObject({ name: CHECK_NAME, title: "No request files", conclusion: "neutral", annotations: [] });
    expect(validationCheck([{ path: APP, diagnostics: [], orders: "eks-container-app 1.2.0" }])).toMatchObject({ title: "1 valid request", conclusion: "success" });
    expect(checks["check-valid"]!()).toMatchObject({ title: "2 valid requests", conclusion: "success" });
    const failed = checks["check-errors"]!();
    expect(failed).toMatchObject({ title: "3 errors to fix", conclusion: "failure" });
    expect(failed.annotations).toHaveLength(3);
    expect(failed.annotations[1]).toEqual({
      path: BAD,
      start_line: 5,
      end_line: 5,
      annotation_level: "failure",
      title: "request-parameter-invalid",
      message: "cache_size must be at most 64 (got 512)\nhint: pick a size from 1 to 64",
    });
    expect(checks["check-valid"]!().annotations[0]).toMatchObject({ annotation_level: "warning", start_line: 9 });
    // Waiting for approval is neither a pass nor a failure: the check stays in progress.
    const waiting = checks["check-awaiting-approval"]!();
    expect(waiting.title).toBe("1 request waits for approval");
    expect(waiting.conclusion).toBeUndefined();
    expect(checks["check-refused-change"]!()).toMatchObject({ title: "1 error to fix", conclusion: "failure" });
    // Fulfilment in progress keeps the check open; a failed one fails it; a fulfilled one passes it.
    expect(checks["check-fulfilling"]!()).toMatchObject({ title: "Fulfilling 1 request: 1 of 3 steps completed" });
    expect(checks["check-fulfilling"]!().conclusion).toBeUndefined();
    expect(checks["check-fulfilment-failed"]!()).toMatchObject({ title: "Fulfilment of 1 request failed", conclusion: "failure" });
    expect(checks["check-fulfilled"]!()).toMatchObject({ title: "1 request fulfilled", conclusion: "success" });
  });

  it("writes a one-line title", () => {
    for (const make of Object.values(checks)) expect(make().title).not.toMatch(/\n/);
  });
});

describe("the sticky comment (golden)", () => {
  for (const [scenario, make] of Object.entries(comments)) it(scenario, () => golden(scenario, make()));

  it("starts with the hidden marker the app finds it by", () => {
    for (const make of Object.values(comments)) expect(make().split("\n")[0]).toBe(STICKY_MARKER);
  });

  it("lists the commands", () => {
    const text = comments["comment-item-valid"]!();
    for (const command of ["/status", "/help", "/retry step-NNN", "/resume", "/abort"]) expect(text).toContain(command);
  });

  it("keeps hostile values inert and every table row intact", () => {
    const text = comments["comment-hostile-values"]!();
    const outsideCode = text.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, "");
    expect(outsideCode).not.toMatch(/<(script|img|b)\b/i);
    expect(outsideCode).not.toMatch(/@(everyone|admin)/);
    expect(outsideCode).not.toContain("{{");
    // A payload cannot close its code block, nor the collapsed section around it.
    expect(outsideCode.match(/<\/?details>/g)).toEqual(["<details>", "</details>"]);
    // Each table keeps its column count on every row: unescaped pipes per line are constant within a table.
    const pipes = (line: string) => line.replace(/\\\|/g, "").split("|").length;
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!/^\|---/.test(lines[i]!)) continue;
      const columns = pipes(lines[i - 1]!);
      for (let j = i + 1; j < lines.length && lines[j]!.startsWith("|"); j++) expect(pipes(lines[j]!), lines[j]).toBe(columns);
    }
    expect(text).toContain(`(5002 characters)`);
  });
});

describe("golden files", () => {
  it("has one file per scenario and none left over", () => {
    const scenarios = [...Object.keys(checks), ...Object.keys(comments)].map((s) => `${s}.md`).sort();
    expect(readdirSync(GOLDEN).filter((f) => f.endsWith(".md")).sort()).toEqual(scenarios);
  });
});

describe("the Markdown template environment", () => {
  it("throws on a field the view lacks, in a value or a block", () => {
    expect(() => compileMarkdown<object>("{{missing}}")({})).toThrow(/missing/);
    expect(() => compileMarkdown<object>("{{#if missing}}x{{/if}}")({})).toThrow(/undefined/);
    expect(() => compileMarkdown<object>("{{#each missing}}x{{/each}}")({})).toThrow(/undefined/);
    expect(() => compileMarkdown<object>("{{code missing}}")({})).toThrow(/undefined/);
    expect(compileMarkdown<{ a: null }>("{{#if a}}x{{else}}y{{/if}}")({ a: null })).toBe("y");
  });

  it("refuses unknown helpers, raw output and partials when compiling", () => {
    expect(() => compileMarkdown("{{shout name}}")).toThrow(/unknown helper shout/);
    expect(() => compileMarkdown("{{lookup a 'b'}}")).toThrow(/unknown helper lookup/);
    expect(() => compileMarkdown("{{log a}}")).toThrow(/unknown helper log/);
    expect(() => compileMarkdown("{{{name}}}")).toThrow(/unescaped/);
    expect(() => compileMarkdown("{{& name}}")).toThrow(/unescaped/);
    expect(() => compileMarkdown("{{> other}}")).toThrow(/partial/);
  });

  it("escapes a bare value as HTML", () => {
    expect(compileMarkdown<{ v: string }>("{{v}}")({ v: "<b>&" })).toBe("&lt;b&gt;&amp;");
  });

  it("makes prose inert", () => {
    expect(escapeText("hi @everyone <b>*x*</b>\n`y` | z & a@b.c")).toBe("hi @\u200Deveryone &lt;b&gt;\\*x\\*&lt;/b&gt; \\`y\\` \\| z &amp; a@\u200Db.c");
  });

  it("fences code spans past the backticks they hold", () => {
    expect(codeSpan("plain")).toBe("`plain`");
    expect(codeSpan("a `b` c")).toBe("``a `b` c``");
    expect(codeSpan("`x`")).toBe("`` `x` ``");
    expect(codeSpan("a|b")).toBe("`a|b`");
    expect(codeSpan("a\\|b", true)).toBe('`"a\\\\\\u007cb"`');
    expect(codeSpan("a\nb")).toBe("`a⏎b`");
    expect(jsonCell("a|b\nc")).toBe('`"a\\u007cb\\nc"`');
    expect(jsonCell("x".repeat(MAX_CELL_CHARS * 2))).toMatch(/…` \(202 characters\)$/);
  });
});

describe("texts within GitHub's limits", () => {
  const many = (n: number, file = BAD) => Array.from({ length: n }, (_, i) => diag(file, i + 1, "request-parameter-invalid", `unknown parameter 'p${i}' ${"x".repeat(120)}`, "remove it"));

  it("lists the first problems of a file and counts the rest, and annotates at most a hundred", () => {
    const check = validationCheck([{ path: BAD, diagnostics: many(700) }]);
    expect(check.summary.length).toBeLessThanOrEqual(GITHUB_TEXT_LIMIT);
    expect(check.summary.match(/^- `requests\/product-team\/bad-cache\.yaml:\d+`/gm)).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(check.summary).toContain(`- … and ${700 - MAX_LISTED_PROBLEMS} more problems, annotated in the check.`);
    expect(check.summary).toContain(`Only the first ${MAX_ANNOTATIONS} problems are annotated on their lines`);
    expect(check.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(check.title).toBe("700 errors to fix");
  });

  it("keeps the sticky comment under GitHub's limit however many parameters and problems a request has", () => {
    const parameters = Array.from({ length: 2_000 }, (_, i) => ({ name: `p${i}`, value: "v".repeat(500), defaulted: false }));
    const body = renderRequestComment({
      fromFork: false,
      otherBase: false,
      catalogChanged: false,
      withdrawn: [],
      requests: Array.from({ length: 40 }, (_, i) => ({ ...webApp, file: `requests/product-team/app-${i}.yaml`, parameters, diagnostics: many(300, `requests/product-team/app-${i}.yaml`) })),
    });
    expect(body.length).toBeLessThanOrEqual(GITHUB_TEXT_LIMIT);
    expect(body.split("\n")[0]).toBe(STICKY_MARKER);
    expect(body).toContain(`| … | ${2_000 - MAX_SHOWN_PARAMETERS} more parameters | |`);
    expect(body).toMatch(/… \(cut here: the text was longer than GitHub takes\)\n$/);
  });

  it("cuts a text at a line end with a last line that says so", () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `line ${i} ${"y".repeat(20)}`).join("\n");
    const cut = fitGitHubText(text);
    expect(cut.length).toBeLessThanOrEqual(GITHUB_TEXT_LIMIT);
    expect(cut).toMatch(/y\n\n… \(cut here: the text was longer than GitHub takes\)\n$/);
    expect(fitGitHubText("short")).toBe("short");
  });
});
