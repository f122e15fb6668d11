/**
 * The repositories group of the simulator, driven as a client would drive GitHub: with `octokit` (and its `App`),
 * against the simulator's HTTP server. SHA-1s are checked against the real git binary; webhooks are received over
 * HTTP and their signatures verified with @octokit/webhooks. After every test the simulator must have recorded no
 * violation of GitHub's OpenAPI description.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhooks } from "@octokit/webhooks";
import { App, Octokit } from "octokit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGitHubGateway } from "../../../src/github/gateway.js";
import { commitFiles, createRepository, type CreateRepositoryOptions } from "../repo-state.js";
import { Simulator } from "../simulator.js";
import type { SimRepo } from "../state.js";
import { repoSettings, reposGroup } from "./repos.js";

let sim: Simulator;
let receiver: Server;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
let gitDir: string;
let gitEnv: NodeJS.ProcessEnv;
let indexCount = 0;
let repoCount = 0;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const ClientOctokit = Octokit.defaults({ retry: { enabled: false }, throttle: { enabled: false }, log: quiet });

beforeAll(async () => {
  sim = new Simulator();
  sim.register(reposGroup);
  await sim.start();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  sim.webhooks.target = { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/github/webhooks`, secret: sim.app.webhookSecret };

  gitDir = mkdtempSync(join(tmpdir(), "pao-sim-repos-"));
  gitEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GIT_")));
  Object.assign(gitEnv, { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", HOME: gitDir });
  git(["init", "-q"]);
});

afterAll(async () => {
  await sim?.stop();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  if (gitDir) rmSync(gitDir, { recursive: true, force: true });
});

afterEach(() => {
  sim.clearFaults();
  const violations = [...sim.violations];
  sim.violations.length = 0;
  expect(violations).toEqual([]);
});

// --- helpers ------------------------------------------------------------------------------------------------------

function git(args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): string {
  return execFileSync("git", args, { cwd: gitDir, input: options.input ?? "", env: { ...gitEnv, ...options.env }, stdio: ["pipe", "pipe", "pipe"] })
    .toString("utf8")
    .replace(/\n$/, "");
}

function gitBlob(content: string | Buffer): string {
  return git(["hash-object", "-w", "--stdin"], { input: content });
}

/** The tree git writes for these files: `path → content` or `[mode, content]`. */
function gitTree(files: Record<string, string | Buffer | [string, string | Buffer]>): string {
  const env = { GIT_INDEX_FILE: join(gitDir, `index-${++indexCount}`) };
  const lines = Object.entries(files).map(([path, spec]) => {
    const [mode, content] = Array.isArray(spec) ? spec : ["100644", spec];
    return `${mode} ${gitBlob(content)}\t${path}\0`;
  });
  git(["update-index", "-z", "--add", "--index-info"], { input: lines.join(""), env });
  return git(["write-tree"], { env });
}

function gitCommit(tree: string, parents: string[], message: string, author: { name: string; email: string; date: string }, committer = author): string {
  return git(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])], {
    input: message,
    env: {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: author.date,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: committer.date,
    },
  });
}

function repo(options: Partial<CreateRepositoryOptions> = {}): SimRepo {
  return createRepository(sim, { owner: "acme", name: `repo-${++repoCount}`, ...options });
}

function client(auth?: string) {
  return new ClientOctokit({ baseUrl: sim.apiUrl, ...(auth ? { auth } : {}) });
}

/** A client authenticated as the app's installation on the repository. */
function installation(r: SimRepo) {
  return client(sim.issueInstallationToken(r.installationId).token);
}

function b64(text: string | Buffer): string {
  return Buffer.from(text).toString("base64");
}

/** The error a request fails with (status, message, headers). */
async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string; headers: Record<string, string | number | undefined> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string }; headers: Record<string, string | number | undefined> } };
    return { status: e.status, message: e.response?.data?.message ?? "", headers: e.response?.headers ?? {} };
  }
  throw new Error("the request succeeded");
}

const at = (r: SimRepo) => ({ owner: r.owner, repo: r.name });

// --- the GitHub App flow --------------------------------------------------------------------------------------------

