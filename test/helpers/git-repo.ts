/**
 * Temporary git repositories for end-to-end tests of local mode: a copy of the example repository committed on
 * `main`, and a `pao-status` branch holding `status/<request_id>.yaml` records. The status branch is written with
 * git plumbing (hash-object, mktree, commit-tree, update-ref), as the app writes it, so the working tree never
 * leaves `main`.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { stringify } from "yaml";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { copyExampleRepo, type RepoCopy } from "./repo-copy.js";

export type StatusRecordInput = z.input<typeof StatusRecord>;

const GIT_ENV = {
  GIT_AUTHOR_NAME: "pao test",
  GIT_AUTHOR_EMAIL: "pao-test@example.com",
  GIT_AUTHOR_DATE: "2025-08-16T15:00:00Z",
  GIT_COMMITTER_NAME: "pao test",
  GIT_COMMITTER_EMAIL: "pao-test@example.com",
  GIT_COMMITTER_DATE: "2025-08-16T15:00:00Z",
  GIT_CONFIG_NOSYSTEM: "1",
};

export function git(dir: string, args: readonly string[], input?: string): string {
  return execFileSync("git", [...args], {
    cwd: dir,
    input,
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV },
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

export interface GitRepo extends RepoCopy {
  /** Replaces the records on the status branch with these (a new commit on top); returns the commit. */
  writeStatus(records: readonly StatusRecordInput[]): string;
  /** The commit the status branch points at, or null. */
  statusCommit(): string | null;
}

/**
 * Sets the modification time of every file under the copy, so that times the API derives from files (a request
 * file's created_at, the catalog's last update) are known to the test.
 */
export function setAllMtimes(dir: string, when: Date, parts: readonly string[] = ["catalog", "requests", ".github"]): void {
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else {
      utimesSync(path, when, when);
    }
  };
  for (const part of parts) visit(join(dir, part));
}

/** A copy of the example repository as a git repository on `main`, optionally with status records. */
export function createGitRepo(options: { records?: readonly StatusRecordInput[]; mtime?: Date; origin?: string } = {}): GitRepo {
  const copy = copyExampleRepo();
  git(copy.dir, ["init", "--quiet"]);
  git(copy.dir, ["symbolic-ref", "HEAD", "refs/heads/main"]);
  if (options.origin) git(copy.dir, ["remote", "add", "origin", options.origin]);
  git(copy.dir, ["add", "-A"]);
  git(copy.dir, ["commit", "--quiet", "--no-gpg-sign", "-m", "example catalog"]);
  if (options.mtime) setAllMtimes(copy.dir, options.mtime);

  const repo: GitRepo = {
    ...copy,
    statusCommit() {
      try {
        return git(copy.dir, ["rev-parse", "--verify", "--quiet", "refs/heads/pao-status"]) || null;
      } catch {
        return null;
      }
    },
    writeStatus(records) {
      const entries = records.map((record) => {
        // Only records the app itself could have written: the fixture must not be what fails.
        const parsed = StatusRecord.parse(record);
        const sha = git(copy.dir, ["hash-object", "-w", "--stdin"], stringify(record));
        return `100644 blob ${sha}\t${parsed.request_id}.yaml`;
      });
      const statusTree = git(copy.dir, ["mktree"], entries.length > 0 ? entries.join("\n") + "\n" : "");
      const rootTree = git(copy.dir, ["mktree"], `040000 tree ${statusTree}\tstatus\n`);
      const parent = repo.statusCommit();
      const commit = git(copy.dir, ["commit-tree", "--no-gpg-sign", rootTree, ...(parent ? ["-p", parent] : []), "-m", `status: ${records.length} record(s)`]);
      git(copy.dir, ["update-ref", "refs/heads/pao-status", commit, ...(parent ? [parent] : [])]);
      return commit;
    },
  };
  if (options.records) repo.writeStatus(options.records);
  return repo;
}
