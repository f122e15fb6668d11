/**
 * The conversation group against a real client: octokit over HTTP to the simulator, webhooks captured by a local
 * server and their signatures checked with @octokit/webhooks. Every answer is judged by GitHub's description inside
 * the simulator, so each test ends with no violations.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhooks } from "@octokit/webhooks";
import { Octokit } from "octokit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { examplePayload } from "../payloads.js";
import { commitFiles, createRepository } from "../repo-state.js";
import { Simulator } from "../simulator.js";
import type { SimRepo } from "../state.js";
import type { Json } from "../types.js";
import {
  botLogin,
  closeIssue,
  closePullRequest,
  commentOnPullRequest,
  conversationGroup,
  editComment,
  mergePullRequest,
  openIssue,
  openPullRequest,
  pushToPullRequest,
  reopenPullRequest,
  submitReview,
} from "./conversation.js";


interface Captured {
  event: string;
  delivery: string;
  signature: string;
  raw: string;
  payload: any;
}

let receiver: Server;
let receiverUrl = "";
const captured: Captured[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      captured.push({
        event: String(req.headers["x-github-event"]),
        delivery: String(req.headers["x-github-delivery"]),
        signature: String(req.headers["x-hub-signature-256"]),
        raw,
        payload: JSON.parse(raw),
      });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/github/webhooks`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

// One simulator for the file (its RSA key takes a while to make); a fresh repository for every test.
let sim: Simulator;
let repo: SimRepo;
let gh: Octokit;
let count = 0;

beforeAll(async () => {
  sim = new Simulator();
  sim.register(conversationGroup);
  await sim.start();
  sim.webhooks.target = { url: receiverUrl, secret: sim.app.webhookSecret };
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(async () => {
  await clearDeliveries();
  repo = createRepository(sim, {
    owner: "acme",
    name: `catalog-${++count}`,
    files: { "README.md": "# catalog\n", "catalog/db.yaml": "name: db\nversion: 1\n", "old.txt": "old\n" },
    collaborators: { alice: "write", bob: "write", carol: "read" },
  });
  gh = client(sim.issueInstallationToken(repo.installationId).token);
});

afterEach(async () => {
  await sim.webhooks.settled();
  const violations = [...sim.violations];
  sim.violations.length = 0;
  expect(violations).toEqual([]);
  expect(sim.webhooks.deliveries.every((d) => d.status === 200)).toBe(true);
});

async function clearDeliveries(): Promise<void> {
  await sim?.webhooks.settled();
  captured.length = 0;
}

function client(token: string): Octokit {
  return new Octokit({ auth: token, baseUrl: sim.apiUrl, retry: { enabled: false }, throttle: { enabled: false } });
}

const where = () => ({ owner: repo.owner, repo: repo.name });

/** The deliveries so far (all answered), every signature checked. */
async function deliveries(): Promise<Captured[]> {
  await sim.webhooks.settled();
  const webhooks = new Webhooks({ secret: sim.app.webhookSecret });
  for (const d of captured) {
    expect(d.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await webhooks.verify(d.raw, d.signature), `${d.event} signature`).toBe(true);
    expect(d.delivery).toMatch(/^[0-9a-f-]{36}$/);
  }
  return [...captured];
}

async function take(event: string, action?: string): Promise<any[]> {
  const all = await deliveries();
  return all.filter((d) => d.event === event && (action === undefined || d.payload.action === action)).map((d) => d.payload);
}

/** The example GitHub's payloads are recorded in, for this event and action. */
const STANDIN: Record<string, string> = { "issues:closed": "reopened" };