describe("the GitHub App flow", () => {
  it("goes from the app's JWT to an installation token that reads the repository", async () => {
    const r = repo({ defaultBranch: "trunk" });
    const app = new App({ appId: sim.app.id, privateKey: sim.app.privateKeyPem, Octokit: ClientOctokit.defaults({ baseUrl: sim.apiUrl }) });

    const { data: me } = await app.octokit.request("GET /app");
    expect(me).toMatchObject({ id: sim.app.id, slug: sim.app.slug });

    const { data: inst } = await app.octokit.request("GET /repos/{owner}/{repo}/installation", at(r));
    expect(inst.id).toBe(r.installationId);
    expect(inst.account).toMatchObject({ login: "acme" });

    const all = await app.octokit.paginate("GET /app/installations", { per_page: 1 });
    expect(all.map((i) => i.id)).toContain(r.installationId);
    const { data: one } = await app.octokit.request("GET /app/installations/{installation_id}", { installation_id: r.installationId });
    expect(one.id).toBe(r.installationId);

    const octokit = await app.getInstallationOctokit(r.installationId);
    const { data: repository } = await octokit.request("GET /repos/{owner}/{repo}", at(r));
    expect(repository).toMatchObject({ full_name: r.fullName, default_branch: "trunk", private: true, html_url: `${sim.origin}/${r.fullName}` });

    const { data: reachable } = await octokit.request("GET /installation/repositories");
    expect(reachable.repositories.map((x) => x.full_name)).toEqual([r.fullName]);

    expect(sim.calls.slice(-4).map((c) => `${c.operationId} ${c.caller} ${c.status}`)).toEqual([
      "apps/get-installation app 200",
      "apps/create-installation-access-token app 201",
      "repos/get installation 200",
      "apps/list-repos-accessible-to-installation installation 200",
    ]);
  });

  it("narrows installation tokens to repositories and permissions the installation has, and refuses more", async () => {
    const r = repo();
    const app = new App({ appId: sim.app.id, privateKey: sim.app.privateKeyPem, Octokit: ClientOctokit.defaults({ baseUrl: sim.apiUrl }) });
    const { data: token } = await app.octokit.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: r.installationId,
      repositories: [r.name],
      permissions: { contents: "read" },
    });
    expect(token.permissions).toEqual({ contents: "read", metadata: "read" });
    expect(token.repositories?.map((x) => x.full_name)).toEqual([r.fullName]);

    const reader = client(token.token);
    expect((await reader.request("GET /repos/{owner}/{repo}", at(r))).status).toBe(200);
    const write = await failure(reader.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "x.txt", message: "x", content: b64("x") }));
    expect(write).toMatchObject({ status: 403, message: "Resource not accessible by integration" });

    const tooMuch = await failure(
      app.octokit.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: r.installationId, permissions: { administration: "write" } }),
    );
    expect(tooMuch).toMatchObject({ status: 422, message: "The permissions requested are not granted to this installation." });
    const elsewhere = await failure(
      app.octokit.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: r.installationId, repositories: ["not-installed"] }),
    );
    expect(elsewhere.status).toBe(422);
    expect((await failure(app.octokit.request("GET /app/installations/{installation_id}", { installation_id: 1 }))).status).toBe(404);

    // An installation token is not the app's JWT; another installation's token does not see the repository.
    expect((await failure(client(token.token).request("GET /app"))).status).toBe(401);
    const other = repo();
    expect((await failure(installation(other).request("GET /repos/{owner}/{repo}", at(r)))).status).toBe(404);
    // A public repository is readable by any installation, writable only by its own.
    const open = repo({ private: false });
    expect((await installation(other).request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...at(open), ref: "heads/main" })).status).toBe(200);
    const foreignWrite = installation(other).request("POST /repos/{owner}/{repo}/git/blobs", { ...at(open), content: "x" });
    expect(await failure(foreignWrite)).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
  });
});

// --- repositories, users, permissions -------------------------------------------------------------------------------

