/**
 * Issue 9, items 1, 3 (empty repository), 5, 7 (repository url, created_at) and 16 (symbolic links): in local mode
 * the API never hides why something is missing or wrong. A request file that `pao validate` rejects is served as
 * `validating` with its diagnostics; a broken catalog file is listed by health with file, line and column, and
 * logged once per change; a repository with no catalog is `degraded` and says why; links are skipped, named.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { createGitRepo, type GitRepo } from "../helpers/git-repo.js";
import { call, eventually, getJson, post } from "../helpers/http.js";

const BAD_ENV = "requests/product-team/bad-env.yaml";
const NO_VERSION = "requests/product-team/no-version.yaml";
const ADDED_LATER = "requests/product-team/added-later.yaml";
const UNTRACKED = "requests/product-team/untracked.yaml";
const UNTRACKED_MTIME = new Date("2025-03-03T12:00:00Z");

let repo: GitRepo;
let server: RunningServer;
let outside: string;
let empty: string;
let emptyServer: RunningServer;
let emptyCatalog: string;
let emptyCatalogServer: RunningServer;

/** A commit at a chosen date, so created_at can be told from the files' modification times. */
function commitAt(dir: string, paths: string[], date: string): void {
  const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  execFileSync("git", ["add", "--", ...paths], { cwd: dir, env });
  execFileSync("git", ["commit", "--quiet", "--no-gpg-sign", "-m", `add ${paths.join(" ")}`], { cwd: dir, env });
}

const ITEM_REQUEST = (extra: string[]) => ["catalog_item: eks-container-app", ...extra, ""].join("\n");

beforeAll(async () => {
  // The clone's origin is some other folder: health must name the folder served, not that one.
  repo = createGitRepo({ origin: "/srv/somewhere-else/pao-catalog.git" });
  repo.write(BAD_ENV, ITEM_REQUEST(["version: 1.2.0", "parameters:", "  app_name: my-web-app", "  environment: stagign"]));
  repo.write(NO_VERSION, ITEM_REQUEST(["parameters:", "  app_name: other-app", "  environment: dev"]));
  repo.write(ADDED_LATER, ITEM_REQUEST(["version: 1.2.0", "parameters:", "  app_name: later-app", "  environment: dev"]));
  commitAt(repo.dir, [BAD_ENV, NO_VERSION], "2025-04-01T15:00:00Z");
  commitAt(repo.dir, [ADDED_LATER], "2025-05-02T15:00:00Z");
  repo.write(UNTRACKED, ITEM_REQUEST(["version: 1.2.0", "parameters:", "  app_name: untracked-app", "  environment: prod"]));
  // Files that were added long ago may have been touched since: the modification time is not when they were added.
  const touched = new Date("2025-07-07T07:07:07Z");
  for (const f of [BAD_ENV, NO_VERSION, ADDED_LATER]) utimesSync(join(repo.dir, f), touched, touched);
  utimesSync(join(repo.dir, UNTRACKED), UNTRACKED_MTIME, UNTRACKED_MTIME);

  // Links pointing outside the repository, at files that would otherwise be a valid item and a valid request.
  outside = mkdtempSync(join(tmpdir(), "pao-outside-"));
  writeFileSync(join(outside, "item.yaml"), execFileSync("cat", [join(repo.dir, "catalog/databases/redis-cache.yaml")]).toString().replace("name: redis-cache", "name: linked-cache"));
  writeFileSync(join(outside, "request.yaml"), ITEM_REQUEST(["version: 1.2.0", "parameters:", "  app_name: linked-app", "  environment: dev"]));
  symlinkSync(join(outside, "item.yaml"), join(repo.dir, "catalog/databases/linked-cache.yaml"));
  symlinkSync(join(outside, "request.yaml"), join(repo.dir, "requests/product-team/linked.yaml"));

  empty = mkdtempSync(join(tmpdir(), "pao-empty-"));
  emptyCatalog = mkdtempSync(join(tmpdir(), "pao-empty-catalog-"));
  mkdirSync(join(emptyCatalog, "catalog"));
  [server, emptyServer, emptyCatalogServer] = await Promise.all([
    startServer({ PAO_LOCAL_REPO: repo.dir, PAO_POLL_INTERVAL_MS: "100", PAO_TIMEZONE: "UTC" }, 45_000),
    startServer({ PAO_LOCAL_REPO: empty, PAO_POLL_INTERVAL_MS: "0" }, 45_000),
    startServer({ PAO_LOCAL_REPO: emptyCatalog, PAO_POLL_INTERVAL_MS: "0" }, 45_000),
  ]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), emptyServer?.stop(), emptyCatalogServer?.stop()]);
  repo?.remove();
  for (const dir of [outside, empty, emptyCatalog]) if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Summary {
  request_id: string;
  status: string;
  catalog_item?: string;
  created_at: string;
  href: string;
}

