/** Status records reach the status branch as GitHub sees it: one commit per batch, compare-and-swap, nothing lost. */
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { StatusWriter, gitBlobSha, recordPath, recordText } from "../../src/app/status-writer.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import type { GitHubGateway } from "../../src/github/gateway.js";
import { commitFiles } from "../sim/index.js";
import type { SimRepo } from "../sim/state.js";
import { useGatewaySimulator } from "../helpers/gateway-sim.js";
import { FAILED } from "../helpers/status-fixtures.js";

const { sim: current, world } = useGatewaySimulator();

const record = (id: string, status: "submitted" | "failed" = "submitted") => StatusRecord.parse({ ...FAILED, request_id: id, status });
const fileOn = (repo: SimRepo, branch: string, path: string) => {
  const head = repo.refs.get(`heads/${branch}`);
  return head ? repo.store.fileAt(head, path)?.content.toString("utf8") : undefined;
};
/**
 * The gateway, with another writer committing (`other`) just before this writer's first swap of the given kind:
 * `commitFile` (one record) or `commitFiles` (several).
 */
function racingGateway(gateway: GitHubGateway, swap: "commitFile" | "commitFiles", other: () => void): GitHubGateway {
  let raced = false;
  const racing = Object.create(gateway) as GitHubGateway;
  const race = () => {
    if (!raced) {
      raced = true;
      other();
    }
  };
  if (swap === "commitFile") racing.commitFile = async (...args) => (race(), gateway.commitFile(...args));
  else racing.commitFiles = async (...args) => (race(), gateway.commitFiles(...args));
  return racing;
}

const creates = () => current().calls.filter((c) => c.operationId === "git/create-commit").length;