describe("who may see a repository", () => {
  it("answers 404 to users who cannot read a private repository, 401 to a bad token", async () => {
    const r = repo({ collaborators: { alice: "read" } });
    const alice = sim.user("alice");
    const mallory = sim.user("mallory");

    const { data } = await client(alice.token).request("GET /repos/{owner}/{repo}", at(r));
    expect(data.permissions).toMatchObject({ pull: true, push: false, admin: false });

    expect(await failure(client(mallory.token).request("GET /repos/{owner}/{repo}", at(r)))).toMatchObject({ status: 404, message: "Not Found" });
    expect((await failure(client().request("GET /repos/{owner}/{repo}", at(r)))).status).toBe(404);
    expect(await failure(client("ghu_not-a-token").request("GET /repos/{owner}/{repo}", at(r)))).toMatchObject({ status: 401, message: "Bad credentials" });
    // Reading is not writing.
    const put = client(alice.token).request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "a.txt", message: "a", content: b64("a") });
    expect((await failure(put)).status).toBe(404);

    const open = repo({ private: false });
    expect((await client(mallory.token).request("GET /repos/{owner}/{repo}", at(open))).data.visibility).toBe("public");
    expect((await client().request("GET /repos/{owner}/{repo}", at(open))).status).toBe(200);
  });

  it("tells collaborator permissions and team memberships", async () => {
    const r = repo({ collaborators: { alice: "write", bob: "triage", carol: "maintain" }, teams: { "acme/approvers": ["alice"] } });
    const octokit = installation(r);
    sim.user("dave");
    const permission = async (username: string) =>
      (await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { ...at(r), username })).data;

    expect(await permission("acme")).toMatchObject({ permission: "admin", role_name: "admin", user: { login: "acme" } });
    expect(await permission("alice")).toMatchObject({ permission: "write", role_name: "write" });
    expect(await permission("bob")).toMatchObject({ permission: "read", role_name: "triage" });
    expect(await permission("carol")).toMatchObject({ permission: "write", role_name: "maintain" });
    expect(await permission("dave")).toMatchObject({ permission: "none", role_name: "none" });
    expect((await failure(permission("nobody-at-all"))).status).toBe(404);

    const membership = (username: string, team_slug = "approvers") =>
      octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org: "acme", team_slug, username });
    expect((await membership("alice")).data).toMatchObject({ state: "active", role: "member" });
    expect((await failure(membership("bob"))).status).toBe(404);
    expect((await failure(membership("alice", "no-such-team"))).status).toBe(404);
  });
});

// --- contents -------------------------------------------------------------------------------------------------------

