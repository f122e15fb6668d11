/**
 * Request pull requests end to end: the real pao server as a GitHub App against the simulator. A developer opens a
 * pull request adding request files; pao validates them against the default branch's catalog, answers in one check
 * run per head commit and one sticky comment, records each valid request on the pao-status branch, waits for
 * approval where the catalog asks for it, and follows pushes, reviews, closing and reopening.
 */
import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { STICKY_MARKER } from "../../src/app/render/comment.js";
import { gitBlobSha, recordPath } from "../../src/app/status-writer.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { requestId } from "../../src/requests/request-id.js";
import {
  closePullRequest,
  commitFiles,
  openPullRequest,
  pushToPullRequest,
  reopenPullRequest,
  submitReview,
} from "../sim/index.js";
import { NAME, OWNER, startGitHubWorld, until, type GitHubWorld } from "./github-world.js";

let world: GitHubWorld;

beforeAll(async () => {
  // ops-dev may write but is not in acme/platform-data-team, the approver team of postgres-database.
  world = await startGitHubWorld({ collaborators: { "ops-dev": "write" } });
});

afterAll(async () => {
  await world?.stop();
});

afterEach(async () => {
  await world.sim.webhooks.settled();
  expect(world.sim.violations).toEqual([]);
});

const CACHE = (name: string) => `catalog_item: redis-cache
version: ">=1.0.0"
parameters:
  cache_name: ${name}
  cache_size: 2gb
`;
const ORDERS_DB = readFileSync("requests/data-team/orders-db.yaml", "utf8");
const DB_UPGRADE = readFileSync("requests/data-team/orders-db-upgrade.yaml", "utf8");

const idOf = (path: string, number: number) => requestId(`${OWNER}/${NAME}`, path, number);

/** A status record as the pao-status branch holds it now, or undefined. */
function recordOn(id: string): StatusRecord | undefined {
  const head = world.repo.refs.get("heads/pao-status");
  const file = head ? world.repo.store.fileAt(head, recordPath(id)) : undefined;
  return file ? StatusRecord.parse(parse(file.content.toString("utf8"))) : undefined;
}

async function checkRuns(sha: string) {
  const { data } = await world.as("dev-user").request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: OWNER, repo: NAME, ref: sha });
  return data.check_runs.filter((c) => c.name === "pao");
}

async function annotations(checkRunId: number) {
  const { data } = await world.as("dev-user").request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", { owner: OWNER, repo: NAME, check_run_id: checkRunId });
  return data;
}

async function stickyComments(number: number) {
  const { data } = await world.as("dev-user").request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: OWNER, repo: NAME, issue_number: number, per_page: 100 });
  return data.filter((c) => c.body?.startsWith(STICKY_MARKER));
}

/** The one sticky comment once it says `text`. */
async function commentSaying(number: number, text: string): Promise<string> {
  return until(async () => {
    const comments = await stickyComments(number);
    return comments.length === 1 && comments[0]!.body!.includes(text) ? comments[0]!.body! : undefined;
  }, `the sticky comment of #${number} to say ${JSON.stringify(text)}`);
}

/** The check run of a head commit once it has `title`. */
async function checkTitled(sha: string, title: string) {
  return until(async () => (await checkRuns(sha)).find((c) => c.output.title === title), `the check on ${sha.slice(0, 7)} titled ${JSON.stringify(title)}`);
}

/** Waits until pao has made no call to the simulator for a while: everything queued has been done. */
async function quiet(ms = 600): Promise<void> {
  await world.sim.webhooks.settled();
  let count = world.sim.calls.length;
  let since = Date.now();
  while (Date.now() - since < ms) {
    await new Promise((r) => setTimeout(r, 50));
    if (world.sim.calls.length !== count) {
      count = world.sim.calls.length;
      since = Date.now();
    }
  }
}