async function summaryOf(path: string): Promise<Summary> {
  const list: Summary[] = (await getJson(`${server.api}/requests`)).requests;
  const detail = await Promise.all(list.map(async (r) => ({ r, d: await getJson(`${server.origin}${r.href}`) })));
  const found = detail.filter((x) => x.d.request_path === path);
  expect(found, path).toHaveLength(1);
  return found[0]!.r;
}

describe("a request file that pao validate rejects (item 1)", () => {
  for (const [path, code, line] of [
    [BAD_ENV, "request-parameter-invalid", 5],
    [NO_VERSION, "schema-missing-field", 1],
  ] as const) {
    it(`${path} is served as validating with its diagnostics, never as something to fulfil`, async () => {
      const summary = await summaryOf(path);
      expect(summary.status).toBe("validating");
      const detail = await getJson(`${server.origin}${summary.href}`);
      expect(detail.status).toBe("validating");
      expect(detail.fulfillment.steps).toEqual([]);
      expect(detail.fulfillment.can_resume).toBe(false);
      expect(detail.fulfillment.can_abort).toBe(false);
      expect(detail.version).not.toBe("");
      expect(detail.diagnostics.length).toBeGreaterThan(0);
      const first = detail.diagnostics[0];
      expect(first).toMatchObject({ code, file: path, line, severity: "error" });
      expect(first.message.length).toBeGreaterThan(0);
      expect(first.column).toBeGreaterThanOrEqual(1);
      // The list's status filter agrees with the view.
      const validating: Summary[] = (await getJson(`${server.api}/requests?status=validating`)).requests;
      expect(validating.map((r) => r.request_id)).toContain(summary.request_id);
      const submitted: Summary[] = (await getJson(`${server.api}/requests?status=submitted`)).requests;
      expect(submitted.map((r) => r.request_id)).not.toContain(summary.request_id);
    });
  }

  it("a valid request file has no diagnostics and stays submitted", async () => {
    const summary = await summaryOf(ADDED_LATER);
    expect(summary.status).toBe("submitted");
    const detail = await getJson(`${server.origin}${summary.href}`);
    expect(detail.diagnostics ?? []).toEqual([]);
    expect(detail.fulfillment.steps.length).toBeGreaterThan(0);
  });
});

describe("created_at of a request file (item 7)", () => {
  it("is the date of the commit that added the file, not its modification time", async () => {
    expect((await summaryOf(BAD_ENV)).created_at).toBe("2025-04-01T15:00:00+00:00");
    expect((await summaryOf(ADDED_LATER)).created_at).toBe("2025-05-02T15:00:00+00:00");
  });

  it("is the modification time for a file git does not track", async () => {
    expect((await summaryOf(UNTRACKED)).created_at).toBe("2025-03-03T12:00:00+00:00");
  });

  it("becomes the commit's date once the file is committed, without a refresh", async () => {
    commitAt(repo.dir, [UNTRACKED], "2025-06-06T06:00:00Z");
    await eventually(async () => expect((await summaryOf(UNTRACKED)).created_at).toBe("2025-06-06T06:00:00+00:00"), 5000);
  });
});

