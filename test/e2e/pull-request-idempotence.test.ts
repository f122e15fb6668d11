/**
 * Request pull requests end to end, idempotence: the same end state whatever the order and number of the webhook
 * deliveries, nothing written for an event that changes nothing, and no reaction to the events pao's own commits
 * and comments cause.
 */
import { parse } from "yaml";
import type { Json } from "../sim/types.js";
import { describe, expect, it } from "vitest";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { openPullRequest, pushToPullRequest, submitReview } from "../sim/index.js";
import { until } from "./github-world.js";
import { CACHE, ORDERS_DB, idOf, requestKit, shuffled, useRequestWorld } from "./request-kit.js";

const world = useRequestWorld();
const { recordOn, checkRuns, stickyComments, quiet, openedPayload, settledOrder } = requestKit(world);

describe("idempotence", () => {
  const path = "requests/data-team/twin-db.yaml";
  const text = ORDERS_DB.replace("database_name: orders", "database_name: twin");
  const changed = text.replace("allocated_storage: 100", "allocated_storage: 300");

  /**
   * The story, in two acts: the pull request is opened and its request changed; then a reader and the team's writer
   * approve. `between` runs after each act (to let pao catch up, or to release held deliveries).
   */
  async function story(branch: string, between: () => Promise<void>): Promise<{ number: number; head: string }> {
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch, title: "Order a twin database", files: { [path]: text } });
    const second = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [path]: changed } });
    await between();
    submitReview(world().sim, world().repo, pull.number, { user: "reader", state: "APPROVED" });
    submitReview(world().sim, world().repo, pull.number, { user: "platform-lead", state: "APPROVED" });
    await between();
    return { number: pull.number, head: second };
  }

  /** What a person sees of a pull request's requests, without what differs between two pull requests by design. */
  async function endState(number: number, head: string) {
    const id = idOf(path, number);
    const record = await until(() => (recordOn(id)?.status === "submitted" ? recordOn(id) : undefined), `#${number} approved and submitted`, 30_000);
    await quiet();
    const status = world().repo.refs.get("heads/pao-status")!;
    const recordsOfPull = world().repo.store
      .readTree(status, { recursive: true })
      .filter((e) => e.type === "blob" && e.path.startsWith("status/"))
      .map((e) => parse(world().repo.store.getBlob(e.sha).content.toString("utf8")) as { pull_request: number })
      .filter((r) => r.pull_request === number);
    const comments = await stickyComments(number);
    const runs = await checkRuns(head);
    const { request_id, pull_request, created_at, updated_at, approval, ...rest } = StatusRecord.parse(record);
    void request_id, void pull_request, void created_at, void updated_at;
    return {
      records: recordsOfPull.length,
      record: { ...rest, approval: { ...approval, review_id: null, approved_at: null } },
      comments: comments.map((c) => c.body!.replaceAll(id, "<request id>")),
      checkRuns: runs.length,
      check: runs[0]?.output.title,
    };
  }

  it("reaches the same end state when every event is delivered three times in shuffled order", async () => {
    const plain = await story("twin-in-order", () => quiet());
    const expected = await endState(plain.number, plain.head);
    expect(expected).toMatchObject({ records: 1, checkRuns: 1, check: "1 valid request" });
    expect(expected.comments).toHaveLength(1);

    // The same story with every delivery held, then sent three times each in a shuffled order after each act, while
    // the pull request goes on changing: pao sees the in-between state (waiting for approval) and late deliveries.
    const hooks = world().sim.webhooks;
    const seeds = [20261122, 7];
    let opened: Json | undefined;
    hooks.options = { copies: 3 };
    hooks.holding = true;
    let replay: { number: number; head: string };
    try {
      replay = await story("twin-shuffled", async () => {
        const seed = seeds.shift()!;
        // The second act also brings a late redelivery of the first act's "opened".
        if (opened) hooks.emit("pull_request", structuredClone(opened));
        await hooks.release(shuffled(seed));
        const number = world().repo.nextNumber - 1;
        await quiet();
        if (!opened) {
          // After the first act pao has seen the in-between state: the changed request, waiting for approval.
          expect(recordOn(idOf(path, number))).toMatchObject({ status: "awaiting_approval", parameters: { allocated_storage: 300 } });
          opened = openedPayload(number);
        }
      });
    } finally {
      hooks.holding = false;
      hooks.options = {};
    }
    const actual = await endState(replay.number, replay.head);
    expect(actual).toEqual(expected);
    // Every event of the story (and the late one) reached pao three times and was answered.
    const delivered = hooks.deliveries.filter((d) => (d.payload["pull_request"] as { number?: number } | undefined)?.number === replay.number);
    expect(delivered.map((d) => d.action).sort()).toEqual(["opened", "opened", "submitted", "submitted", "synchronize"]);
    expect(delivered.every((d) => d.status === 200)).toBe(true);
  });

  it("writes nothing to GitHub for an event that changes nothing", async () => {
    const pull = await settledOrder("requests/product-team/nothing-new.yaml", CACHE("nothing-new"), "nothing-new");
    const before = world().sim.calls.length;
    world().sim.webhooks.emit("pull_request", openedPayload(pull.number));
    await quiet();
    const after = world().sim.calls.slice(before).filter((c) => c.caller === "installation");
    // It read the pull request again...
    expect(after.map((c) => c.operationId)).toContain("pulls/get");
    // ...and wrote no record, no check run and no comment.
    expect(after.filter((c) => c.method !== "GET").map((c) => c.operationId)).toEqual([]);
  });

  it("takes another pass on fresh facts when a record write raced another writer", async () => {
    const path = "requests/product-team/raced.yaml";
    // Another replica moves (or creates) pao-status, or writes this record, just as this one swaps it: GitHub refuses
    // the first status write (a ref, or the record's file).
    world().sim.fault({ match: "git/update-ref", status: 422, times: 1 });
    world().sim.fault({ match: "git/create-ref", status: 422, times: 1 });
    world().sim.fault({ match: "repos/create-or-update-file-contents", status: 409, times: 1 });
    const before = world().sim.calls.length;
    try {
      const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "raced", title: "Order a cache", files: { [path]: CACHE("raced") } });
      await until(() => recordOn(idOf(path, pull.number)), "the record");
      await quiet();
      const calls = world().sim.calls.slice(before).filter((c) => c.caller === "installation");
      // Refused, then done on fresh state: 200 moving the branch or the file, 201 creating either.
      const statusWrites = ["git/update-ref", "git/create-ref", "repos/create-or-update-file-contents"];
      const refWrites = calls.filter((c) => statusWrites.includes(c.operationId ?? "")).map((c) => c.status);
      expect(refWrites).toHaveLength(2);
      expect([409, 422]).toContain(refWrites[0]);
      expect([200, 201]).toContain(refWrites[1]);
      // One event, two passes: the second read the pull request again, and found nothing more to write.
      expect(calls.filter((c) => c.operationId === "pulls/get")).toHaveLength(2);
      expect(recordOn(idOf(path, pull.number))!.status).toBe("submitted");
    } finally {
      world().sim.clearFaults();
    }
  });

  it("ignores the events its own commits and comments cause", async () => {
    const pull = await settledOrder("requests/product-team/own-events.yaml", CACHE("own-events"), "own-events");
    const bot = `${world().sim.app.slug}[bot]`;
    const caused = world().sim.webhooks.deliveries.filter((d) => (d.payload["sender"] as { login?: string } | undefined)?.login === bot);
    const kinds = new Set(caused.map((d) => `${d.event}.${d.action ?? ""}`));
    expect(kinds).toContain("issue_comment.created");
    expect(kinds).toContain("push.");

    // And a pull request event whose sender is pao itself (as if it had pushed to the branch): no work either.
    const botSender = caused.find((d) => d.event === "issue_comment")!.payload["sender"];
    const before = world().sim.calls.length;
    for (const d of caused) world().sim.webhooks.emit(d.event, structuredClone(d.payload));
    world().sim.webhooks.emit("pull_request", { ...openedPayload(pull.number), sender: structuredClone(botSender) });
    await quiet();
    const after = world().sim.calls.slice(before).filter((c) => c.caller === "installation");
    // A push to pao-status is read into the API's snapshot; nothing else is done, and nothing is written.
    expect(after.map((c) => c.operationId).filter((op) => !["git/get-ref", "git/get-tree", "git/get-blob", "git/get-commit"].includes(op ?? ""))).toEqual([]);
  });
});