describe("a request pull request", () => {
  it("gets one check, one sticky comment with the plan, and a submitted record on a pao-status branch it creates", async () => {
    expect(world.repo.refs.get("heads/pao-status")).toBeUndefined();
    const path = "requests/product-team/orders-cache.yaml";
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "order-cache", title: "Order a cache", files: { [path]: CACHE("orders-cache") } });
    const id = idOf(path, pull.number);
    const record = await until(() => recordOn(id), "the status record");
    expect(record).toMatchObject({
      request_id: id,
      status: "submitted",
      kind: "catalog_item",
      name: "redis-cache",
      pull_request: pull.number,
      request_path: path,
      requester: { user_id: "dev-user" },
      request_sha: gitBlobSha(CACHE("orders-cache")),
    });
    expect(record.fulfillment.steps.length).toBeGreaterThan(0);
    expect(record.fulfillment.steps.every((s) => s.status === "pending" && s.attempts.length === 0)).toBe(true);
    expect(record.parameters).toMatchObject({ cache_name: "orders-cache", cache_size: "2gb" });

    const check = await checkTitled(pull.head.sha, "1 valid request");
    expect(check.conclusion).toBe("success");
    const body = await commentSaying(pull.number, id);
    expect(body).toContain("Catalog item `redis-cache`");
    expect(body).toContain(`\`>=1.0.0\` → \`${record.version}\``);
    expect(body).toContain("| Status | `submitted` |");
    for (const step of record.fulfillment.steps) expect(body).toContain(`| \`${step.step_id}\` | \`${step.name}\` | \`${step.type}\` |`);
    expect(body).toMatch(/workflow `pao-[a-z]+\.yml`/);
    expect(body).toContain("| `cache_size` | `\"2gb\"` | request |");
  });

  it("treats several request files as separate requests, and the check covers them all", async () => {
    const good = "requests/product-team/multi-a.yaml";
    const other = "requests/product-team/multi-b.yaml";
    const bad = "requests/product-team/multi-bad.yaml";
    const pull = openPullRequest(world.sim, world.repo, {
      author: "dev-user",
      branch: "order-several",
      title: "Order three things",
      files: { [good]: CACHE("multi-a"), [other]: CACHE("multi-b"), [bad]: CACHE("multi-bad").replace("cache_size: 2gb", "cache_size: 3gb") },
    });
    const check = await checkTitled(pull.head.sha, "1 error to fix");
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(good);
    expect(check.output.summary).toContain(other);
    const notes = await annotations(Number(check.id));
    expect(notes).toEqual([expect.objectContaining({ path: bad, start_line: 5, annotation_level: "failure" })]);
    await until(() => recordOn(idOf(good, pull.number)) && recordOn(idOf(other, pull.number)), "both valid requests recorded");
    await quiet();
    expect(recordOn(idOf(bad, pull.number))).toBeUndefined();
    const body = await commentSaying(pull.number, "3 requests");
    expect(body.match(/^### /gm)).toHaveLength(3);
  });

  it("refuses a requester.user_id other than the pull request's author, on its line", async () => {
    const path = "requests/product-team/impostor.yaml";
    const pull = openPullRequest(world.sim, world.repo, {
      author: "dev-user",
      branch: "order-as-someone-else",
      title: "Order as someone else",
      files: { [path]: `${CACHE("impostor")}requester:\n  user_id: platform-lead\n` },
    });
    const check = await checkTitled(pull.head.sha, "1 error to fix");
    const notes = await annotations(Number(check.id));
    expect(notes).toEqual([expect.objectContaining({ path, start_line: 7, title: "request-requester-mismatch" })]);
    await quiet();
    expect(recordOn(idOf(path, pull.number))).toBeUndefined();
  });

  it("validates a pull request from a fork but never records it, and the comment says why", async () => {
    const path = "requests/product-team/from-fork.yaml";
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "fork-order", title: "Order from my fork", files: { [path]: CACHE("from-fork") }, fromFork: true });
    const check = await checkTitled(pull.head.sha, "1 valid request");
    expect(check.output.summary).toContain("comes from a fork");
    const body = await commentSaying(pull.number, "comes from a fork");
    expect(body).toContain("never fulfils them");
    await quiet();
    expect(recordOn(idOf(path, pull.number))).toBeUndefined();
  });

  it("validates against the default branch's catalog, not catalog changes in the same pull request, and says so", async () => {
    const catalogText = readFileSync("catalog/databases/redis-cache.yaml", "utf8").replace(/^version: .*$/m, "version: 9.9.9");
    const path = "requests/product-team/future-cache.yaml";
    const pull = openPullRequest(world.sim, world.repo, {
      author: "dev-user",
      branch: "order-with-catalog",
      title: "Add a version and order it",
      files: { "catalog/databases/redis-cache-9.yaml": catalogText, [path]: CACHE("future-cache").replace(">=1.0.0", "9.9.9") },
    });
    const check = await checkTitled(pull.head.sha, "1 error to fix");
    expect(check.output.summary).toContain("also changes the catalog");
    expect((await annotations(Number(check.id)))[0]).toMatchObject({ path, title: "request-no-version", start_line: 2 });
  });
});