describe("the contents API", () => {
  it("creates, reads and updates a file with the blob sha as compare-and-swap", async () => {
    const r = repo();
    const octokit = installation(r);
    const path = "status/orders/o-1.yaml";

    const created = await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path, message: "Add o-1", content: b64("state: new\n") });
    expect(created.status).toBe(201);
    const v1 = created.data.content!.sha!;
    expect(v1).toBe(gitBlob("state: new\n"));
    expect(r.refs.get("heads/main")).toBe(created.data.commit.sha);

    const { data: file } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...at(r), path });
    if (Array.isArray(file) || file.type !== "file") throw new Error("not a file");
    expect(Buffer.from(file.content, "base64").toString("utf8")).toBe("state: new\n");
    expect(file).toMatchObject({ sha: v1, size: 11, encoding: "base64", name: "o-1.yaml", path });

    const stale = await failure(
      octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path, message: "stale", content: b64("state: x\n"), sha: gitBlob("other\n") }),
    );
    expect(stale).toMatchObject({ status: 409, message: `${path} does not match ${gitBlob("other\n")}` });
    const missing = await failure(octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path, message: "no sha", content: b64("state: x\n") }));
    expect(missing).toMatchObject({ status: 422, message: `Invalid request.\n\n"sha" wasn't supplied.` });

    const updated = await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path, message: "Done", content: b64("state: done\n"), sha: v1 });
    expect(updated.status).toBe(200);
    expect(updated.data.content!.sha).toBe(gitBlob("state: done\n"));
    expect(updated.data.commit.parents?.map((p) => p.sha)).toEqual([created.data.commit.sha]);
    expect(updated.data.commit.tree?.sha).toBe(r.store.getCommit(updated.data.commit.sha!).tree);

    // The old version is still there at the old commit; a folder lists its entries.
    const old = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...at(r), path, ref: created.data.commit.sha! });
    expect(Array.isArray(old.data) ? null : old.data.sha).toBe(v1);
    const { data: folder } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "status" });
    expect(Array.isArray(folder) && folder.map((e) => [e.type, e.path])).toEqual([["dir", "status/orders"]]);
    expect((await failure(octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "nope.txt" }))).status).toBe(404);
  });

  it("writes to a named branch, refuses a branch that does not exist, deletes with the same checks", async () => {
    const r = repo({ files: { "a.txt": "a\n", "dir/b.txt": "b\n" } });
    commitFiles(sim, r, "work", { "c.txt": "c\n" }, { push: false });
    const octokit = installation(r);

    const onBranch = await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "d.txt", message: "d", content: b64("d\n"), branch: "work" });
    expect(r.refs.get("heads/work")).toBe(onBranch.data.commit.sha);
    const noBranch = octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "d.txt", message: "d", content: b64("d\n"), branch: "nope" });
    expect((await failure(noBranch)).status).toBe(404);

    const bSha = gitBlob("b\n");
    const stale = octokit.request("DELETE /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "dir/b.txt", message: "rm", sha: gitBlob("a\n") });
    expect((await failure(stale)).status).toBe(409);
    const gone = await octokit.request("DELETE /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "dir/b.txt", message: "rm", sha: bSha });
    expect(gone.data.content).toBeNull();
    // The folder left empty disappears, as git has no empty folders.
    expect(r.store.getCommit(gone.data.commit.sha!).tree).toBe(gitTree({ "a.txt": "a\n" }));
    expect((await failure(octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "dir/b.txt" }))).status).toBe(404);
  });

  it("answers symlinks, folders, raw content and files too large for the JSON answer", async () => {
    const r = repo({
      files: {
        "docs/real.md": "real\n",
        "docs/link.md": { content: "real.md", mode: "120000" },
        "docs/outside": { content: "../../etc/passwd", mode: "120000" },
      },
    });
    const octokit = installation(r);
    const get = async (path: string) => (await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...at(r), path })).data;
    expect(await get("docs/link.md")).toMatchObject({ type: "file", path: "docs/real.md", sha: gitBlob("real\n") });
    expect(await get("docs/outside")).toMatchObject({ type: "symlink", target: "../../etc/passwd" });
    const listing = await get("docs");
    expect(Array.isArray(listing) && listing.map((e) => `${e.type} ${e.name}`)).toEqual(["symlink link.md", "symlink outside", "file real.md"]);
    const raw = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "docs/real.md", mediaType: { format: "raw" } });
    expect(raw.data).toBe("real\n");

    const settings = repoSettings(sim);
    const max = settings.contentsMaxBytes;
    settings.contentsMaxBytes = 3;
    try {
      const tooLarge = await failure(get("docs/real.md"));
      expect(tooLarge.status).toBe(403);
      expect(tooLarge.message).toMatch(/too large to fetch via the API/);
      // The git data API still has it.
      const blob = await octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...at(r), file_sha: gitBlob("real\n") });
      expect(Buffer.from(blob.data.content, "base64").toString("utf8")).toBe("real\n");
    } finally {
      settings.contentsMaxBytes = max;
    }
  });

  it("records a DELETE without sha as a body GitHub's description rejects, and answers 422 as GitHub does", async () => {
    const r = repo({ files: { "a.txt": "a\n" } });
    const noSha = installation(r).request("DELETE /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "a.txt", message: "rm" } as never);
    expect((await failure(noSha)).status).toBe(422);
    expect(sim.violations).toEqual([expect.stringMatching(/^DELETE \/repos\/\{owner\}\/\{repo\}\/contents\/\{path\} \(repos\/delete-file\): body must have required property 'sha'/)]);
    sim.violations.length = 0;
  });
});

// --- git data -------------------------------------------------------------------------------------------------------