describe("health names the repository served and every diagnostic (items 5 and 7)", () => {
  it("repository.url is the folder served, not the clone's origin", async () => {
    const health = await getJson(`${server.api}/health`);
    expect(health.repository.url).toBe(pathToFileURL(repo.dir).href);
  });

  it("a broken catalog file is listed with code, message, file, line and column, and logged once", async () => {
    repo.edit("catalog/networking/dns-record.yaml", "version: 1.0.0", "version: 1.0");
    const health = await eventually(async () => {
      const h = await getJson(`${server.api}/health`);
      expect(h.status).toBe("degraded");
      return h;
    }, 5000);
    expect(health.catalog_errors).toBeGreaterThan(0);
    const found = health.diagnostics.find((d: { file: string }) => d.file === "catalog/networking/dns-record.yaml");
    expect(found).toMatchObject({ severity: "error", file: "catalog/networking/dns-record.yaml" });
    expect(found.code).toMatch(/^[a-z-]+$/);
    expect(found.message.length).toBeGreaterThan(0);
    expect(found.line).toBeGreaterThan(1);
    expect(found.column).toBeGreaterThanOrEqual(1);
    expect((await call(`${server.api}/catalog/items/dns-record`)).status).toBe(404);

    // Several polls and a refresh later, the log has said it once.
    await new Promise((r) => setTimeout(r, 600));
    await post(`${server.api}/admin/catalog/refresh`);
    const logged = () => server.output().split("\n").filter((l) => l.includes("catalog/networking/dns-record.yaml:"));
    expect(logged()).toHaveLength(1);
    expect(logged()[0]).toMatch(/catalog\/networking\/dns-record\.yaml:\d+:\d+/);
    expect(logged()[0]).toContain(found.code);

    // Fixed: health is clean again, and the log says so.
    repo.edit("catalog/networking/dns-record.yaml", "version: 1.0", "version: 1.0.0");
    await eventually(async () => expect((await getJson(`${server.api}/health`)).diagnostics.filter((d: { severity: string }) => d.severity === "error")).toEqual([]), 5000);
    expect(logged()).toHaveLength(1);
  });
});

describe("symbolic links under catalog/ and requests/ (item 16)", () => {
  it("are not followed, and health warns naming each link", async () => {
    expect((await call(`${server.api}/catalog/items/linked-cache`)).status).toBe(404);
    const list = await getJson(`${server.api}/requests`);
    const paths = await Promise.all(list.requests.map(async (r: Summary) => (await getJson(`${server.origin}${r.href}`)).request_path));
    expect(paths).not.toContain("requests/product-team/linked.yaml");
    const health = await getJson(`${server.api}/health`);
    for (const link of ["catalog/databases/linked-cache.yaml", "requests/product-team/linked.yaml"]) {
      const warning = health.diagnostics.find((d: { file: string }) => d.file === link);
      expect(warning, link).toMatchObject({ severity: "warning", file: link, line: 1, column: 1 });
      expect(warning.message).toMatch(/symbolic link/);
      expect(server.output()).toContain(link);
    }
  });
});

describe("a repository with no catalog (item 3)", () => {
  for (const [label, which] of [
    ["an empty folder", () => emptyServer],
    ["an empty catalog/ folder", () => emptyCatalogServer],
  ] as const) {
    it(`${label} is degraded, says why, and has no 1970 date`, async () => {
      const health = await getJson(`${which().api}/health`);
      expect(health.status).toBe("degraded");
      expect(health.catalog_last_updated ?? null).toBeNull();
      expect(JSON.stringify(health)).not.toContain("1970");
      expect(health.diagnostics.length).toBeGreaterThan(0);
      expect(health.diagnostics[0].file).toBe("catalog");
      expect(health.diagnostics[0].message).toMatch(/catalog/);
      expect(health.diagnostics[0].hint).toBeTruthy();
      const stats = await getJson(`${which().api}/admin/catalog/stats`);
      expect(JSON.stringify(stats)).not.toContain("1970");
    });
  }
});
