/**
 * What the fulfilment tests share: a test catalog item with several steps (pushed to the default branch of the
 * simulated repository, as a platform team would), and ways to find the runs pao dispatched and move them on.
 */
import { createHash } from "node:crypto";
import { commitFiles } from "../sim/index.js";
import { completeRun, startRun } from "../sim/groups/actions.js";
import type { SimRun } from "../sim/state.js";
import { until, type GitHubWorld } from "./github-world.js";
import type { StatusRecord } from "../../src/fulfillment/status-record.js";

/** Four HTTP steps: `first`, then `second` and `third` (both after it), then `last`; one at a time. */
export function pipelineItem(
  options: { name?: string; version?: string; parallelLimit?: number; approval?: boolean; note?: string; maxAttempts?: number; timeout?: string; queueTimeout?: string } = {},
): string {
  return `kind: CatalogItem
name: ${options.name ?? "pipeline-demo"}
version: ${options.version ?? "1.0.0"}
description: Four HTTP steps, to watch the order and the limit of dispatches
owner: platform-team
${options.approval ? "approval:\n  required: true\n" : ""}presentation:
  fields:
    - name: label
      type: string
      required: true
fulfillment:
  parallel_limit: ${options.parallelLimit ?? 1}
  retry_policy:
    max_attempts: ${options.maxAttempts ?? 2}
    backoff_strategy: fixed
    initial_delay: 1s
  actions:
    - name: first
      type: HttpPost
${options.timeout ? `      timeout: ${options.timeout}\n` : ""}${options.queueTimeout ? `      queue_timeout: ${options.queueTimeout}\n` : ""}      template:
        url: https://hooks.example.test/first
        body:
          label: "{{ label }}"
          note: "${options.note ?? "original"}"
    - name: second
      type: HttpPost
      depends_on: [first]
      template:
        url: https://hooks.example.test/second
        body:
          label: "{{ label }}"
          note: "${options.note ?? "original"}"
    - name: third
      type: HttpPut
      depends_on: [first]
      template:
        url: https://hooks.example.test/third
        body:
          label: "{{ label }}"
    - name: last
      type: HttpPost
      depends_on: [second, third]
      template:
        url: https://hooks.example.test/last
        body:
          label: "{{ label }}"
      verification:
        type: http_status
        expected: 201
`;
}

export const PIPELINE_PATH = "catalog/compute/pipeline-demo.yaml";
export const pipelineRequest = (label: string, item = "pipeline-demo") => `catalog_item: ${item}\nversion: "1.0.0"\nparameters:\n  label: ${label}\n`;

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function fulfilmentKit(current: () => GitHubWorld, recordOn: (id: string) => StatusRecord | undefined) {
  /** The runs whose display title names this attempt (`pao <request>/<step>/<attempt>`), oldest first. */
  function runsOf(key: string): SimRun[] {
    return [...current().repo.runs.values()].filter((r) => r.display_title === `pao ${key}`).sort((a, b) => a.id - b.id);
  }

  /** The one run of an attempt, once pao has dispatched it. */
  async function runOf(key: string): Promise<SimRun> {
    return until(() => runsOf(key)[0], `the run of ${key}`);
  }

  /** The record once it satisfies `check`. */
  async function recordWhen(id: string, what: string, check: (r: StatusRecord) => boolean, timeoutMs = 90_000): Promise<StatusRecord> {
    return until(() => {
      const r = recordOn(id);
      return r && check(r) ? r : undefined;
    }, `${id}: ${what}`, timeoutMs);
  }

  const step = (r: StatusRecord, stepId: string) => r.fulfillment.steps.find((s) => s.step_id === stepId)!;

  /** Runs an attempt's run to its end as a runner would: in progress, then completed with outputs. */
  function finish(run: SimRun, conclusion: "success" | "failure" | "cancelled" | "timed_out", outputs?: Record<string, unknown>): void {
    const { sim, repo } = current();
    if (run.status !== "in_progress") startRun(sim, repo, run.id);
    completeRun(sim, repo, run.id, { conclusion, ...(outputs ? { outputs } : {}) });
  }

  /** Pushes the test item to the default branch and waits until pao serves it. */
  async function publishItem(text: string, path = PIPELINE_PATH): Promise<void> {
    const world = current();
    commitFiles(world.sim, world.repo, world.repo.defaultBranch, { [path]: text }, { message: "Add a test item" });
    const name = /^name: (.+)$/m.exec(text)![1]!;
    const version = /^version: (.+)$/m.exec(text)![1]!;
    const token = world.sim.user("dev-user").token;
    await until(async () => {
      const res = await fetch(`${world.pao.api}/catalog/items/${name}?version=${version}`, { headers: { authorization: `Bearer ${token}` } });
      return res.ok && ((await res.json()) as { version?: string }).version === version;
    }, `pao to serve ${name} ${version}`);
  }

  return { runsOf, runOf, recordWhen, step, finish, publishItem };
}

export interface HttpStep {
  name: string;
  type?: "HttpPost" | "HttpPut";
  dependsOn?: readonly string[];
  /** Sends `{ label }` (default); false sends no body. */
  label?: boolean;
}

/**
 * A catalog item of HTTP steps with one required `label` field, each step calling https://hooks.example.test/<name>:
 * the shape the fulfilment tests and the lifecycle benchmark order, written once.
 */
export function httpItem(options: { name: string; description: string; steps: readonly HttpStep[]; parallelLimit?: number; maxAttempts?: number }): string {
  const policy = options.maxAttempts === undefined ? "" : `  retry_policy:\n    max_attempts: ${options.maxAttempts}\n    backoff_strategy: fixed\n    initial_delay: 1s\n`;
  const steps = options.steps.map(
    (s) =>
      `    - name: ${s.name}\n      type: ${s.type ?? "HttpPost"}\n${s.dependsOn ? `      depends_on: [${s.dependsOn.join(", ")}]\n` : ""}      template:\n        url: https://hooks.example.test/${s.name}\n${s.label === false ? "" : `        body: { label: "{{ label }}" }\n`}`,
  );
  return `kind: CatalogItem
name: ${options.name}
version: 1.0.0
description: ${options.description}
owner: platform-team
presentation:
  fields:
    - name: label
      type: string
      required: true
fulfillment:
${options.parallelLimit === undefined ? "" : `  parallel_limit: ${options.parallelLimit}\n`}${policy}  actions:
${steps.join("")}`;
}