describe("the git data API", () => {
  it("builds blobs, trees and commits whose SHA-1s are git's", async () => {
    const r = repo();
    const octokit = installation(r);
    const binary = Buffer.from([0, 1, 2, 254, 255, 10]);

    const readme = (await octokit.request("POST /repos/{owner}/{repo}/git/blobs", { ...at(r), content: "# Hello\n" })).data.sha;
    const raw = (await octokit.request("POST /repos/{owner}/{repo}/git/blobs", { ...at(r), content: binary.toString("base64"), encoding: "base64" })).data.sha;
    expect(readme).toBe(gitBlob("# Hello\n"));
    expect(raw).toBe(gitBlob(binary));
    const { data: blob } = await octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...at(r), file_sha: raw });
    expect(Buffer.from(blob.content, "base64")).toEqual(binary);

    const { data: tree1 } = await octokit.request("POST /repos/{owner}/{repo}/git/trees", {
      ...at(r),
      tree: [
        { path: "README.md", mode: "100644", type: "blob", sha: readme },
        { path: "bin/run.sh", mode: "100755", type: "blob", content: "#!/bin/sh\necho hi\n" },
        { path: "data/raw.bin", mode: "100644", type: "blob", sha: raw },
      ],
    });
    const gitTree1 = gitTree({ "README.md": "# Hello\n", "bin/run.sh": ["100755", "#!/bin/sh\necho hi\n"], "data/raw.bin": binary });
    expect(tree1.sha).toBe(gitTree1);

    const author = { name: "Ada Lovelace", email: "ada@example.com", date: "2024-01-02T03:04:05+02:00" };
    const committer = { name: "Bot", email: "bot@example.com", date: "2024-01-03T00:00:00Z" };
    const { data: c1 } = await octokit.request("POST /repos/{owner}/{repo}/git/commits", { ...at(r), message: "First\n", tree: tree1.sha, parents: [], author, committer });
    expect(c1.sha).toBe(gitCommit(gitTree1, [], "First\n", author, committer));

    // base_tree: change one file, delete another (its folder goes with it).
    const { data: tree2 } = await octokit.request("POST /repos/{owner}/{repo}/git/trees", {
      ...at(r),
      base_tree: tree1.sha,
      tree: [
        { path: "README.md", mode: "100644", type: "blob", content: "# Hello, world\n" },
        { path: "data/raw.bin", mode: "100644", type: "blob", sha: null },
      ],
    });
    const gitTree2 = gitTree({ "README.md": "# Hello, world\n", "bin/run.sh": ["100755", "#!/bin/sh\necho hi\n"] });
    expect(tree2.sha).toBe(gitTree2);
    expect(tree2.tree.map((e) => e.path)).toEqual(["README.md", "bin"]);
    const { data: c2 } = await octokit.request("POST /repos/{owner}/{repo}/git/commits", { ...at(r), message: "Second\n", tree: tree2.sha, parents: [c1.sha], author });
    expect(c2.sha).toBe(gitCommit(gitTree2, [c1.sha], "Second\n", author));

    const { data: read } = await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...at(r), commit_sha: c2.sha });
    expect(read).toMatchObject({ sha: c2.sha, message: "Second\n", tree: { sha: gitTree2 }, parents: [{ sha: c1.sha }] });
    expect(new Date(read.author.date).toISOString()).toBe("2024-01-02T01:04:05.000Z");

    const deleteMissing = octokit.request("POST /repos/{owner}/{repo}/git/trees", { ...at(r), base_tree: tree2.sha, tree: [{ path: "nope", mode: "100644", type: "blob", sha: null }] });
    expect((await failure(deleteMissing)).status).toBe(422);
    const badParent = octokit.request("POST /repos/{owner}/{repo}/git/commits", { ...at(r), message: "x", tree: tree2.sha, parents: [readme] });
    expect((await failure(badParent)).status).toBe(422);
  });

  it("moves refs: fast-forwards only unless forced, creates, lists and deletes them", async () => {
    const r = repo();
    const octokit = installation(r);
    const initial = r.refs.get("heads/main")!;
    const tree = r.store.treeFromFiles({ "x.txt": "x\n" });
    const unrelated = (await octokit.request("POST /repos/{owner}/{repo}/git/commits", { ...at(r), message: "Unrelated", tree, parents: [] })).data.sha;

    const notFf = octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...at(r), ref: "heads/main", sha: unrelated, force: false });
    expect(await failure(notFf)).toMatchObject({ status: 422, message: "Update is not a fast forward" });
    expect(r.refs.get("heads/main")).toBe(initial);
    const forced = await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...at(r), ref: "heads/main", sha: unrelated, force: true });
    expect(forced.data).toMatchObject({ ref: "refs/heads/main", object: { sha: unrelated, type: "commit" } });

    const next = (await octokit.request("POST /repos/{owner}/{repo}/git/commits", { ...at(r), message: "Next", tree, parents: [unrelated] })).data.sha;
    await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...at(r), ref: "heads/main", sha: next });
    expect((await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...at(r), ref: "heads/main" })).data.object.sha).toBe(next);

    const created = await octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...at(r), ref: "refs/heads/feature/one", sha: initial });
    expect(created.status).toBe(201);
    expect(await failure(octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...at(r), ref: "refs/heads/feature/one", sha: next }))).toMatchObject({
      status: 422,
      message: "Reference already exists",
    });
    const { data: matching } = await octokit.request("GET /repos/{owner}/{repo}/git/matching-refs/{ref}", { ...at(r), ref: "heads/feat" });
    expect(matching.map((m) => m.ref)).toEqual(["refs/heads/feature/one"]);
    const { data: branches } = await octokit.request("GET /repos/{owner}/{repo}/branches", at(r));
    expect(branches.map((b) => [b.name, b.commit.sha])).toEqual([
      ["feature/one", initial],
      ["main", next],
    ]);
    const { data: branch } = await octokit.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...at(r), branch: "main" });
    expect(branch).toMatchObject({ name: "main", protected: false, commit: { sha: next, commit: { message: "Next" } } });

    expect((await octokit.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { ...at(r), ref: "heads/feature/one" })).status).toBe(204);
    expect((await failure(octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...at(r), ref: "heads/feature/one" }))).status).toBe(404);
    expect((await failure(octokit.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...at(r), branch: "feature/one" }))).status).toBe(404);
  });

  it("lists a commit's changed files with line counts", async () => {
    const r = repo({ files: { "keep.txt": "same\n", "edit.txt": "one\ntwo\nthree\n", "drop.txt": "bye\n" } });
    const sha = commitFiles(sim, r, "main", { "edit.txt": "one\n2\nthree\nfour\n", "drop.txt": null, "new/file.txt": "hi\n" }, { push: false });
    const { data } = await installation(r).request("GET /repos/{owner}/{repo}/commits/{ref}", { ...at(r), ref: "main" });
    expect(data.sha).toBe(sha);
    expect(data.files?.map((f) => [f.filename, f.status, f.additions, f.deletions])).toEqual([
      ["drop.txt", "removed", 0, 1],
      ["edit.txt", "modified", 2, 1],
      ["new/file.txt", "added", 1, 0],
    ]);
    expect(data.stats).toEqual({ additions: 3, deletions: 2, total: 5 });
    expect((await failure(installation(r).request("GET /repos/{owner}/{repo}/commits/{ref}", { ...at(r), ref: "f".repeat(40) }))).status).toBe(422);
  });
});

