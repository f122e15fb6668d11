/**
 * Request pull requests end to end, the conversation: the real pao server as a GitHub App against the simulator. A
 * developer opens a pull request adding request files; pao validates them against the default branch's catalog,
 * answers in one check run per head commit and one sticky comment, and records each valid request on pao-status.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gitBlobSha } from "../../src/app/status-writer.js";
import { commitFiles, openPullRequest } from "../sim/index.js";
import { until } from "./github-world.js";
import { CACHE, idOf, requestKit, useRequestWorld } from "./request-kit.js";

const world = useRequestWorld();
const { recordOn, annotations, commentSaying, checkTitled, quiet } = requestKit(world);

describe("a request pull request", () => {
  it("gets one check, one sticky comment with the plan, and a submitted record on a pao-status branch it creates", async () => {
    expect(world().repo.refs.get("heads/pao-status")).toBeUndefined();
    const path = "requests/product-team/orders-cache.yaml";
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "order-cache", title: "Order a cache", files: { [path]: CACHE("orders-cache") } });
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
    // What each step is sent: its template rendered with the request's parameters.
    expect(body).toContain("<details><summary>What each step is sent</summary>");
    expect(body).toContain('"name": "orders-cache"');
    expect(body).toContain('"node_size": "2gb"');
  });

  it("treats several request files as separate requests, and the check covers them all", async () => {
    const good = "requests/product-team/multi-a.yaml";
    const other = "requests/product-team/multi-b.yaml";
    const bad = "requests/product-team/multi-bad.yaml";
    const pull = openPullRequest(world().sim, world().repo, {
      draft: true,
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
    const pull = openPullRequest(world().sim, world().repo, {
      draft: true,
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
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "fork-order", title: "Order from my fork", files: { [path]: CACHE("from-fork") }, fromFork: true });
    const check = await checkTitled(pull.head.sha, "1 valid request");
    expect(check.output.summary).toContain("comes from a fork");
    const body = await commentSaying(pull.number, "comes from a fork");
    expect(body).toContain("never fulfils them");
    await quiet();
    expect(recordOn(idOf(path, pull.number))).toBeUndefined();
  });

  it("validates a pull request into another branch than the default one but never records it, and says why", async () => {
    commitFiles(world().sim, world().repo, "release-1", { "docs/release.md": "# release 1\n" }, { from: "main", push: false });
    const path = "requests/product-team/into-release.yaml";
    const pull = openPullRequest(world().sim, world().repo, { draft: true, author: "dev-user", branch: "order-into-release", base: "release-1", title: "Order on a release branch", files: { [path]: CACHE("into-release") } });
    const check = await checkTitled(pull.head.sha, "1 valid request");
    expect(check.output.summary).toContain("does not merge into the default branch");
    await commentSaying(pull.number, "change its base branch to order");
    await quiet();
    expect(recordOn(idOf(path, pull.number))).toBeUndefined();
  });

  it("validates against the default branch's catalog, not catalog changes in the same pull request, and says so", async () => {
    const catalogText = readFileSync("catalog/databases/redis-cache.yaml", "utf8").replace(/^version: .*$/m, "version: 9.9.9");
    const path = "requests/product-team/future-cache.yaml";
    const pull = openPullRequest(world().sim, world().repo, {
      draft: true,
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