describe("approval", () => {
  it("waits for an approving review by a writer in the item's team, on the current content; a change voids it", async () => {
    const path = "requests/data-team/analytics-db.yaml";
    const text = ORDERS_DB.replace("database_name: orders", "database_name: analytics");
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "order-analytics-db", title: "Order a database", files: { [path]: text } });
    const id = idOf(path, pull.number);

    let check = await checkTitled(pull.head.sha, "1 request waits for approval");
    expect(check.status).toBe("in_progress");
    expect(check.output.summary).toContain("someone other than `dev-user`, with write permission, in `acme/platform-data-team`");
    expect(recordOn(id)).toMatchObject({ status: "awaiting_approval", approval: { reason: "item", teams: ["acme/platform-data-team"], approved_by: null } });
    await commentSaying(pull.number, "⏳ Waiting for approval: the catalog item asks for approval");

    // A reader's approval and a writer's from outside the team do not count, and the check says why.
    submitReview(world.sim, world.repo, pull.number, { user: "reader", state: "APPROVED" });
    submitReview(world.sim, world.repo, pull.number, { user: "ops-dev", state: "APPROVED" });
    check = await until(async () => {
      const c = (await checkRuns(pull.head.sha))[0];
      return c?.output.summary?.includes("`ops-dev` does not count") ? c : undefined;
    }, "the check to name the approvals that do not count");
    expect(check.output.summary).toContain("The approval by `reader` does not count: the reviewer has no write permission on this repository.");
    expect(check.output.summary).toContain("The approval by `ops-dev` does not count: the reviewer is not in an approver team.");
    expect(recordOn(id)!.status).toBe("awaiting_approval");

    // The team's writer approves: the request is ready to fulfil.
    const review = submitReview(world.sim, world.repo, pull.number, { user: "platform-lead", state: "APPROVED" });
    await until(() => recordOn(id)?.status === "submitted", "the approved request to be submitted");
    expect(recordOn(id)!.approval).toMatchObject({ approved_by: "platform-lead", review_id: review.id });
    check = await checkTitled(pull.head.sha, "1 valid request");
    expect(check.conclusion).toBe("success");
    await commentSaying(pull.number, "✅ Approved by `platform-lead` on the current request content.");

    // A push that leaves the request file alone keeps the approval...
    const unrelated = pushToPullRequest(world.sim, world.repo, pull.number, { files: { "docs/analytics.md": "# why we need it\n" } });
    await checkTitled(unrelated, "1 valid request");
    expect(recordOn(id)!.status).toBe("submitted");

    // ...one that changes it voids the approval and re-validates.
    const changed = pushToPullRequest(world.sim, world.repo, pull.number, { files: { [path]: text.replace("allocated_storage: 100", "allocated_storage: 200") } });
    check = await checkTitled(changed, "1 request waits for approval");
    expect(check.output.summary).toContain("The approval by `platform-lead` does not count: it approved an earlier version of the request file.");
    await until(() => recordOn(id)?.status === "awaiting_approval", "the voided approval");
    expect(recordOn(id)).toMatchObject({ parameters: { allocated_storage: 200 }, approval: { approved_by: null } });

    submitReview(world.sim, world.repo, pull.number, { user: "platform-lead", state: "APPROVED" });
    await until(() => recordOn(id)?.status === "submitted", "the request approved again");
  });

  it("does not count an approval it cannot confirm with GitHub, and says so; the next event counts it", async () => {
    const path = "requests/data-team/lookup-db.yaml";
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "order-lookup-db", title: "Order a database", files: { [path]: ORDERS_DB.replace("database_name: orders", "database_name: lookup") } });
    const id = idOf(path, pull.number);
    await until(() => recordOn(id)?.status === "awaiting_approval", "the request to wait for approval");
    // The app may not read team memberships (say its members permission was withdrawn): GitHub answers 403.
    world.sim.fault({ match: "teams/get-membership-for-user-in-org", status: 403 });
    try {
      submitReview(world.sim, world.repo, pull.number, { user: "platform-lead", state: "APPROVED" });
      const check = await until(async () => {
        const c = (await checkRuns(pull.head.sha))[0];
        return c?.output.summary?.includes("`platform-lead` does not count") ? c : undefined;
      }, "the check to say the approval could not be confirmed");
      expect(check.output.summary).toContain("GitHub could not confirm the reviewer's permission just now");
      expect(check.status).toBe("in_progress");
      await quiet();
      expect(recordOn(id)!.status).toBe("awaiting_approval");
    } finally {
      world.sim.clearFaults();
    }
    // A comment-only review leaves the approval standing, and wakes pao, which can now confirm it.
    submitReview(world.sim, world.repo, pull.number, { user: "platform-lead", state: "COMMENTED", body: "ping" });
    await until(() => recordOn(id)?.status === "submitted", "the confirmed approval");
  });

  it("makes every destructive update wait for approval", async () => {
    const path = "requests/data-team/orders-db-upgrade-2.yaml";
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "upgrade-orders-db", title: "Upgrade the database", files: { [path]: DB_UPGRADE } });
    await checkTitled(pull.head.sha, "1 request waits for approval");
    await commentSaying(pull.number, "⏳ Waiting for approval: this update is destructive");
    expect(recordOn(idOf(path, pull.number))).toMatchObject({ status: "awaiting_approval", kind: "update_item", approval: { reason: "destructive" } });
  });
});