// --- trees ------------------------------------------------------------------------------------------------------------

describe("trees", () => {
  const files = { "a.txt": "a\n", "dir/b.txt": "b\n", "dir/sub/c.txt": "c\n", "dir/sub/d.txt": "d\n", "e/f.txt": "f\n" };

  it("lists every path recursively, in git's order, from a commit, a tree or a branch name", async () => {
    const r = repo({ files });
    const octokit = installation(r);
    const head = r.refs.get("heads/main")!;
    const expectedTree = gitTree(files);
    const expectedPaths = git(["ls-tree", "-r", "-t", "--name-only", expectedTree]).split("\n");

    for (const tree_sha of [head, expectedTree, "main"]) {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { ...at(r), tree_sha, recursive: "1" });
      expect(data.sha).toBe(expectedTree);
      expect(data.truncated).toBe(false);
      expect(data.tree.map((e) => e.path)).toEqual(expectedPaths);
    }
    const { data: top } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { ...at(r), tree_sha: head });
    expect(top.tree.map((e) => `${e.mode} ${e.type} ${e.path}`)).toEqual(["100644 blob a.txt", "040000 tree dir", "040000 tree e"]);
    expect(top.tree[0]!.size).toBe(2);
  });

  it("truncates a recursive listing over the limit, and pao's gateway falls back to folder by folder", async () => {
    const r = repo({ files });
    const octokit = installation(r);
    const head = r.refs.get("heads/main")!;
    const settings = repoSettings(sim);
    const limit = settings.treeLimit;
    settings.treeLimit = 4;
    try {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { ...at(r), tree_sha: head, recursive: "1" });
      expect(data.truncated).toBe(true);
      expect(data.tree).toHaveLength(4);
      const gateway = createGitHubGateway(octokit, r.owner, r.name);
      const entries = await gateway.tree(head, ["dir/sub"]);
      expect(entries.map((e) => e.path)).toEqual(["dir/sub/c.txt", "dir/sub/d.txt"]);
    } finally {
      settings.treeLimit = limit;
    }
  });
});

