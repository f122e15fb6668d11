/**
 * The snapshot source follows pao's own status commits without reading them back: the writer reports each commit,
 * the source applies it, and the push webhook that GitHub sends for it costs nothing. A commit someone else made is
 * read from GitHub.
 */
import { describe, expect, it } from "vitest";
import { StatusWriter, recordPath, recordText } from "../../src/app/status-writer.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { createGitHubSource, type GitHubSource } from "../../src/repo/github-source.js";
import { commitFiles } from "../sim/index.js";
import { useGatewaySimulator } from "../helpers/gateway-sim.js";
import { FAILED } from "../helpers/status-fixtures.js";

const { sim: current, world: repository } = useGatewaySimulator();
const record = (id: string, status: "submitted" | "failed" = "submitted") => StatusRecord.parse({ ...FAILED, request_id: id, status });

async function world() {
  const { repo, gateway } = repository({ files: { "README.md": "# x\n" } });
  let source: GitHubSource | undefined;
  const writer = new StatusWriter(gateway, "pao-status", { onCommitted: (c) => source!.applyOwnCommit(c) });
  source = await createGitHubSource(gateway, { ownWriteSettled: () => writer.settled() });
  const callsDuring = async (work: () => Promise<unknown>) => {
    const from = current().calls.length;
    await work();
    return current().calls.slice(from).map((c) => c.operationId);
  };
  return { repo, writer, source, callsDuring };
}

describe("the GitHub snapshot source and pao's own status commits", () => {
  it("shows a record pao wrote without reading the branch, and takes the push of that commit for its own", async () => {
    const { writer, source, callsDuring } = await world();
    let commit: string | null = null;
    expect(await callsDuring(async () => (commit = await writer.write(record("req-aaaa1111aaaa"))))).toEqual(["git/get-ref", "git/create-tree", "git/create-commit", "git/create-ref"]);
    expect(source.current().records.get("req-aaaa1111aaaa")?.status).toBe("submitted");
    expect(await callsDuring(() => source.onPush("refs/heads/pao-status", commit!))).toEqual([]);
    await writer.write(record("req-aaaa1111aaaa", "failed"));
    expect(source.current().records.get("req-aaaa1111aaaa")?.status).toBe("failed");
  });

  it("reads a commit someone else made when its push comes", async () => {
    const { repo, writer, source } = await world();
    await writer.write(record("req-bbbb2222bbbb"));
    const theirs = commitFiles(current(), repo, "pao-status", { [recordPath("req-cccc3333cccc")]: recordText(record("req-cccc3333cccc")) }, { push: false });
    await source.onPush("refs/heads/pao-status", theirs);
    expect([...source.current().records.keys()].sort()).toEqual(["req-bbbb2222bbbb", "req-cccc3333cccc"]);
  });

  it("reads the branch when its own commit does not follow the one the snapshot holds (another writer came between)", async () => {
    const { repo, writer, source } = await world();
    await writer.write(record("req-dddd4444dddd"));
    commitFiles(current(), repo, "pao-status", { [recordPath("req-eeee5555eeee")]: recordText(record("req-eeee5555eeee")) }, { push: false });
    // The writer's swap is refused, it writes again on the other commit, and the source reads the branch.
    await writer.write(record("req-dddd4444dddd", "failed"));
    const deadline = Date.now() + 30_000;
    while (source.current().records.get("req-dddd4444dddd")?.status !== "failed" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(source.current().records.get("req-dddd4444dddd")?.status).toBe("failed");
    expect(source.current().records.has("req-eeee5555eeee")).toBe(true);
  });
});