describe("changes and closing", () => {
  it("cancels the requests of a pull request closed without merge, and takes them up again when it is reopened", async () => {
    const path = "requests/product-team/second-thoughts.yaml";
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "second-thoughts", title: "Order, then not", files: { [path]: CACHE("second-thoughts") } });
    const id = idOf(path, pull.number);
    const first = await until(() => recordOn(id), "the record");
    closePullRequest(world.sim, world.repo, pull.number);
    const cancelled = await until(() => (recordOn(id)?.status === "cancelled" ? recordOn(id) : undefined), "the cancelled record");
    expect(cancelled.fulfillment.steps.every((s) => s.status === "cancelled")).toBe(true);
    expect(cancelled.fulfillment.can_abort).toBe(false);
    await commentSaying(pull.number, "| Status | `cancelled` |");

    reopenPullRequest(world.sim, world.repo, pull.number);
    const revived = await until(() => (recordOn(id)?.status === "submitted" ? recordOn(id) : undefined), "the record taken up again");
    expect(revived.created_at).toBe(first.created_at);
    expect(revived.fulfillment.steps.every((s) => s.status === "pending")).toBe(true);
  });

  it("cancels a request whose file the pull request no longer adds, and the comment keeps it in view", async () => {
    const kept = "requests/product-team/kept.yaml";
    const dropped = "requests/product-team/dropped.yaml";
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "drop-one", title: "Order two, keep one", files: { [kept]: CACHE("kept"), [dropped]: CACHE("dropped") } });
    await until(() => recordOn(idOf(kept, pull.number)) && recordOn(idOf(dropped, pull.number)), "both records");
    const head = pushToPullRequest(world.sim, world.repo, pull.number, { files: { [dropped]: null } });
    await until(() => recordOn(idOf(dropped, pull.number))?.status === "cancelled", "the dropped request cancelled");
    expect(recordOn(idOf(kept, pull.number))!.status).toBe("submitted");
    await checkTitled(head, "1 valid request");
    const body = await commentSaying(pull.number, "### Taken out of this pull request");
    expect(body).toContain(`| \`${dropped}\` | \`${idOf(dropped, pull.number)}\` | \`cancelled\` |`);
  });

  it("re-validates a push before fulfilment, and refuses one that changes a request after fulfilment started", async () => {
    const path = "requests/product-team/in-flight.yaml";
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "in-flight", title: "Order a cache", files: { [path]: CACHE("in-flight") } });
    const id = idOf(path, pull.number);
    await until(() => recordOn(id), "the record");

    // Before fulfilment: a push re-validates, and the record follows the new content.
    const edited = CACHE("in-flight").replace("cache_size: 2gb", "cache_size: 4gb");
    const second = pushToPullRequest(world.sim, world.repo, pull.number, { files: { [path]: edited } });
    await checkTitled(second, "1 valid request");
    await until(() => recordOn(id)?.parameters["cache_size"] === "4gb", "the record to follow the push");

    // Fulfilment starts (what the next piece of pao does): step-001 dispatched, the request in progress.
    const started = recordOn(id)!;
    started.status = "in_progress";
    started.fulfillment.steps[0]!.status = "running";
    started.fulfillment.steps[0]!.attempts = [{ attempt_number: 1, run_id: 1, status: "running", started_at: started.updated_at }];
    commitFiles(world.sim, world.repo, "pao-status", { [recordPath(id)]: stringify(started) }, { message: "fulfilment started" });
    await quiet();

    const third = pushToPullRequest(world.sim, world.repo, pull.number, { files: { [path]: edited.replace("cache_size: 4gb", "cache_size: 8gb") } });
    const check = await checkTitled(third, "1 error to fix");
    expect(check.conclusion).toBe("failure");
    const [refusal] = await annotations(Number(check.id));
    expect(refusal).toMatchObject({ path, start_line: 1, title: "request-changed-after-start" });
    expect(refusal!.message).toContain("/abort");
    await quiet();
    expect(recordOn(id)).toMatchObject({ status: "in_progress", parameters: { cache_size: "4gb" }, request_sha: gitBlobSha(edited) });
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
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch, title: "Order a twin database", files: { [path]: text } });
    const second = pushToPullRequest(world.sim, world.repo, pull.number, { files: { [path]: changed } });
    submitReview(world.sim, world.repo, pull.number, { user: "reader", state: "APPROVED" });
    submitReview(world.sim, world.repo, pull.number, { user: "platform-lead", state: "APPROVED" });
    return { number: pull.number, head: second };
  }

  /** What a person sees of a pull request's requests, without what differs between two pull requests by design. */
  async function endState(number: number, head: string) {
    const id = idOf(path, number);
    const record = await until(() => (recordOn(id)?.status === "submitted" ? recordOn(id) : undefined), `#${number} approved and submitted`, 30_000);
    await quiet(1000);
    const status = world.repo.refs.get("heads/pao-status")!;
    const recordsOfPull = world.repo.store
      .readTree(status, { recursive: true })
      .filter((e) => e.type === "blob" && e.path.startsWith("status/"))
      .map((e) => parse(world.repo.store.getBlob(e.sha).content.toString("utf8")) as { pull_request: number })
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

    const hooks = world.sim.webhooks;
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

  it("ignores the events its own commits and comments cause", async () => {
    const own = "requests/product-team/own-events.yaml";
    const pull = openPullRequest(world.sim, world.repo, { author: "dev-user", branch: "own-events", title: "Order a cache", files: { [own]: CACHE("own-events") } });
    await until(() => recordOn(idOf(own, pull.number)), "the record");
    await commentSaying(pull.number, idOf(own, pull.number));
    await quiet();
    const bot = `${world.sim.app.slug}[bot]`;
    const caused = world.sim.webhooks.deliveries.filter((d) => (d.payload["sender"] as { login?: string } | undefined)?.login === bot);
    const kinds = new Set(caused.map((d) => `${d.event}.${d.action ?? ""}`));
    expect(kinds).toContain("issue_comment.created");
    expect(kinds).toContain("push.");

    const before = world.sim.calls.length;
    for (const d of caused) world.sim.webhooks.emit(d.event, structuredClone(d.payload));
    await quiet();
    const after = world.sim.calls.slice(before).filter((c) => c.caller === "installation");
    // A push to pao-status is read into the API's snapshot; nothing else is done, and nothing is written.
    expect(after.map((c) => c.operationId).filter((op) => !["git/get-ref", "git/get-tree", "git/get-blob", "git/get-commit"].includes(op ?? ""))).toEqual([]);
  });
});