// --- webhooks ---------------------------------------------------------------------------------------------------------

describe("push webhooks", () => {
  it("are delivered signed for contents commits and ref updates", async () => {
    const r = repo();
    const octokit = installation(r);
    received.length = 0;
    const put = await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "p.txt", message: "p", content: b64("p\n") });
    const tree = r.store.treeFromFiles({ "q.txt": "q\n" }, put.data.commit.sha!);
    const next = (await octokit.request("POST /repos/{owner}/{repo}/git/commits", { ...at(r), message: "q", tree, parents: [put.data.commit.sha!] })).data.sha;
    await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...at(r), ref: "heads/main", sha: next });
    await sim.webhooks.settled();

    const webhooks = new Webhooks({ secret: sim.app.webhookSecret });
    const pushes = received.filter((d) => d.headers["x-github-event"] === "push");
    expect(pushes).toHaveLength(2);
    for (const d of pushes) {
      expect(await webhooks.verify(d.body, String(d.headers["x-hub-signature-256"]))).toBe(true);
      expect(d.headers["x-github-delivery"]).toBeTruthy();
    }
    expect(await webhooks.verify(pushes[0]!.body, `sha256=${"0".repeat(64)}`)).toBe(false);
    const payloads = pushes.map((d) => JSON.parse(d.body) as { ref: string; before: string; after: string; repository: { full_name: string }; sender: { login: string } });
    expect(payloads.map((p) => [p.ref, p.after])).toEqual([
      ["refs/heads/main", put.data.commit.sha],
      ["refs/heads/main", next],
    ]);
    expect(payloads[1]!.before).toBe(put.data.commit.sha);
    expect(payloads[0]!.repository.full_name).toBe(r.fullName);
    expect(payloads[0]!.sender.login).toBe(`${sim.app.slug}[bot]`);
  });
});

// --- faults, accounting, violations ---------------------------------------------------------------------------------

