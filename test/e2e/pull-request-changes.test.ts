/**
 * Request pull requests end to end, what happens after opening: pushes before and after fulfilment starts, request
 * files taken out, closing and reopening; and idempotence: the same end state whatever the order and number of the
 * webhook deliveries, and no reaction to the events pao's own commits and comments cause.
 */
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { gitBlobSha, recordPath } from "../../src/app/status-writer.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { closePullRequest, commitFiles, openPullRequest, pushToPullRequest, reopenPullRequest, rerequestCheckRun, submitReview } from "../sim/index.js";
import { until } from "./github-world.js";
import { CACHE, ORDERS_DB, idOf, requestKit, useRequestWorld } from "./request-kit.js";

const world = useRequestWorld();
const { recordOn, checkRuns, annotations, stickyComments, commentSaying, checkTitled, quiet } = requestKit(world);

describe("changes and closing", () => {
  it("cancels the requests of a pull request closed without merge, and takes them up again when it is reopened", async () => {
    const path = "requests/product-team/second-thoughts.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "second-thoughts", title: "Order, then not", files: { [path]: CACHE("second-thoughts") } });
    const id = idOf(path, pull.number);
    const first = await until(() => recordOn(id), "the record");
    closePullRequest(world().sim, world().repo, pull.number);
    const cancelled = await until(() => (recordOn(id)?.status === "cancelled" ? recordOn(id) : undefined), "the cancelled record");
    expect(cancelled.fulfillment.steps.every((s) => s.status === "cancelled")).toBe(true);
    expect(cancelled.fulfillment.can_abort).toBe(false);
    await commentSaying(pull.number, "| Status | `cancelled` |");

    reopenPullRequest(world().sim, world().repo, pull.number);
    const revived = await until(() => (recordOn(id)?.status === "submitted" ? recordOn(id) : undefined), "the record taken up again");
    expect(revived.created_at).toBe(first.created_at);
    expect(revived.fulfillment.steps.every((s) => s.status === "pending")).toBe(true);
  });

  it("cancels a request whose file the pull request no longer adds, and the comment keeps it in view", async () => {
    const kept = "requests/product-team/kept.yaml";
    const dropped = "requests/product-team/dropped.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "drop-one", title: "Order two, keep one", files: { [kept]: CACHE("kept"), [dropped]: CACHE("dropped") } });
    await until(() => recordOn(idOf(kept, pull.number)) && recordOn(idOf(dropped, pull.number)), "both records");
    const head = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [dropped]: null } });
    await until(() => recordOn(idOf(dropped, pull.number))?.status === "cancelled", "the dropped request cancelled");
    expect(recordOn(idOf(kept, pull.number))!.status).toBe("submitted");
    await checkTitled(head, "1 valid request");
    const body = await commentSaying(pull.number, "### Taken out of this pull request");
    expect(body).toContain(`| \`${dropped}\` | \`${idOf(dropped, pull.number)}\` | \`cancelled\` |`);
  });

  it("re-validates a push before fulfilment, and refuses one that changes a request after fulfilment started", async () => {
    const path = "requests/product-team/in-flight.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "in-flight", title: "Order a cache", files: { [path]: CACHE("in-flight") } });
    const id = idOf(path, pull.number);
    await until(() => recordOn(id), "the record");

    // Before fulfilment: a push re-validates, and the record follows the new content.
    const edited = CACHE("in-flight").replace("cache_size: 2gb", "cache_size: 4gb");
    const second = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [path]: edited } });
    await checkTitled(second, "1 valid request");
    await until(() => recordOn(id)?.parameters["cache_size"] === "4gb", "the record to follow the push");

    // Fulfilment starts (what the next piece of pao does): step-001 dispatched, the request in progress.
    const started = recordOn(id)!;
    started.status = "in_progress";
    started.fulfillment.steps[0]!.status = "running";
    started.fulfillment.steps[0]!.attempts = [{ attempt_number: 1, run_id: 1, status: "running", started_at: started.updated_at }];
    commitFiles(world().sim, world().repo, "pao-status", { [recordPath(id)]: stringify(started) }, { message: "fulfilment started" });
    await quiet();

    const third = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [path]: edited.replace("cache_size: 4gb", "cache_size: 8gb") } });
    const check = await checkTitled(third, "1 error to fix");
    expect(check.conclusion).toBe("failure");
    const [refusal] = await annotations(Number(check.id));
    expect(refusal).toMatchObject({ path, start_line: 1, title: "request-changed-after-start" });
    expect(refusal!.message).toContain("/abort");
    await quiet();
    expect(recordOn(id)).toMatchObject({ status: "in_progress", parameters: { cache_size: "4gb" }, request_sha: gitBlobSha(edited) });

    // Taking the file out of the pull request is refused the same way; the record stays as it is.
    const fourth = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [path]: null } });
    const removed = await checkTitled(fourth, "1 error to fix");
    expect(removed.conclusion).toBe("failure");
    expect(removed.output.summary).toContain("the request file was taken out of this pull request");
    await quiet();
    expect(recordOn(id)).toMatchObject({ status: "in_progress", request_sha: gitBlobSha(edited) });
  });

  it("says so in the check when a record cannot be written, and records it at the next event, such as a re-run of the check", async () => {
    const path = "requests/product-team/unlucky.yaml";
    // The status branch can be neither moved nor created for now: GitHub refuses the ref updates.
    world().sim.fault({ match: "git/update-ref", status: 403 });
    world().sim.fault({ match: "git/create-ref", status: 403 });
    let pull: ReturnType<typeof openPullRequest>;
    try {
      pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "unlucky", title: "Order a cache", files: { [path]: CACHE("unlucky") } });
      const check = await checkTitled(pull.head.sha, "1 error to fix");
      expect((await annotations(Number(check.id)))[0]).toMatchObject({ path, title: "request-not-recorded" });
      expect(recordOn(idOf(path, pull.number))).toBeUndefined();
    } finally {
      world().sim.clearFaults();
    }
    // "Re-run" on the check is such an event.
    const [failed] = await checkRuns(pull.head.sha);
    rerequestCheckRun(world().sim, world().repo, Number(failed!.id), { user: "dev-user" });
    await until(() => recordOn(idOf(path, pull.number)), "the record after the re-run");
    await checkTitled(pull.head.sha, "1 valid request");
  });
});


