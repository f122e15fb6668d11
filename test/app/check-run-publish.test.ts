/**
 * The `pao` check run as GitHub keeps it: GitHub appends the annotations of every update to those already on a run,
 * so publishing must never send the same annotations twice, must start a new run when they change, and must not
 * write at all when the run already says the same.
 */
import { describe, expect, it } from "vitest";
import type { CheckRunContent } from "../../src/github/gateway.js";
import { commitFiles } from "../sim/index.js";
import { useGatewaySimulator } from "../helpers/gateway-sim.js";

const { sim: current, world: repository } = useGatewaySimulator();

function world() {
  const { repo, octokit, gateway } = repository({ files: { "README.md": "# x\n" } });
  const head = commitFiles(current(), repo, "main", { "requests/a.yaml": "catalog_item: x\n" }, { push: false });
  const runs = async () => (await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: repo.owner, repo: repo.name, ref: head })).data.check_runs;
  const annotationsOf = async (id: number) =>
    (await octokit.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", { owner: repo.owner, repo: repo.name, check_run_id: id, per_page: 100 })).data;
  return { repo, head, gateway, runs, annotationsOf };
}

const annotation = (line: number) => ({ path: "requests/a.yaml", start_line: line, end_line: line, annotation_level: "failure" as const, title: "request-parameter-invalid", message: `problem on line ${line}` });
const check = (summary: string, lines: number[], conclusion?: CheckRunContent["conclusion"]): CheckRunContent => ({
  name: "pao",
  title: "title",
  summary,
  ...(conclusion ? { conclusion } : {}),
  annotations: lines.map(annotation),
});
const writes = () => current().calls.filter((c) => c.operationId === "checks/create" || c.operationId === "checks/update").length;

describe("publishing the check run", () => {
  it("updates the text in place without sending the annotations again", async () => {
    const { head, gateway, runs, annotationsOf } = world();
    const id = await gateway.publishCheckRun(head, check("waiting", [1, 2], undefined));
    expect(await gateway.publishCheckRun(head, check("approved", [1, 2], "failure"))).toBe(id);
    expect(await gateway.publishCheckRun(head, check("approved again", [1, 2], "failure"))).toBe(id);
    const [run] = await runs();
    expect(run).toMatchObject({ id, status: "completed", conclusion: "failure", output: { summary: "approved again", annotations_count: 2 } });
    expect((await annotationsOf(id)).map((a) => a.start_line)).toEqual([1, 2]);
  });

  it("writes nothing when the run already says the same", async () => {
    const { head, gateway } = world();
    await gateway.publishCheckRun(head, check("same", [3], "failure"));
    const before = writes();
    await gateway.publishCheckRun(head, check("same", [3], "failure"));
    expect(writes()).toBe(before);
  });

  it("starts a new run when the annotations change, so none is left over from before", async () => {
    const { head, gateway, runs, annotationsOf } = world();
    const first = await gateway.publishCheckRun(head, check("two problems", [1, 2], "failure"));
    const second = await gateway.publishCheckRun(head, check("one problem", [2], "failure"));
    expect(second).not.toBe(first);
    expect((await annotationsOf(second)).map((a) => a.start_line)).toEqual([2]);
    // GitHub lists the newest run first, and that is the one shown and required.
    expect((await runs())[0]!.id).toBe(second);
  });

  it("sends more than fifty annotations in batches of fifty", async () => {
    const { head, gateway, runs } = world();
    const lines = Array.from({ length: 120 }, (_, i) => i + 1);
    const id = await gateway.publishCheckRun(head, check("many", lines, "failure"));
    expect((await runs()).find((r) => r.id === id)!.output.annotations_count).toBe(120);
    const all = current().calls.filter((c) => c.operationId === "checks/create" || c.operationId === "checks/update").slice(-3);
    expect(all.map((c) => c.operationId)).toEqual(["checks/create", "checks/update", "checks/update"]);
  });

  it("remembers what it published: the same again costs no call, new text on the same annotations one update", async () => {
    const { head, gateway } = world();
    await gateway.publishCheckRun(head, check("fulfilling: 0 of 3", [], undefined));
    const during = async (work: () => Promise<unknown>) => {
      const from = current().calls.length;
      await work();
      return current().calls.slice(from).map((c) => c.operationId);
    };
    expect(await during(() => gateway.publishCheckRun(head, check("fulfilling: 0 of 3", [], undefined)))).toEqual([]);
    expect(await during(() => gateway.publishCheckRun(head, check("fulfilling: 1 of 3", [], undefined)))).toEqual(["checks/update"]);
    expect(await during(() => gateway.publishCheckRun(head, check("fulfilled", [], "success")))).toEqual(["checks/update"]);
  });
});