/** Every top-level key of GitHub's example is there, and the objects inside keep the example's keys too. */
function expectExampleShape(event: string, payload: any): void {
  const action = payload.action as string | undefined;
  const example = examplePayload(event, action ? (STANDIN[`${event}:${action}`] ?? action) : undefined);
  for (const key of Object.keys(example)) {
    if (key === "organization") continue;
    expect(payload, `${event}.${action}: ${key}`).toHaveProperty([key]);
  }
  expect(payload.installation?.id).toBe(repo.installationId);
  for (const part of ["pull_request", "issue", "comment", "review", "label"]) {
    const inner = example[part] as Json | undefined;
    if (!inner || typeof inner !== "object") continue;
    for (const key of Object.keys(inner)) expect(payload[part], `${event}.${action}: ${part}.${key}`).toHaveProperty([key]);
  }
}

function open(extra: Partial<Parameters<typeof openPullRequest>[2]> = {}) {
  return openPullRequest(sim, repo, {
    author: "alice",
    branch: "order-db",
    title: "Order a database",
    body: "Please",
    files: { "requests/team-a/db.yaml": "item: db\nversion: 1\n" },
    ...extra,
  });
}

describe("pull requests", () => {
  it("opening emits push and pull_request opened, consistent with the REST answer", async () => {
    const pull = open();
    expect(pull.number).toBe(1);
    const all = await deliveries();
    expect(all.map((d) => `${d.event}:${d.payload.action ?? ""}`)).toEqual(["push:", "pull_request:opened"]);
    const [opened] = await take("pull_request", "opened");
    expectExampleShape("pull_request", opened);
    expect(opened.number).toBe(1);
    expect(opened.sender.login).toBe("alice");
    expect(opened.repository.full_name).toBe(repo.fullName);

    const { data } = await gh.rest.pulls.get({ ...where(), pull_number: 1 });
    const hook = opened.pull_request;
    for (const key of ["id", "number", "state", "title", "body", "draft", "merged", "author_association", "html_url", "url"]) {
      expect(hook[key], key).toEqual((data as any)[key]);
    }
    expect(hook.user.login).toBe("alice");
    expect(data.user.login).toBe("alice");
    expect(hook.author_association).toBe("COLLABORATOR");
    expect(hook.head).toMatchObject({ ref: "order-db", sha: pull.head.sha, label: "acme:order-db" });
    expect(hook.head.repo.full_name).toBe(repo.fullName);
    expect(hook.base).toMatchObject({ ref: "main", sha: repo.refs.get("heads/main") });
    expect(data.head).toMatchObject({ ref: "order-db", sha: pull.head.sha });
    expect(data.base.sha).toBe(repo.refs.get("heads/main"));
    expect(data.mergeable).toBe(true);
    expect(data.mergeable_state).toBe("clean");
    expect(data.changed_files).toBe(1);
    expect(data.commits).toBe(1);
    expect(data.additions).toBe(2);
    expect(hook.mergeable).toBeNull();
  });

  it("lists with state, head and base filters", async () => {
    open();
    open({ branch: "other", author: "bob", title: "Other" });
    closePullRequest(sim, repo, 2);
    const openOnes = await gh.rest.pulls.list({ ...where() });
    expect(openOnes.data.map((p) => p.number)).toEqual([1]);
    const all = await gh.rest.pulls.list({ ...where(), state: "all" });
    expect(all.data.map((p) => p.number)).toEqual([2, 1]);
    const byHead = await gh.rest.pulls.list({ ...where(), state: "all", head: "acme:other" });
    expect(byHead.data.map((p) => p.number)).toEqual([2]);
    expect((await gh.rest.pulls.list({ ...where(), base: "nope" })).data).toEqual([]);
    const paged = await gh.rest.pulls.list({ ...where(), state: "all", per_page: 1 });
    expect(paged.data).toHaveLength(1);
    expect(paged.headers.link).toMatch(/rel="next"/);
    expect(await gh.paginate(gh.rest.pulls.list, { ...where(), state: "all", per_page: 1 })).toHaveLength(2);
  });

  it("pushing emits push and pull_request synchronize with before and after", async () => {
    const pull = open();
    const before = pull.head.sha;
    const after = pushToPullRequest(sim, repo, 1, { files: { "requests/team-a/db.yaml": "item: db\nversion: 2\n" } });
    const [sync] = await take("pull_request", "synchronize");
    expectExampleShape("pull_request", sync);
    expect(sync).toMatchObject({ before, after, number: 1 });
    expect(sync.pull_request.head.sha).toBe(after);
    expect((await take("push")).map((p) => p.after)).toEqual([before, after]);
    const commits = await gh.rest.pulls.listCommits({ ...where(), pull_number: 1 });
    expect(commits.data.map((c) => c.sha)).toEqual([before, after]);
    expect(commits.data[1]!.parents.map((p) => p.sha)).toEqual([before]);
    expect(commits.data[0]!.commit.author?.name).toBe("alice");
    expect((await gh.rest.pulls.get({ ...where(), pull_number: 1 })).data.head.sha).toBe(after);
  });

  it("lists the files the head changes against the merge base", async () => {
    open({
      files: {
        "requests/team-a/db.yaml": "item: db\n",
        "catalog/db.yaml": "name: db\nversion: 2\n",
        "old.txt": null,
        "README.md": null,
        "docs/README.md": "# catalog\n",
      },
    });
    // The base moving on does not count as a change of the pull request.
    commitFiles(sim, repo, "main", { "README.md": "# changed on main\n" });
    const pull = repo.pulls.get(1)!;
    const { data } = await gh.rest.pulls.listFiles({ ...where(), pull_number: 1 });
    expect(data.map((f) => [f.filename, f.status, f.previous_filename])).toEqual([
      ["catalog/db.yaml", "modified", undefined],
      ["docs/README.md", "renamed", "README.md"],
      ["old.txt", "removed", undefined],
      ["requests/team-a/db.yaml", "added", undefined],
    ]);
    expect(data[2]).toMatchObject({ additions: 0, deletions: 1, patch: "@@ -1 +0,0 @@\n-old" });
    const modified = data[0]!;
    expect(modified.sha).toBe(repo.store.fileAt(pull.head.sha, "catalog/db.yaml")!.sha);
    expect(modified).toMatchObject({ additions: 1, deletions: 1, changes: 2 });
    expect(modified.patch).toBe("@@ -1,2 +1,2 @@\n name: db\n-version: 1\n+version: 2");
    const added = data[3]!;
    expect(added.sha).toBe(repo.store.fileAt(pull.head.sha, "requests/team-a/db.yaml")!.sha);
    expect(added.patch).toBe("@@ -0,0 +1 @@\n+item: db");
    expect(added.contents_url).toContain(`ref=${pull.head.sha}`);
  });

  it("merges over REST: a merge commit with base and head as parents, push and pull_request closed merged", async () => {
    const pull = open();
    commitFiles(sim, repo, "main", { "README.md": "# moved on\n" });
    const baseTip = repo.refs.get("heads/main")!;
    await clearDeliveries();
    const { data } = await gh.rest.pulls.merge({ ...where(), pull_number: 1, sha: pull.head.sha });
    expect(data.merged).toBe(true);
    const merge = repo.store.getCommit(data.sha);
    expect(merge.parents).toEqual([baseTip, pull.head.sha]);
    expect(merge.message).toBe("Merge pull request #1 from acme/order-db\n\nOrder a database");
    expect(repo.refs.get("heads/main")).toBe(data.sha);
    expect(repo.store.fileAt(data.sha, "requests/team-a/db.yaml")!.content.toString()).toBe("item: db\nversion: 1\n");
    expect(repo.store.fileAt(data.sha, "README.md")!.content.toString()).toBe("# moved on\n");

    const all = await deliveries();
    expect(all.map((d) => `${d.event}:${d.payload.action ?? ""}`)).toEqual(["push:", "pull_request:closed"]);
    expect(all[0]!.payload).toMatchObject({ ref: "refs/heads/main", before: baseTip, after: data.sha });
    const closed = all[1]!.payload;
    expectExampleShape("pull_request", closed);
    expect(closed.pull_request).toMatchObject({ state: "closed", merged: true, merge_commit_sha: data.sha });
    expect(closed.pull_request.merged_by.login).toBe(botLogin(sim));
    expect(closed.sender.login).toBe(botLogin(sim));

    const after = await gh.rest.pulls.get({ ...where(), pull_number: 1 });
    expect(after.data).toMatchObject({ state: "closed", merged: true, merge_commit_sha: data.sha });
    // The merged pull request still shows its own commits and files.
    expect((await gh.rest.pulls.listFiles({ ...where(), pull_number: 1 })).data.map((f) => f.filename)).toEqual(["requests/team-a/db.yaml"]);
    expect((await gh.rest.pulls.listCommits({ ...where(), pull_number: 1 })).data).toHaveLength(1);
    await expect(gh.rest.pulls.merge({ ...where(), pull_number: 1 })).rejects.toMatchObject({ status: 405 });
  });

  it("refuses a merge on a moved head (409), a conflict or a closed pull request (405)", async () => {
    const first = open();
    await expect(gh.rest.pulls.merge({ ...where(), pull_number: 1, sha: "0".repeat(40) })).rejects.toMatchObject({ status: 409 });
    open({ branch: "clash", author: "bob", title: "Clash", files: { "catalog/db.yaml": "name: db\nversion: 3\n" } });
    commitFiles(sim, repo, "main", { "catalog/db.yaml": "name: db\nversion: 9\n" });
    expect((await gh.rest.pulls.get({ ...where(), pull_number: 2 })).data).toMatchObject({ mergeable: false, mergeable_state: "dirty" });
    await expect(gh.rest.pulls.merge({ ...where(), pull_number: 2 })).rejects.toMatchObject({ status: 405 });
    closePullRequest(sim, repo, 1);
    await expect(gh.rest.pulls.merge({ ...where(), pull_number: 1, sha: first.head.sha })).rejects.toMatchObject({ status: 405 });
    const stranger = client(sim.user("carol").token);
    reopenPullRequest(sim, repo, 1);
    await expect(stranger.rest.pulls.merge({ ...where(), pull_number: 1 })).rejects.toMatchObject({ status: 403 });
  });

  it("closes without merging, reopens, and merges from a test (squash too)", async () => {
    open();
    closePullRequest(sim, repo, 1, { user: "bob" });
    reopenPullRequest(sim, repo, 1);
    const [closed] = await take("pull_request", "closed");
    expectExampleShape("pull_request", closed);
    expect(closed.pull_request).toMatchObject({ state: "closed", merged: false, merged_at: null });
    expect(closed.pull_request.closed_at).not.toBeNull();
    expect(closed.sender.login).toBe("bob");
    const [reopened] = await take("pull_request", "reopened");
    expectExampleShape("pull_request", reopened);
    expect(reopened.pull_request.state).toBe("open");

    const sha = mergePullRequest(sim, repo, 1, { user: "bob" });
    expect(repo.store.getCommit(sha).parents).toHaveLength(2);
    const closes = await take("pull_request", "closed");
    expect(closes[1].pull_request).toMatchObject({ merged: true, merge_commit_sha: sha });
    expect(closes[1].pull_request.merged_by.login).toBe("bob");

    open({ branch: "squashed", title: "Squash me", files: { "a.txt": "a\n" } });
    pushToPullRequest(sim, repo, 2, { files: { "b.txt": "b\n" } });
    const squash = mergePullRequest(sim, repo, 2, { method: "squash" });
    const commit = repo.store.getCommit(squash);
    expect(commit.parents).toEqual([sha]);
    expect(commit.message.split("\n")[0]).toBe("Squash me (#2)");
    expect(repo.store.fileAt(squash, "b.txt")).not.toBeNull();

    const third = open({ branch: "rebased", title: "Rebase me", files: { "c.txt": "c\n" } });
    const firstOfThird = third.head.sha;
    pushToPullRequest(sim, repo, 3, { files: { "d.txt": "d\n" } });
    const rebased = (await gh.rest.pulls.merge({ ...where(), pull_number: 3, merge_method: "rebase" })).data.sha;
    const top = repo.store.getCommit(rebased);
    const below = repo.store.getCommit(top.parents[0]!);
    expect(below.parents).toEqual([squash]);
    expect(below.message).toBe(repo.store.getCommit(firstOfThird).message);
    expect(top.committer.name).toBe("GitHub");
    expect(repo.store.fileAt(rebased, "c.txt")).not.toBeNull();
    expect(repo.store.fileAt(rebased, "d.txt")).not.toBeNull();
  });

  it("updates title, body and state over REST", async () => {
    open();
    const { data } = await gh.rest.pulls.update({ ...where(), pull_number: 1, title: "Renamed", body: "New body" });
    expect(data).toMatchObject({ title: "Renamed", body: "New body" });
    const [edited] = await take("pull_request", "edited");
    expect(edited.changes).toEqual({ title: { from: "Order a database" }, body: { from: "Please" } });
    await gh.rest.pulls.update({ ...where(), pull_number: 1, state: "closed" });
    expect((await take("pull_request", "closed"))[0].pull_request.merged).toBe(false);
    expect((await gh.rest.issues.get({ ...where(), issue_number: 1 })).data.state).toBe("closed");
    await gh.rest.pulls.update({ ...where(), pull_number: 1, state: "open" });
    expect(await take("pull_request", "reopened")).toHaveLength(1);
  });

  it("opens from a fork: head.repo is the fork, only the base repository's events reach the app", async () => {
    const pull = open({ author: "dave", fromFork: true, branch: "main-patch" });
    const fork = `dave/${repo.name}`;
    expect(pull.head.repo).toBe(fork);
    const all = await deliveries();
    expect(all.map((d) => `${d.event}:${d.payload.action ?? ""}`)).toEqual(["pull_request:opened"]);
    const hook = all[0]!.payload.pull_request;
    expect(hook.head.repo).toMatchObject({ full_name: fork, fork: true });
    expect(hook.head.label).toBe("dave:main-patch");
    expect(hook.head.user.login).toBe("dave");
    expect(hook.base.repo).toMatchObject({ full_name: repo.fullName, fork: false });
    expect(hook.author_association).toBe("NONE");
    const { data } = await gh.rest.pulls.get({ ...where(), pull_number: 1 });
    expect(data.head.repo!.full_name).toBe(fork);
    expect(data.head.repo!.fork).toBe(true);
    expect(data.base.repo.full_name).toBe(repo.fullName);
    expect((await gh.rest.pulls.listFiles({ ...where(), pull_number: 1 })).data.map((f) => f.filename)).toEqual(["requests/team-a/db.yaml"]);
    const after = pushToPullRequest(sim, repo, 1, { files: { "requests/team-a/db.yaml": "item: db\nversion: 3\n" } });
    expect((await take("pull_request", "synchronize"))[0].after).toBe(after);
    expect(await take("push")).toEqual([]);
    const merged = (await gh.rest.pulls.merge({ ...where(), pull_number: 1 })).data.sha;
    expect(repo.store.getCommit(merged).message).toMatch(/^Merge pull request #1 from dave\/main-patch/);
    expect(repo.store.fileAt(merged, "requests/team-a/db.yaml")!.content.toString()).toContain("version: 3");
  });
});

describe("reviews", () => {
  it("a submitted review carries the head commit of its time", async () => {
    const pull = open();
    const first = pull.head.sha;
    submitReview(sim, repo, 1, { user: "bob", state: "APPROVED" });
    const second = pushToPullRequest(sim, repo, 1, { files: { "x.txt": "x\n" } });
    submitReview(sim, repo, 1, { user: "bob", state: "CHANGES_REQUESTED", body: "Not quite" });
    const reviews = await take("pull_request_review", "submitted");
    expect(reviews).toHaveLength(2);
    for (const r of reviews) expectExampleShape("pull_request_review", r);
    expect(reviews[0].review).toMatchObject({ state: "approved", commit_id: first, body: null });
    expect(reviews[0].review.user.login).toBe("bob");
    expect(reviews[0].pull_request.number).toBe(1);
    expect(reviews[1].review).toMatchObject({ state: "changes_requested", commit_id: second, body: "Not quite" });
    expect(reviews[1].pull_request.head.sha).toBe(second);

    const { data } = await gh.rest.pulls.listReviews({ ...where(), pull_number: 1 });
    expect(data.map((r) => [r.state, r.commit_id, r.user?.login])).toEqual([
      ["APPROVED", first, "bob"],
      ["CHANGES_REQUESTED", second, "bob"],
    ]);
    const one = await gh.rest.pulls.getReview({ ...where(), pull_number: 1, review_id: data[1]!.id });
    expect(one.data).toMatchObject({ id: data[1]!.id, state: "CHANGES_REQUESTED", body: "Not quite" });
    await expect(gh.rest.pulls.getReview({ ...where(), pull_number: 1, review_id: 999_999 })).rejects.toMatchObject({ status: 404 });
  });

  it("creates reviews over REST, refusing an author's own approval", async () => {
    const pull = open();
    const { data } = await gh.rest.pulls.createReview({ ...where(), pull_number: 1, event: "COMMENT", body: "Checked" });
    expect(data).toMatchObject({ state: "COMMENTED", commit_id: pull.head.sha, body: "Checked" });
    expect(data.user?.login).toBe(botLogin(sim));
    const [hook] = await take("pull_request_review", "submitted");
    expect(hook.review).toMatchObject({ id: data.id, state: "commented", commit_id: pull.head.sha });
    const alice = client(sim.user("alice").token);
    await expect(alice.rest.pulls.createReview({ ...where(), pull_number: 1, event: "APPROVE" })).rejects.toMatchObject({ status: 422 });
    const bob = client(sim.user("bob").token);
    expect((await bob.rest.pulls.createReview({ ...where(), pull_number: 1, event: "APPROVE" })).data.state).toBe("APPROVED");
  });
});

describe("comments", () => {
  it("a comment on a pull request is an issue_comment with issue.pull_request; edits carry changes", async () => {
    open();
    const comment = commentOnPullRequest(sim, repo, 1, { user: "bob", body: "/approve" });
    editComment(sim, repo, comment.id, { body: "/abort" });
    const [created] = await take("issue_comment", "created");
    expectExampleShape("issue_comment", created);
    expect(created.issue.number).toBe(1);
    expect(created.issue.pull_request.url).toBe(`${sim.apiUrl}/repos/${repo.fullName}/pulls/1`);
    expect(created.comment).toMatchObject({ id: comment.id, body: "/approve", author_association: "COLLABORATOR" });
    expect(created.comment.user.login).toBe("bob");
    expect(created.comment.html_url).toContain("/pull/1#issuecomment-");
    const [edited] = await take("issue_comment", "edited");
    expectExampleShape("issue_comment", edited);
    expect(edited.changes).toEqual({ body: { from: "/approve" } });
    expect(edited.comment.body).toBe("/abort");
    expect(edited.sender.login).toBe("bob");
  });

  it("creates, reads, lists, updates and deletes comments over REST", async () => {
    open();
    const created = await gh.rest.issues.createComment({ ...where(), issue_number: 1, body: "sticky v1" });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe(botLogin(sim));
    const id = created.data.id;
    const [hook] = await take("issue_comment", "created");
    expect(hook.comment.id).toBe(id);
    expect(hook.sender.login).toBe(botLogin(sim));
    expect(hook.issue.pull_request).toBeDefined();

    const updated = await gh.rest.issues.updateComment({ ...where(), comment_id: id, body: "sticky v2" });
    expect(updated.data.body).toBe("sticky v2");
    expect((await take("issue_comment", "edited"))[0].changes.body.from).toBe("sticky v1");
    expect((await gh.rest.issues.getComment({ ...where(), comment_id: id })).data.body).toBe("sticky v2");
    commentOnPullRequest(sim, repo, 1, { user: "bob", body: "hi" });
    const listed = await gh.rest.issues.listComments({ ...where(), issue_number: 1 });
    expect(listed.data.map((c) => c.body)).toEqual(["sticky v2", "hi"]);
    expect((await gh.rest.issues.get({ ...where(), issue_number: 1 })).data.comments).toBe(2);

    const bob = client(sim.user("carol").token);
    await expect(bob.rest.issues.updateComment({ ...where(), comment_id: id, body: "mine now" })).rejects.toMatchObject({ status: 403 });
    expect((await gh.rest.issues.deleteComment({ ...where(), comment_id: id })).status).toBe(204);
    expect(await take("issue_comment", "deleted")).toHaveLength(1);
    await expect(gh.rest.issues.getComment({ ...where(), comment_id: id })).rejects.toMatchObject({ status: 404 });
  });
});

describe("reactions and labels", () => {
  it("reacts to comments and issues, once per user and content", async () => {
    open();
    const comment = commentOnPullRequest(sim, repo, 1, { user: "bob", body: "/approve" });
    const first = await gh.rest.reactions.createForIssueComment({ ...where(), comment_id: comment.id, content: "eyes" });
    expect(first.status).toBe(201);
    const again = await gh.rest.reactions.createForIssueComment({ ...where(), comment_id: comment.id, content: "eyes" });
    expect(again.status).toBe(200);
    expect(again.data.id).toBe(first.data.id);
    await gh.rest.reactions.createForIssueComment({ ...where(), comment_id: comment.id, content: "+1" });
    const all = await gh.rest.reactions.listForIssueComment({ ...where(), comment_id: comment.id });
    expect(all.data.map((r) => r.content)).toEqual(["eyes", "+1"]);
    expect(all.data[0]!.user?.login).toBe(botLogin(sim));
    const eyes = await gh.rest.reactions.listForIssueComment({ ...where(), comment_id: comment.id, content: "eyes" });
    expect(eyes.data).toHaveLength(1);
    const onIssue = await gh.rest.reactions.createForIssue({ ...where(), issue_number: 1, content: "rocket" });
    expect(onIssue.status).toBe(201);
    expect(onIssue.data.content).toBe("rocket");
  });

  it("creates, reads and adds labels", async () => {
    open();
    const created = await gh.rest.issues.createLabel({ ...where(), name: "pao:awaiting-approval", color: "fbca04", description: "Waiting" });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ name: "pao:awaiting-approval", color: "fbca04", description: "Waiting" });
    await expect(gh.rest.issues.createLabel({ ...where(), name: "PAO:awaiting-approval" })).rejects.toMatchObject({ status: 422 });
    expect((await gh.rest.issues.getLabel({ ...where(), name: "pao:awaiting-approval" })).data.id).toBe(created.data.id);
    await expect(gh.rest.issues.getLabel({ ...where(), name: "missing" })).rejects.toMatchObject({ status: 404 });
    const added = await gh.rest.issues.addLabels({ ...where(), issue_number: 1, labels: ["pao:awaiting-approval", "new-one"] });
    expect(added.data.map((l) => l.name)).toEqual(["pao:awaiting-approval", "new-one"]);
    expect((await gh.rest.issues.getLabel({ ...where(), name: "new-one" })).data.color).toBe("ededed");
    const onIssue = await gh.rest.issues.listLabelsOnIssue({ ...where(), issue_number: 1 });
    expect(onIssue.data.map((l) => l.name)).toEqual(["pao:awaiting-approval", "new-one"]);
    expect((await gh.rest.pulls.get({ ...where(), pull_number: 1 })).data.labels.map((l) => l.name)).toEqual(["pao:awaiting-approval", "new-one"]);
    const labeled = await take("pull_request", "labeled");
    expect(labeled.map((p) => p.label.name)).toEqual(["pao:awaiting-approval", "new-one"]);
    expectExampleShape("pull_request", labeled[0]);
  });
});