/** A seeded shuffle (mulberry32), so a failing order can be replayed. */
function shuffled(seed: number) {
  return (count: number): number[] => {
    let a = seed;
    const random = () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const order = [...Array(count).keys()];
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  };
}

describe("idempotence", () => {
  const path = "requests/data-team/twin-db.yaml";
  const text = ORDERS_DB.replace("database_name: orders", "database_name: twin");
  const changed = text.replace("allocated_storage: 100", "allocated_storage: 300");

  /** Opens the pull request, pushes a change to the request, and the team's writer approves it. */
  function story(branch: string): { number: number; head: string } {
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch, title: "Order a twin database", files: { [path]: text } });
    const second = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [path]: changed } });
    submitReview(world().sim, world().repo, pull.number, { user: "reader", state: "APPROVED" });
    submitReview(world().sim, world().repo, pull.number, { user: "platform-lead", state: "APPROVED" });
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
    const plain = story("twin-in-order");
    const expected = await endState(plain.number, plain.head);
    expect(expected).toMatchObject({ records: 1, checkRuns: 1, check: "1 valid request" });
    expect(expected.comments).toHaveLength(1);

    const hooks = world().sim.webhooks;
    hooks.options = { copies: 3 };
    hooks.holding = true;
    let replay: ReturnType<typeof story>;
    try {
      replay = story("twin-shuffled");
    } finally {
      hooks.holding = false;
    }
    try {
      await hooks.release(shuffled(20261122));
    } finally {
      hooks.options = {};
    }
    const actual = await endState(replay.number, replay.head);
    expect(actual).toEqual(expected);
    // Every event of the story reached pao three times and was answered.
    const delivered = hooks.deliveries.filter((d) => (d.payload["pull_request"] as { number?: number } | undefined)?.number === replay.number);
    expect(delivered.map((d) => d.action).sort()).toEqual(["opened", "submitted", "submitted", "synchronize"]);
    expect(delivered.every((d) => d.status === 200)).toBe(true);
  });

  it("writes nothing to GitHub for an event that changes nothing", async () => {
    const path = "requests/product-team/nothing-new.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "nothing-new", title: "Order a cache", files: { [path]: CACHE("nothing-new") } });
    await until(() => recordOn(idOf(path, pull.number)), "the record");
    await commentSaying(pull.number, idOf(path, pull.number));
    await quiet();
    const opened = world().sim.webhooks.deliveries.find((d) => d.event === "pull_request" && d.action === "opened" && (d.payload["pull_request"] as { number: number }).number === pull.number)!;
    const before = world().sim.calls.length;
    world().sim.webhooks.emit("pull_request", structuredClone(opened.payload));
    await quiet();
    const after = world().sim.calls.slice(before).filter((c) => c.caller === "installation");
    // It read the pull request again...
    expect(after.map((c) => c.operationId)).toContain("pulls/get");
    // ...and wrote no record, no check run and no comment.
    expect(after.filter((c) => c.method !== "GET").map((c) => c.operationId)).toEqual([]);
  });

  it("ignores the events its own commits and comments cause", async () => {
    const own = "requests/product-team/own-events.yaml";
    const pull = openPullRequest(world().sim, world().repo, { author: "dev-user", branch: "own-events", title: "Order a cache", files: { [own]: CACHE("own-events") } });
    await until(() => recordOn(idOf(own, pull.number)), "the record");
    await commentSaying(pull.number, idOf(own, pull.number));
    await quiet();
    const bot = `${world().sim.app.slug}[bot]`;
    const caused = world().sim.webhooks.deliveries.filter((d) => (d.payload["sender"] as { login?: string } | undefined)?.login === bot);
    const kinds = new Set(caused.map((d) => `${d.event}.${d.action ?? ""}`));
    expect(kinds).toContain("issue_comment.created");
    expect(kinds).toContain("push.");

    const before = world().sim.calls.length;
    for (const d of caused) world().sim.webhooks.emit(d.event, structuredClone(d.payload));
    await quiet();
    const after = world().sim.calls.slice(before).filter((c) => c.caller === "installation");
    // A push to pao-status is read into the API's snapshot; nothing else is done, and nothing is written.
    expect(after.map((c) => c.operationId).filter((op) => !["git/get-ref", "git/get-tree", "git/get-blob", "git/get-commit"].includes(op ?? ""))).toEqual([]);
  });
});
