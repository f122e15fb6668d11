/**
 * Request pull requests end to end, what happens after opening: pushes before and after fulfilment starts, request
 * files taken out, closing and reopening, a record that cannot be written.
 */
import { describe, expect, it } from "vitest";
import { gitBlobSha } from "../../src/app/status-writer.js";
import { closePullRequest, commitFiles, openPullRequest, pushToPullRequest, reopenPullRequest, rerequestCheckRun, setDraft, startRun } from "../sim/index.js";
import { NAME, OWNER, until } from "./github-world.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";

const world = useRequestWorld();
const { recordOn, checkRuns, annotations, commentSaying, checkTitled, quiet } = requestKit(world);

describe("changes and closing", () => {
  it("cancels the requests of a pull request closed without merge, and takes them up again when it is reopened", async () => {
    const path = "requests/product-team/second-thoughts.yaml";
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "second-thoughts", title: "Order, then not", files: { [path]: CACHE("second-thoughts") } });
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
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "drop-one", title: "Order two, keep one", files: { [kept]: CACHE("kept"), [dropped]: CACHE("dropped") } });
    await until(() => recordOn(idOf(kept, pull.number)) && recordOn(idOf(dropped, pull.number)), "both records");
    const head = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [dropped]: null } });
    await until(() => recordOn(idOf(dropped, pull.number))?.status === "cancelled", "the dropped request cancelled");
    expect(recordOn(idOf(kept, pull.number))!.status).toBe("submitted");
    await checkTitled(head, "1 valid request");
    const body = await commentSaying(pull.number, "### Taken out of this pull request");
    expect(body).toContain(`| \`${dropped}\` | \`${idOf(dropped, pull.number)}\` | \`cancelled\` |`);
  });

  it("cancels the requests of a pull request retargeted away from the default branch, and takes them up when it comes back", async () => {
    commitFiles(world().sim, world().repo, "release-2", { "docs/release.md": "# release 2\n" }, { from: "main", push: false });
    const path = "requests/product-team/retargeted.yaml";
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "retargeted", title: "Order a cache", files: { [path]: CACHE("retargeted") } });
    const id = idOf(path, pull.number);
    await until(() => recordOn(id)?.status === "submitted", "the record");
    const retarget = (base: string) => world().as("dev-user").request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { owner: OWNER, repo: NAME, pull_number: pull.number, base });
    await retarget("release-2");
    await until(() => recordOn(id)?.status === "cancelled", "the request cancelled");
    await commentSaying(pull.number, "does not merge into the default branch");
    await retarget("main");
    await until(() => recordOn(id)?.status === "submitted", "the request taken up again");
  });

  it("re-validates a push before fulfilment (a draft waits), and refuses one that changes a request after fulfilment started", async () => {
    const path = "requests/product-team/in-flight.yaml";
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "in-flight", title: "Order a cache", files: { [path]: CACHE("in-flight") } });
    const id = idOf(path, pull.number);
    await until(() => recordOn(id), "the record");

    // Before fulfilment: a push re-validates, and the record follows the new content.
    const edited = CACHE("in-flight").replace("cache_size: 2gb", "cache_size: 4gb");
    const second = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [path]: edited } });
    await checkTitled(second, "1 valid request");
    await until(() => recordOn(id)?.parameters["cache_size"] === "4gb", "the record to follow the push");

    // The draft is marked ready for review: fulfilment starts, step-001 is dispatched and its run starts.
    setDraft(world().sim, world().repo, pull.number, false);
    const started = await until(() => recordOn(id)?.fulfillment.steps[0]!.attempts[0]?.run_id ?? undefined, "fulfilment to start");
    startRun(world().sim, world().repo, started);
    await until(() => recordOn(id)?.fulfillment.steps[0]!.status === "running", "step-001 running");
    await quiet();

    const third = pushToPullRequest(world().sim, world().repo, pull.number, { files: { [path]: edited.replace("cache_size: 4gb", "cache_size: 8gb") } });
    const check = await checkTitled(third, "1 error to fix");
    expect(check.conclusion).toBe("failure");
    const [refusal] = await annotations(Number(check.id));
    expect(refusal).toMatchObject({ path, start_line: 1, title: "request-changed-after-start" });
    expect(refusal!.message).toContain("/abort");
    await quiet();
    expect(recordOn(id)).toMatchObject({ status: "in_progress", parameters: { cache_size: "4gb" }, request_sha: gitBlobSha(edited) });
    // The comment goes on showing what is being fulfilled (the check run has its live step table).
    const body = await commentSaying(pull.number, "| Status | `in_progress` |");
    expect(body).toContain('| `cache_size` | `"4gb"` |');
    expect(body).not.toContain("8gb");
    expect(body).toContain("🔄 Fulfilling 1 step");

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
    world().sim.fault({ match: "repos/create-or-update-file-contents", status: 403 });
    let pull: ReturnType<typeof openPullRequest>;
    try {
      pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "unlucky", title: "Order a cache", files: { [path]: CACHE("unlucky") } });
      const check = await checkTitled(pull.head.sha, "1 error to fix");
      expect(check.conclusion).toBe("failure");
      expect(check.output.summary).toContain("pao could not write this request's status record");
      // Not a problem of a line of the file: said in the summary, not annotated.
      expect(await annotations(Number(check.id))).toEqual([]);
      expect(recordOn(idOf(path, pull.number))).toBeUndefined();
    } finally {
      world().sim.clearFaults();
    }
    // "Re-run" on the check is such an event.
    const [failed] = await checkRuns(pull.head.sha);
    rerequestCheckRun(world().sim, world().repo, Number(failed!.id), { user: "dev-user" });
    await until(() => recordOn(idOf(path, pull.number)), "the record after the re-run");
    await checkTitled(pull.head.sha, "1 valid request");
    // The same run, updated in place: still one check run for the head.
    expect(await checkRuns(pull.head.sha)).toHaveLength(1);
  });
});
