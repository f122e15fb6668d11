/**
 * What never changes is read from GitHub once: a commit's tree, a blob, a pull request's files at a head commit.
 * Refs move, so they are always read afresh.
 */
import { describe, expect, it } from "vitest";
import { commitFiles, openPullRequest } from "../sim/index.js";
import { useGatewaySimulator } from "../helpers/gateway-sim.js";

const { sim: current, world: repository } = useGatewaySimulator();

const callsDuring = async (work: () => Promise<unknown>) => {
  const from = current().calls.length;
  await work();
  return current().calls.slice(from).map((c) => c.operationId);
};

describe("the gateway's reads", () => {
  it("lists a commit's tree once, and reads a ref every time", async () => {
    const { repo, gateway } = repository({ files: { "catalog/a.yaml": "name: a\n" } });
    const head = (await gateway.branchCommit("main"))!;
    expect(await callsDuring(() => gateway.tree(head, ["catalog"]))).toEqual(["git/get-tree"]);
    expect(await callsDuring(() => gateway.tree(head, ["catalog"]))).toEqual([]);
    expect(await callsDuring(() => gateway.branchCommit("main"))).toEqual(["git/get-ref"]);
    const next = commitFiles(current(), repo, "main", { "catalog/b.yaml": "name: b\n" }, { push: false });
    expect((await gateway.tree(next, ["catalog"])).map((e) => e.path)).toContain("catalog/b.yaml");
  });

  it("keeps the blobs of pull requests beside the snapshot's, within a budget", async () => {
    const { repo, gateway } = repository({ files: { "README.md": "# x\n" } });
    const pull = openPullRequest(current(), repo, { author: "octo", branch: "order", title: "Order", files: { "requests/a.yaml": "catalog_item: x\n" } });
    const [file] = await gateway.pullRequestFiles({ number: pull.number, headSha: pull.head.sha, base: "main" });
    await gateway.blob(file!.sha);
    // A snapshot refresh retains its own blobs; the request file's stays, as one recently read.
    gateway.retainBlobs(new Set());
    expect(await callsDuring(() => gateway.blob(file!.sha))).toEqual([]);
    expect(gateway.cachedBlobs()).toBe(1);
  });

  it("lists a pull request's files once per head commit, and again after a push", async () => {
    const { repo, gateway } = repository({ files: { "README.md": "# x\n" } });
    const pull = openPullRequest(current(), repo, { author: "octo", branch: "order", title: "Order", files: { "requests/a.yaml": "catalog_item: x\n" } });
    const at = (headSha: string) => ({ number: pull.number, headSha, base: "main" });
    expect(await callsDuring(() => gateway.pullRequestFiles(at(pull.head.sha)))).toEqual(["pulls/list-files"]);
    expect(await callsDuring(() => gateway.pullRequestFiles(at(pull.head.sha)))).toEqual([]);
    // Another pull request merged moves the base branch: the files stay what they were.
    commitFiles(current(), repo, "main", { "README.md": "# moved on\n" }, { push: false });
    expect(await callsDuring(() => gateway.pullRequestFiles(at(pull.head.sha)))).toEqual([]);
    const pushed = commitFiles(current(), repo, "order", { "requests/b.yaml": "catalog_item: y\n" });
    const files = await gateway.pullRequestFiles(at(pushed));
    expect(files.map((f) => f.path).sort()).toEqual(["requests/a.yaml", "requests/b.yaml"]);
  });
});