describe("issues", () => {
  it("shares the number sequence with pull requests; creates, gets, lists and updates", async () => {
    open();
    const created = await gh.rest.issues.create({ ...where(), title: "Broken step", body: "It fails", labels: ["bug"] });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ number: 2, state: "open", title: "Broken step" });
    expect(created.data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["bug"]);
    expect(created.data.pull_request).toBeUndefined();
    const [opened] = await take("issues", "opened");
    expectExampleShape("issues", opened);
    expect(opened.issue.number).toBe(2);

    const asIssue = await gh.rest.issues.get({ ...where(), issue_number: 1 });
    expect(asIssue.data.pull_request?.url).toBe(`${sim.apiUrl}/repos/${repo.fullName}/pulls/1`);
    const listed = await gh.rest.issues.listForRepo({ ...where() });
    expect(listed.data.map((i) => i.number)).toEqual([2, 1]);
    expect((await gh.rest.issues.listForRepo({ ...where(), labels: "bug" })).data.map((i) => i.number)).toEqual([2]);

    const closed = await gh.rest.issues.update({ ...where(), issue_number: 2, state: "closed", state_reason: "not_planned" });
    expect(closed.data).toMatchObject({ state: "closed", state_reason: "not_planned" });
    expect(closed.data.closed_by?.login).toBe(botLogin(sim));
    const [hook] = await take("issues", "closed");
    expectExampleShape("issues", hook);
    expect(hook.issue).toMatchObject({ number: 2, state: "closed", state_reason: "not_planned" });
    expect((await gh.rest.issues.listForRepo({ ...where(), state: "closed" })).data.map((i) => i.number)).toEqual([2]);
    await expect(gh.rest.pulls.get({ ...where(), pull_number: 2 })).rejects.toMatchObject({ status: 404 });
  });

  it("closes issues as completed or not planned", async () => {
    openIssue(sim, repo, { author: "carol", title: "One" });
    openIssue(sim, repo, { author: "carol", title: "Two" });
    closeIssue(sim, repo, 1, { user: "alice", reason: "completed" });
    closeIssue(sim, repo, 2, { user: "alice", reason: "not_planned" });
    const closed = await take("issues", "closed");
    expect(closed.map((p) => [p.issue.number, p.issue.state, p.issue.state_reason, p.sender.login])).toEqual([
      [1, "closed", "completed", "alice"],
      [2, "closed", "not_planned", "alice"],
    ]);
    for (const p of closed) expectExampleShape("issues", p);
    const { data } = await gh.rest.issues.get({ ...where(), issue_number: 2 });
    expect(data).toMatchObject({ state: "closed", state_reason: "not_planned" });
  });

  it("keeps installation tokens to their installation's repositories", async () => {
    const other = createRepository(sim, { owner: "zeta", name: `elsewhere-${count}` });
    const foreign = client(sim.issueInstallationToken(other.installationId).token);
    open();
    await expect(foreign.rest.pulls.get({ ...where(), pull_number: 1 })).rejects.toMatchObject({ status: 404 });
    await expect(foreign.rest.issues.createComment({ ...where(), issue_number: 1, body: "x" })).rejects.toMatchObject({ status: 404 });
  });
});