describe("faults", () => {
  it("answers an injected 409 once, then the real thing", async () => {
    const r = repo();
    const octokit = installation(r);
    sim.fault({ match: "repos/create-or-update-file-contents", status: 409, times: 1 });
    const params = { ...at(r), path: "f.txt", message: "f", content: b64("f\n") };
    expect((await failure(octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", params))).status).toBe(409);
    expect((await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", params)).status).toBe(201);
  });

  it("answers injected server errors (5xx) on one route only, as many times as asked", async () => {
    const r = repo();
    const octokit = installation(r);
    sim.fault({ match: "git/get-ref", status: 502, times: 2 });
    sim.fault({ match: "repos/get-branch", status: 503 });
    const ref = () => octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...at(r), ref: "heads/main" });
    expect((await failure(ref())).status).toBe(502);
    expect((await failure(ref())).status).toBe(502);
    expect((await ref()).status).toBe(200);
    expect((await failure(octokit.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...at(r), branch: "main" }))).status).toBe(503);
    expect((await octokit.request("GET /repos/{owner}/{repo}", at(r))).status).toBe(200);
    sim.clearFaults();
    expect((await octokit.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...at(r), branch: "main" })).status).toBe(200);
  });

  it("answers a fault on every Nth matching call only, letting the others through, up to `times`", async () => {
    const r = repo();
    const octokit = installation(r);
    sim.fault({ match: "git/get-ref", status: 502, every: 3, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      statuses.push(await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...at(r), ref: "heads/main" }).then((a) => a.status, (e: { status: number }) => e.status));
    }
    expect(statuses).toEqual([200, 200, 502, 200, 200, 502, 200, 200, 200]);
    sim.clearFaults();
  });

  it("answers a secondary rate limit with retry-after, and adds latency", async () => {
    const r = repo();
    const octokit = installation(r);
    sim.fault({ match: "repos/get", status: 403, retryAfter: 30, times: 1 });
    const limited = await failure(octokit.request("GET /repos/{owner}/{repo}", at(r)));
    expect(limited.status).toBe(403);
    expect(limited.headers["retry-after"]).toBe("30");
    expect(limited.message).toMatch(/secondary rate limit/);

    sim.fault({ match: "GET /repos/{owner}/{repo}/git/ref/{ref}", latencyMs: 150, times: 1 });
    const started = Date.now();
    expect((await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...at(r), ref: "heads/main" })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("call accounting", () => {
  it("counts calls by operation and by class", async () => {
    const r = repo();
    const octokit = installation(r);
    const before = sim.accounting();
    await octokit.request("GET /repos/{owner}/{repo}", at(r));
    await octokit.request("GET /repos/{owner}/{repo}", at(r));
    await octokit.request("PUT /repos/{owner}/{repo}/contents/{path}", { ...at(r), path: "n.txt", message: "n", content: b64("n\n") });
    const blob = (await octokit.request("POST /repos/{owner}/{repo}/git/blobs", { ...at(r), content: "b" })).data.sha;
    const tree = (await octokit.request("POST /repos/{owner}/{repo}/git/trees", { ...at(r), tree: [{ path: "b", mode: "100644", type: "blob", sha: blob }] })).data.sha;
    await octokit.request("POST /repos/{owner}/{repo}/git/commits", { ...at(r), message: "b", tree, parents: [] });
    const after = sim.accounting();
    const delta = (key: string) => (after.byOperation[key] ?? 0) - (before.byOperation[key] ?? 0);
    expect(delta("repos/get")).toBe(2);
    expect(delta("repos/create-or-update-file-contents")).toBe(1);
    expect(delta("git/create-blob")).toBe(1);
    expect(after.byClass.read - before.byClass.read).toBe(2);
    expect(after.byClass.write - before.byClass.write).toBe(2);
    expect(after.byClass["content-creating"] - before.byClass["content-creating"]).toBe(2);
    expect(after.total - before.total).toBe(6);
  });
});

describe("violations of GitHub's description", () => {
  it("records a call to an endpoint GitHub does not have, with method and path", async () => {
    const r = repo();
    const call = installation(r).request("GET /repos/{owner}/{repo}/not-a-real-endpoint", at(r));
    expect((await failure(call)).status).toBe(404);
    expect(sim.violations).toEqual([`GET /repos/${r.fullName}/not-a-real-endpoint: not an operation in GitHub's OpenAPI description`]);
    sim.violations.length = 0;
  });

  it("records a body the description rejects, with method and path", async () => {
    const r = repo();
    const call = installation(r).request("POST /repos/{owner}/{repo}/git/blobs", { ...at(r), content: 42 } as never);
    expect(await failure(call)).toMatchObject({ status: 422, message: "Invalid request.\n\nFor 'properties/content', 42 is not a string." });
    expect(sim.violations).toEqual(["POST /repos/{owner}/{repo}/git/blobs (git/create-blob): body/content must be string"]);
    sim.violations.length = 0;
  });
});
