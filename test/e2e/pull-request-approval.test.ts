/**
 * Request pull requests end to end, approval: requests whose catalog definition asks for approval, and destructive
 * updates, wait until a writer other than the requester (in the item's approver team, when it names one) approves
 * the request content as it is now; the check and the sticky comment say who may approve and what is missing.
 */
import { describe, expect, it } from "vitest";
import { openPullRequest, pushToPullRequest, submitReview } from "../sim/index.js";
import { until } from "./github-world.js";
import { ORDERS_DB, DB_UPGRADE, idOf, requestKit, useRequestWorld } from "./request-kit.js";

const world = useRequestWorld();
const { recordOn, checkRuns, stickyComments, commentSaying, checkTitled, quiet } = requestKit(world);

describe("approval", () => {
  it("waits for an approving review by a writer in the item's team, on the current content; a change voids it", async () => {
    const path = "requests/data-team/analytics-db.yaml";
    const text = ORDERS_DB.replace("database_name: orders", "database_name: analytics");
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "order-analytics-db", title: "Order a database", files: { [path]: text } });
    const id = idOf(path, pull.number);

    let check = await checkTitled(pull.head.sha, "1 request waits for approval");
    expect(check.status).toBe("in_progress");
    expect(check.output.summary).toContain("someone other than `dev-user`, with write permission, in `acme/platform-data-team`");
    expect(recordOn(id)).toMatchObject({ status: "awaiting_approval", approval: { reason: "item", teams: ["acme/platform-data-team"], approved_by: null } });
    await commentSaying(pull.number, "⏳ Waiting for approval: the catalog item asks for approval");
    const [sticky] = await stickyComments(pull.number);

    // A reader's approval and a writer's from outside the team do not count, and the check says why.
    submitReview(world().sim, world().repo, pull.number, { user: "reader", state: "APPROVED" });
    submitReview(world().sim, world().repo, pull.number, { user: "ops-dev", state: "APPROVED" });
    check = await until(async () => {
      const c = (await checkRuns(pull.head.sha))[0];
      return c?.output.summary?.includes("`ops-dev` does not count") ? c : undefined;
    }, "the check to name the approvals that do not count");
    expect(check.output.summary).toContain("The approval by `reader` does not count: the reviewer has no write permission on this repository.");
    expect(check.output.summary).toContain("The approval by `ops-dev` does not count: the reviewer is not in an approver team.");
    expect(recordOn(id)!.status).toBe("awaiting_approval");

    // The team's writer approves: the request is ready to fulfil.
    const review = submitReview(world().sim, world().repo, pull.number, { user: "platform-lead", state: "APPROVED" });
    await until(() => recordOn(id)?.status === "submitted", "the approved request to be submitted");
    expect(recordOn(id)!.approval).toMatchObject({ approved_by: "platform-lead", review_id: review.id });
    check = await checkTitled(pull.head.sha, "1 valid request");
    expect(check.conclusion).toBe("success");
    // Three reviews later the head still has its one check run, updated in place.
    expect(await checkRuns(pull.head.sha)).toHaveLength(1);
    await commentSaying(pull.number, "✅ Approved by `platform-lead` on the current request content.");

    // A push that leaves the request file alone keeps the approval...
    const unrelated = pushToPullRequest(world().sim, world().repo, pull.number, { files: { "docs/analytics.md": "# why we need it\n" } });
    await checkTitled(unrelated, "1 valid request");
    expect(recordOn(id)!.status).toBe("submitted");

    // ...one that changes it voids the approval and re-validates.
    const changed = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [path]: text.replace("allocated_storage: 100", "allocated_storage: 200") } });
    check = await checkTitled(changed, "1 request waits for approval");
    expect(check.output.summary).toContain("The approval by `platform-lead` does not count: it approved an earlier version of the request file.");
    await until(() => recordOn(id)?.status === "awaiting_approval", "the voided approval");
    expect(recordOn(id)).toMatchObject({ parameters: { allocated_storage: 200 }, approval: { approved_by: null } });

    submitReview(world().sim, world().repo, pull.number, { user: "platform-lead", state: "APPROVED" });
    await until(() => recordOn(id)?.status === "submitted", "the request approved again");
    await commentSaying(pull.number, "✅ Approved by `platform-lead`");

    // One sticky comment all along: created once, then edited in place, never deleted and made again.
    const [last] = await stickyComments(pull.number);
    expect(last!.id).toBe(sticky!.id);
    const comments = world().sim.calls.filter((c) => c.path.includes(`/issues/${pull.number}/comments`) || c.operationId === "issues/delete-comment");
    expect(comments.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(comments.filter((c) => c.method === "DELETE")).toHaveLength(0);
    expect(world().sim.calls.filter((c) => c.operationId === "issues/update-comment" && c.path.endsWith(`/comments/${sticky!.id}`)).length).toBeGreaterThan(2);
  });

  it("does not count an approval it cannot confirm with GitHub, and says so; the next event counts it", async () => {
    const path = "requests/data-team/lookup-db.yaml";
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "order-lookup-db", title: "Order a database", files: { [path]: ORDERS_DB.replace("database_name: orders", "database_name: lookup") } });
    const id = idOf(path, pull.number);
    await until(() => recordOn(id)?.status === "awaiting_approval", "the request to wait for approval");
    // The app may not read team memberships (say its members permission was withdrawn): GitHub answers 403.
    world().sim.fault({ match: "teams/get-membership-for-user-in-org", status: 403 });
    try {
      submitReview(world().sim, world().repo, pull.number, { user: "platform-lead", state: "APPROVED" });
      const check = await until(async () => {
        const c = (await checkRuns(pull.head.sha))[0];
        return c?.output.summary?.includes("`platform-lead` does not count") ? c : undefined;
      }, "the check to say the approval could not be confirmed");
      expect(check.output.summary).toContain("GitHub could not confirm the reviewer's permission just now");
      expect(check.status).toBe("in_progress");
      await quiet();
      expect(recordOn(id)!.status).toBe("awaiting_approval");
    } finally {
      world().sim.clearFaults();
    }
    // A comment-only review leaves the approval standing, and wakes pao, which can now confirm it.
    submitReview(world().sim, world().repo, pull.number, { user: "platform-lead", state: "COMMENTED", body: "ping" });
    await until(() => recordOn(id)?.status === "submitted", "the confirmed approval");
  });

  it("makes every destructive update wait for approval", async () => {
    const path = "requests/data-team/orders-db-upgrade-2.yaml";
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "upgrade-orders-db", title: "Upgrade the database", files: { [path]: DB_UPGRADE } });
    await checkTitled(pull.head.sha, "1 request waits for approval");
    await commentSaying(pull.number, "⏳ Waiting for approval: this update is destructive");
    expect(recordOn(idOf(path, pull.number))).toMatchObject({ status: "awaiting_approval", kind: "update_item", approval: { reason: "destructive" } });
  });
});
