/**
 * The sticky comment as GitHub keeps it: one per pull request, edited in place. pao remembers what it last found or
 * wrote, so publishing what the comment already says costs no call and a change costs one edit; a comment someone
 * deleted is made again, and the duplicates two replicas may create are cleaned up.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../sim/index.js";
import { useGatewaySimulator } from "../helpers/gateway-sim.js";

const { sim: current, world: repository } = useGatewaySimulator();
const MARKER = "<!-- sticky -->";

function world() {
  const { repo, octokit, gateway } = repository({ files: { "README.md": "# x\n" }, collaborators: { "dev-user": "write" } });
  const pull = openPullRequest(current(), repo, { author: "dev-user", branch: "order", title: "Order", files: { "requests/a.yaml": "catalog_item: x\n" } });
  const bot = `${current().app.slug}[bot]`;
  const where = { owner: repo.owner, repo: repo.name, issue_number: pull.number };
  const comments = async () => (await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", where)).data;
  const publish = (body: string) => gateway.publishStickyComment(pull.number, MARKER, bot, `${MARKER}\n${body}`, true);
  const callsDuring = async (work: () => Promise<unknown>) => {
    const from = current().calls.length;
    await work();
    return current().calls.slice(from).map((c) => `${c.operationId} ${c.status}`);
  };
  return { octokit, where, comments, publish, callsDuring };
}

describe("publishing the sticky comment", () => {
  it("creates it once, then costs nothing while it says the same and one edit when it changes", async () => {
    const { comments, publish, callsDuring } = world();
    expect(await callsDuring(() => publish("submitted"))).toEqual(["issues/list-comments 200", "issues/create-comment 201"]);
    // Looked at once more after creating it: another replica may have created one too.
    expect(await callsDuring(() => publish("submitted"))).toEqual(["issues/list-comments 200"]);
    expect(await callsDuring(() => publish("submitted"))).toEqual([]);
    expect(await callsDuring(() => publish("completed"))).toEqual(["issues/update-comment 200"]);
    expect(await callsDuring(() => publish("completed"))).toEqual([]);
    const bodies = (await comments()).map((c) => c.body);
    expect(bodies).toEqual([`${MARKER}\ncompleted`]);
  });

  it("makes it again when someone deleted it", async () => {
    const { octokit, where, comments, publish } = world();
    await publish("one");
    await publish("one");
    const [comment] = await comments();
    await octokit.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: where.owner, repo: where.repo, comment_id: comment!.id });
    await publish("two");
    expect((await comments()).map((c) => c.body)).toEqual([`${MARKER}\ntwo`]);
  });

  it("keeps the oldest when two were created (two replicas that both found none)", async () => {
    const { octokit, where, comments, publish } = world();
    await publish("first");
    // The other replica's: the same app, the same marker.
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...where, body: `${MARKER}\nfirst` });
    await publish("first");
    const left = await comments();
    expect(left).toHaveLength(1);
    expect(left[0]!.body).toBe(`${MARKER}\nfirst`);
  });
});