describe("the status writer", () => {
  it("creates the status branch with a root commit when it is missing, holding a record that validates", async () => {
    const { repo, gateway } = world();
    const writer = new StatusWriter(gateway, "pao-status");
    const sha = await writer.write(record("req-aaaaaaaaaaaa"));
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(repo.refs.get("heads/pao-status")).toBe(sha);
    expect(repo.store.getCommit(sha!).parents).toEqual([]);
    const text = fileOn(repo, "pao-status", recordPath("req-aaaaaaaaaaaa"))!;
    expect(StatusRecord.safeParse(parse(text)).success).toBe(true);
    expect(repo.refs.get("heads/main")).not.toBe(sha);
  });

  it("never commits a record that did not change", async () => {
    const { gateway } = world();
    const writer = new StatusWriter(gateway, "pao-status");
    await writer.write(record("req-bbbbbbbbbbbb"));
    const before = creates();
    expect(await writer.write(record("req-bbbbbbbbbbbb"))).toBeNull();
    expect(creates()).toBe(before);
    expect(gitBlobSha(recordText(record("req-bbbbbbbbbbbb")))).toMatch(/^[0-9a-f]{40}$/);
  });

  it("coalesces changes that wait together into one commit", async () => {
    const { repo, gateway } = world();
    const writer = new StatusWriter(gateway, "pao-status");
    const before = creates();
    const ids = [1, 2, 3, 4, 5, 6].map((n) => `req-${String(n).repeat(12)}`);
    const shas = await Promise.all(ids.map((id) => writer.write(record(id))));
    // The first goes out at once; the five queued behind it share the next commit.
    expect(creates() - before).toBe(2);
    expect(new Set(shas).size).toBe(2);
    for (const id of ids) expect(fileOn(repo, "pao-status", recordPath(id))).toBeDefined();
  });

  it("redoes a write whose record another writer changed meanwhile (409 on the file), on the branch as it is then", async () => {
    const { repo, gateway } = world();
    await new StatusWriter(gateway, "pao-status").write(record("req-cccccccccccc"));
    // Someone else commits to the record between our read of it and our swap.
    const racing = racingGateway(gateway, "commitFile", () => {
      commitFiles(current(), repo, "pao-status", { [recordPath("req-cccccccccccc")]: recordText({ ...record("req-cccccccccccc"), parameters: { replicas: 5 } }), "status/req-dddddddddddd.yaml": recordText(record("req-dddddddddddd")) }, { message: "other writer" });
    });
    const puts = () => current().calls.filter((c) => c.operationId === "repos/create-or-update-file-contents");
    const before = puts().length;
    const sha = await new StatusWriter(racing, "pao-status").write(record("req-cccccccccccc", "failed"));
    expect(puts().slice(before).map((c) => c.status)).toEqual([409, 200]);
    expect(repo.refs.get("heads/pao-status")).toBe(sha);
    expect(fileOn(repo, "pao-status", "status/req-dddddddddddd.yaml")).toBeDefined();
    expect(parse(fileOn(repo, "pao-status", recordPath("req-cccccccccccc"))!).status).toBe("failed");
  });

  it("redoes a commit of several records when the branch moved meanwhile (422 on the ref), keeping the other writer's commit", async () => {
    const { repo, gateway } = world();
    await new StatusWriter(gateway, "pao-status").write(record("req-a0a0a0a0a0a0"));
    const racing = racingGateway(gateway, "commitFiles", () => {
      commitFiles(current(), repo, "pao-status", { "status/req-dddddddddddd.yaml": recordText(record("req-dddddddddddd")) }, { message: "other writer" });
    });
    const updates = () => current().calls.filter((c) => c.operationId === "git/update-ref");
    const before = updates().length;
    const writer = new StatusWriter(racing, "pao-status");
    // The first goes out alone (one file); the two queued behind it go out together.
    await Promise.all(["req-b0b0b0b0b0b0", "req-c0c0c0c0c0c0", "req-d0d0d0d0d0d0"].map((id) => writer.write(record(id))));
    expect(updates().slice(before).map((c) => c.status)).toEqual([422, 200]);
    for (const id of ["req-a0a0a0a0a0a0", "req-b0b0b0b0b0b0", "req-c0c0c0c0c0c0", "req-d0d0d0d0d0d0", "req-dddddddddddd"]) expect(fileOn(repo, "pao-status", recordPath(id))).toBeDefined();
  });

  it("applies an update to the record as the branch holds it after a lost race, so the other writer's change is kept", async () => {
    const { repo, gateway } = world();
    const id = "req-eeeeeeeeeeee";
    await new StatusWriter(gateway, "pao-status").write(record(id));
    // Another replica changes the same record between our read and our swap.
    const racing = racingGateway(gateway, "commitFile", () => {
      commitFiles(current(), repo, "pao-status", { [recordPath(id)]: recordText({ ...record(id), parameters: { replicas: 9 } }) }, { message: "other replica" });
    });
    const seen: Array<Record<string, unknown> | undefined> = [];
    const result = await new StatusWriter(racing, "pao-status").update(id, (current) => {
      seen.push(current?.parameters);
      return { record: current ? { ...current, status: "failed" } : null, effects: [{ type: "wake", key: "k", at: `2025-01-01T00:00:0${seen.length}Z` }] };
    });
    // The update ran twice: on the record it first read, then on the other replica's.
    expect(seen.map((p) => p?.["replicas"])).toEqual([3, 9]);
    expect(result.record).toMatchObject({ status: "failed", parameters: { replicas: 9 } });
    expect(result.raced).toBe(true);
    // The effects are those of the decision on the record that was committed, not of the one on the stale record.
    expect(result.effects).toEqual([{ type: "wake", key: "k", at: "2025-01-01T00:00:02Z" }]);
    expect(parse(fileOn(repo, "pao-status", recordPath(id))!)).toMatchObject({ status: "failed", parameters: { replicas: 9 } });
  });

  const puts = () => current().calls.filter((c) => c.operationId === "repos/create-or-update-file-contents").length;

  it("takes a swap GitHub made but whose answer was lost (502 after the work) as done: one commit, the effects kept", async () => {
    const { repo, gateway } = world();
    const id = "req-ffffffffffff";
    await new StatusWriter(gateway, "pao-status").write(record(id));
    current().fault({ match: "repos/create-or-update-file-contents", status: 502, afterWork: true, times: 1 });
    const before = puts();
    const result = await new StatusWriter(gateway, "pao-status").update(id, (now) => ({ record: now ? { ...now, status: "failed" } : null, effects: [{ type: "wake", key: "k", at: "2025-01-01T00:00:00Z" }] }));
    expect(result.effects).toEqual([{ type: "wake", key: "k", at: "2025-01-01T00:00:00Z" }]);
    expect(result.commit).toBe(repo.refs.get("heads/pao-status"));
    expect(puts() - before).toBe(1);
    expect(parse(fileOn(repo, "pao-status", recordPath(id))!)).toMatchObject({ status: "failed" });
  });

  it("redoes a swap whose answer was lost when the branch shows it was not made (502 before the work)", async () => {
    const { repo, gateway } = world();
    const id = "req-999999999999";
    await new StatusWriter(gateway, "pao-status").write(record(id));
    current().fault({ match: "repos/create-or-update-file-contents", status: 502, times: 1 });
    const before = puts();
    const result = await new StatusWriter(gateway, "pao-status").update(id, (now) => ({ record: now ? { ...now, status: "failed" } : null, effects: [] }));
    expect(result.record).toMatchObject({ status: "failed" });
    expect(puts() - before).toBe(2);
    expect(parse(fileOn(repo, "pao-status", recordPath(id))!)).toMatchObject({ status: "failed" });
  });

  it("leaves a record that does not parse alone, and says so, while the other records of the batch go out", async () => {
    const { repo, gateway } = world();
    commitFiles(current(), repo, "pao-status", { [recordPath("req-ffffffffffff")]: "status: [unclosed\n" }, { message: "hand edit" });
    const writer = new StatusWriter(gateway, "pao-status");
    const [broken, fine] = await Promise.allSettled([
      writer.update("req-ffffffffffff", () => ({ record: record("req-ffffffffffff"), effects: [] })),
      writer.update("req-111111111111", () => ({ record: record("req-111111111111"), effects: [] })),
    ]);
    expect(broken.status).toBe("rejected");
    expect(String((broken as PromiseRejectedResult).reason)).toMatch(/status\/req-ffffffffffff\.yaml on the status branch does not parse/);
    expect(fine).toMatchObject({ status: "fulfilled", value: { commit: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    expect(fileOn(repo, "pao-status", recordPath("req-ffffffffffff"))).toBe("status: [unclosed\n");
    expect(fileOn(repo, "pao-status", recordPath("req-111111111111"))).toBeDefined();
  });

  it("writes after its own commit without reading the branch: one call for one record, tree, commit and swap for several", async () => {
    const { gateway } = world();
    const writer = new StatusWriter(gateway, "pao-status");
    await writer.write(record("req-a1a1a1a1a1a1"));
    const from = current().calls.length;
    await writer.write(record("req-a1a1a1a1a1a1", "failed"));
    await Promise.all(["req-b2b2b2b2b2b2", "req-c2c2c2c2c2c2", "req-d2d2d2d2d2d2"].map((id) => writer.write(record(id))));
    expect(current().calls.slice(from).map((c) => c.operationId)).toEqual([
      "repos/create-or-update-file-contents",
      "repos/create-or-update-file-contents",
      "git/create-tree",
      "git/create-commit",
      "git/update-ref",
    ]);
  });

  it("when someone else committed another record since, its own record still goes out in one call, on top of theirs", async () => {
    const { repo, gateway } = world();
    const writer = new StatusWriter(gateway, "pao-status");
    await writer.write(record("req-c3c3c3c3c3c3"));
    commitFiles(current(), repo, "pao-status", { [recordPath("req-d4d4d4d4d4d4")]: recordText(record("req-d4d4d4d4d4d4")) }, { message: "another replica" });
    const from = current().calls.length;
    const result = await writer.update("req-c3c3c3c3c3c3", (now) => ({ record: now ? { ...now, status: "failed" } : null, effects: [] }));
    expect(current().calls.slice(from).map((c) => `${c.operationId} ${c.status}`)).toEqual(["repos/create-or-update-file-contents 200"]);
    expect(result.raced).toBe(false);
    expect(fileOn(repo, "pao-status", recordPath("req-d4d4d4d4d4d4"))).toBeDefined();
    expect(parse(fileOn(repo, "pao-status", recordPath("req-c3c3c3c3c3c3"))!).status).toBe("failed");
    // It no longer knows the whole branch, so the next write reads it first.
    const next = current().calls.length;
    await writer.write(record("req-e5e5e5e5e5e6"));
    expect(current().calls.slice(next).map((c) => c.operationId)).toEqual(["git/get-ref", "git/get-tree", "repos/create-or-update-file-contents"]);
  });

  it("a decision that changes nothing is checked against the branch: when it moved, it is decided again on what the branch holds", async () => {
    const { repo, gateway } = world();
    const writer = new StatusWriter(gateway, "pao-status");
    const id = "req-e5e5e5e5e5e5";
    await writer.write(record(id));
    commitFiles(current(), repo, "pao-status", { [recordPath(id)]: recordText({ ...record(id), parameters: { replicas: 7 } }) }, { message: "another replica" });
    const seen: unknown[] = [];
    const result = await writer.update(id, (now) => {
      seen.push(now?.parameters["replicas"]);
      return { record: now, effects: [] };
    });
    expect(seen).toEqual([3, 7]);
    expect(result.record?.parameters).toMatchObject({ replicas: 7 });
    expect(result.commit).toBeNull();
  });

  it("reports each commit it made, with the files, to whoever follows the branch", async () => {
    const { gateway } = world();
    const made: Array<{ parent: string | null; commit: string; paths: string[] }> = [];
    const writer = new StatusWriter(gateway, "pao-status", { onCommitted: (c) => made.push({ parent: c.parent, commit: c.commit, paths: [...c.files.keys()] }) });
    const first = await writer.write(record("req-f6f6f6f6f6f6"));
    const second = await writer.write(record("req-f6f6f6f6f6f6", "failed"));
    expect(made).toEqual([
      { parent: null, commit: first, paths: [recordPath("req-f6f6f6f6f6f6")] },
      { parent: first, commit: second, paths: [recordPath("req-f6f6f6f6f6f6")] },
    ]);
  });

  it("writes a record's keys in the schema's order, so a record built in another order is the same file", () => {
    const one = record("req-a7a7a7a7a7a7");
    const reordered = Object.fromEntries(Object.entries(one).reverse()) as typeof one;
    expect(recordText(reordered)).toBe(recordText(one));
  });

  it("a batch where one of several records changed still swaps the branch, so the records decided on unchanged are checked too", async () => {
    const { repo, gateway } = world();
    const [a, b, c] = ["req-a8a8a8a8a8a8", "req-b8b8b8b8b8b8", "req-c8c8c8c8c8c8"];
    await new StatusWriter(gateway, "pao-status").write(record(b));
    const racing = racingGateway(gateway, "commitFiles", () => {
      commitFiles(current(), repo, "pao-status", { [recordPath(b)]: recordText({ ...record(b), parameters: { replicas: 8 } }) }, { message: "another replica" });
    });
    const writer = new StatusWriter(racing, "pao-status");
    const seen: unknown[] = [];
    // The first goes out alone; b (no change) and c (new) wait and go out together.
    const [, unchanged] = await Promise.all([
      writer.write(record(a)),
      writer.update(b, (now) => {
        seen.push(now?.parameters["replicas"]);
        return { record: now, effects: [] };
      }),
      writer.write(record(c)),
    ]);
    expect(seen).toEqual([3, 8]);
    expect(unchanged.record?.parameters).toMatchObject({ replicas: 8 });
    expect(fileOn(repo, "pao-status", recordPath(c))).toBeDefined();
  });
});
