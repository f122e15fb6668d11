/**
 * The simulator's object store against the real git binary: every SHA it computes must be the SHA git computes for
 * the same content, and its tree listings and ancestry answers must match git's.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMPTY_TREE_SHA, ObjectStore, gitDate, type Signature, type TreeEntry, type TreeListing } from "./git-objects.js";

let dir: string;
let env: NodeJS.ProcessEnv;
let indexCount = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pao-git-objects-"));
  // No inherited GIT_DIR/GIT_INDEX_FILE/identity, no user or system config.
  env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GIT_")));
  Object.assign(env, { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", HOME: dir });
  git(["init", "-q"]);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function git(args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): string {
  return execFileSync("git", args, {
    cwd: dir,
    input: options.input ?? "",
    env: { ...env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  })
    .toString("utf8")
    .replace(/\n$/, "");
}

/** A fresh, empty index file for one tree-building session. */
function freshIndex(): Record<string, string> {
  return { GIT_INDEX_FILE: join(dir, `index-${++indexCount}`) };
}

/** Writes content into git's object database; returns git's SHA. */
function gitBlob(content: string | Buffer): string {
  return git(["hash-object", "-w", "--stdin"], { input: content });
}

/** `git mktree` from entries (in whatever order they come). */
function gitMktree(entries: readonly TreeEntry[]): string {
  const input = entries.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.path}\0`).join("");
  return git(["mktree", "-z"], { input });
}

type Layout = Record<string, string | Buffer | { content: string | Buffer; mode: "100644" | "100755" | "120000" }>;

/** The tree git's index writes for these files (paths with slashes), built from scratch. */
function gitTreeOf(files: Layout): string {
  const idx = freshIndex();
  const lines = Object.entries(files).map(([path, spec]) => {
    const { content, mode } = typeof spec === "string" || Buffer.isBuffer(spec) ? { content: spec, mode: "100644" } : spec;
    return `${mode} ${gitBlob(content)}\t${path}\0`;
  });
  if (lines.length > 0) git(["update-index", "-z", "--add", "--index-info"], { input: lines.join(""), env: idx });
  return git(["write-tree"], { env: idx });
}

/** `git ls-tree [-r -t] -l` parsed into readTree's shape. */
function gitLsTree(tree: string, recursive: boolean): TreeListing[] {
  const out = git(["ls-tree", ...(recursive ? ["-r", "-t"] : []), "-l", "-z", tree]);
  return out
    .split("\0")
    .filter((r) => r !== "")
    .map((record) => {
      const tab = record.indexOf("\t");
      const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
      const item: TreeListing = {
        path: record.slice(tab + 1),
        mode: mode as TreeListing["mode"],
        type: type as TreeListing["type"],
        sha: sha!,
      };
      if (size !== "-") item.size = Number(size);
      return item;
    });
}

/** Copies a tree of the store (and its blobs and subtrees) into git's object database with mktree; returns git's SHA. */
function mirrorTree(store: ObjectStore, sha: string): string {
  const entries = store.getTree(sha).entries.map((e) => {
    if (e.type === "blob") return { ...e, sha: gitBlob(store.getBlob(e.sha).content) };
    if (e.type === "tree") return { ...e, sha: mirrorTree(store, e.sha) };
    return e;
  });
  return gitMktree(entries);
}

function sigEnv(author: Signature, committer: Signature): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: author.date,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: committer.date,
  };
}

/** `git commit-tree`, the message taken verbatim from stdin. */
function gitCommitTree(tree: string, parents: string[], message: string, author: Signature, committer = author): string {
  return git(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])], {
    input: message,
    env: sigEnv(author, committer),
  });
}

const alice: Signature = { name: "Alice Example", email: "alice@example.com", date: "2024-03-05T10:20:30-05:00" };
const bob: Signature = { name: "Bob Ébert", email: "bob@example.org", date: "2024-03-06T01:02:03+05:30" };

describe("gitDate", () => {
  it("renders unix seconds and the offset of the ISO string", () => {
    expect(gitDate("2024-03-05T10:20:30-05:00")).toBe("1709652030 -0500");
    expect(gitDate("2024-03-06T01:02:03+05:30")).toBe("1709667123 +0530");
    expect(gitDate("2024-03-05T15:20:30Z")).toBe("1709652030 +0000");
    expect(gitDate("2024-03-05T15:20:30.999Z")).toBe("1709652030 +0000");
    expect(gitDate("1970-01-01T00:00:00Z")).toBe("0 +0000");
    expect(gitDate("2024-03-05T10:20:30-0500")).toBe("1709652030 -0500");
  });

  it("rejects dates without an offset, invalid dates and dates git cannot store", () => {
    expect(() => gitDate("2024-03-05T10:20:30")).toThrow(/offset/);
    expect(() => gitDate("2024-02-30T10:20:30Z")).toThrow(/invalid/);
    expect(() => gitDate("not a date")).toThrow();
    expect(() => gitDate("1969-12-31T23:59:59Z")).toThrow(/1970/);
  });

  it("agrees with the dates git writes into a commit", () => {
    const store = new ObjectStore();
    const tree = store.put({ type: "tree", entries: [] });
    for (const date of ["2024-03-05T10:20:30-05:00", "2024-03-06T01:02:03+05:30", "2021-12-31T23:59:59Z"]) {
      const sig = { ...alice, date };
      const sha = gitCommitTree(tree, [], "x\n", sig);
      const header = git(["cat-file", "commit", sha]).split("\n").find((l) => l.startsWith("author "));
      expect(header).toBe(`author ${alice.name} <${alice.email}> ${gitDate(date)}`);
    }
  });
});

describe("blobs", () => {
  const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));
  const cases: Array<[string, string | Buffer]> = [
    ["empty", ""],
    ["ASCII", "hello world\n"],
    ["ASCII without a final newline", "no newline"],
    ["UTF-8", "héllo wörld ✓ 日本語 🚀\n"],
    ["binary", binary],
    ["NUL bytes", Buffer.from([0, 0, 1, 0])],
  ];

  it.each(cases)("%s content hashes as git hash-object", (_, content) => {
    const store = new ObjectStore();
    const sha = store.blob(content);
    expect(sha).toBe(git(["hash-object", "--stdin"], { input: content }));
    expect(store.put({ type: "blob", content: Buffer.from(content) })).toBe(sha);
    expect(store.has(sha)).toBe(true);
    expect(store.getBlob(sha).content.equals(Buffer.from(content))).toBe(true);
  });

  it("returns copies that cannot change the stored content", () => {
    const store = new ObjectStore();
    const input = Buffer.from("abc");
    const sha = store.blob(input);
    input[0] = 0x7a;
    const got = store.get(sha);
    if (got?.type !== "blob") throw new Error("expected a blob");
    got.content[1] = 0x7a;
    expect(store.getBlob(sha).content.toString()).toBe("abc");
    expect(store.get("0".repeat(40))).toBeUndefined();
    expect(store.has("0".repeat(40))).toBe(false);
  });
});

describe("trees", () => {
  it("a flat tree with tricky names and every file mode equals git mktree", () => {
    const store = new ObjectStore();
    const file = (path: string, content: string, mode: TreeEntry["mode"] = "100644"): TreeEntry => ({
      path,
      mode,
      type: "blob",
      sha: store.blob(content),
    });
    const entries: TreeEntry[] = [
      file("b0", "b0"),
      file("a.txt", "a.txt"),
      file("a", "a"),
      file("Z", "upper z"),
      file("a-b", "a-b"),
      file("a.b", "a.b"),
      file("B", "upper b"),
      file("a b", "space"),
      file("a~", "tilde"),
      file("_", "underscore"),
      file("é.txt", "utf-8 name"),
      file("run.sh", "#!/bin/sh\necho hi\n", "100755"),
      file("link", "a.txt", "120000"),
      { path: "vendor", mode: "160000", type: "commit", sha: "0123456789abcdef0123456789abcdef01234567" },
    ];
    for (const e of entries) if (e.type === "blob") expect(gitBlob(store.getBlob(e.sha).content)).toBe(e.sha);

    const sha = store.put({ type: "tree", entries });
    expect(sha).toBe(gitMktree(entries));
    // Entries come back in git's order, whatever order they went in.
    expect(store.put({ type: "tree", entries: [...entries].reverse() })).toBe(sha);
    expect(store.getTree(sha).entries.map((e) => e.path)).toEqual(gitLsTree(sha, false).map((e) => e.path));
  });

  it("nested trees sort as if folder names ended in '/', and equal git mktree and write-tree", () => {
    const store = new ObjectStore();
    const blob = (content: string): TreeEntry["sha"] => {
      const sha = store.blob(content);
      gitBlob(content);
      return sha;
    };
    const inner = store.put({ type: "tree", entries: [{ path: "x", mode: "100644", type: "blob", sha: blob("x") }] });
    const innerDeep = store.put({
      type: "tree",
      entries: [
        { path: "y", mode: "100755", type: "blob", sha: blob("y") },
        { path: "sub", mode: "040000", type: "tree", sha: inner },
      ],
    });
    expect(inner).toBe(gitMktree(store.getTree(inner).entries));
    expect(innerDeep).toBe(gitMktree(store.getTree(innerDeep).entries));

    const entries: TreeEntry[] = [
      { path: "a", mode: "040000", type: "tree", sha: inner }, // sorts as "a/": after "a-b", "a.b", "a.txt", before "a0"
      { path: "a.txt", mode: "100644", type: "blob", sha: blob("a.txt") },
      { path: "a0", mode: "100644", type: "blob", sha: blob("a0") },
      { path: "a.b", mode: "100644", type: "blob", sha: blob("a.b") },
      { path: "a-b", mode: "040000", type: "tree", sha: innerDeep }, // "a-b/" sorts after "a-b.c"
      { path: "a-b.c", mode: "100644", type: "blob", sha: blob("a-b.c") },
      { path: "A", mode: "040000", type: "tree", sha: inner },
      { path: "b0", mode: "100644", type: "blob", sha: blob("b0") },
    ];
    const sha = store.put({ type: "tree", entries });
    expect(sha).toBe(gitMktree(entries));
    expect(store.getTree(sha).entries.map((e) => e.path)).toEqual(["A", "a-b.c", "a-b", "a.b", "a.txt", "a", "a0", "b0"]);

    // The same layout through git's index.
    expect(sha).toBe(
      gitTreeOf({
        "a/x": "x",
        "a.txt": "a.txt",
        a0: "a0",
        "a.b": "a.b",
        "a-b/y": { content: "y", mode: "100755" },
        "a-b/sub/x": "x",
        "a-b.c": "a-b.c",
        "A/x": "x",
        b0: "b0",
      }),
    );
    // And through treeFromFiles.
    expect(
      store.treeFromFiles({
        "a/x": "x",
        "a.txt": "a.txt",
        a0: "a0",
        "a.b": "a.b",
        "a-b/y": { content: "y", mode: "100755" },
        "a-b/sub/x": "x",
        "a-b.c": "a-b.c",
        "A/x": "x",
        b0: "b0",
      }),
    ).toBe(sha);
  });

  it("the empty tree is git's empty tree, and folders cannot be empty", () => {
    const store = new ObjectStore();
    expect(store.put({ type: "tree", entries: [] })).toBe(EMPTY_TREE_SHA);
    expect(gitMktree([])).toBe(EMPTY_TREE_SHA);
    expect(store.treeFromFiles({})).toBe(EMPTY_TREE_SHA);
    expect(() => store.treeFromFiles({ "empty/": "x" })).toThrow(/invalid tree entry name/);
    expect(() => store.treeFromFiles({ "a//b": "x" })).toThrow(/invalid tree entry name/);
    // Deleting a folder's last file removes the folder, as git's index does.
    const base = store.treeFromFiles({ "keep.txt": "k", "only/child/file.txt": "f" });
    const after = store.treeFromFiles({ "only/child/file.txt": null }, base);
    expect(store.readTree(after, { recursive: true }).map((e) => e.path)).toEqual(["keep.txt"]);
    expect(after).toBe(gitTreeOf({ "keep.txt": "k" }));
    expect(store.treeFromFiles({ "keep.txt": null, only: null }, base)).toBe(EMPTY_TREE_SHA);
  });

  it("rejects malformed entries", () => {
    const store = new ObjectStore();
    const sha = store.blob("x");
    const put = (entry: Partial<TreeEntry>) =>
      store.put({ type: "tree", entries: [{ path: "f", mode: "100644", type: "blob", sha, ...entry } as TreeEntry] });
    expect(() => put({ path: "a/b" })).toThrow(/name/);
    expect(() => put({ path: "" })).toThrow(/name/);
    expect(() => put({ path: ".." })).toThrow(/name/);
    expect(() => put({ mode: "040000" })).toThrow(/type tree/);
    expect(() => put({ mode: "100600" as TreeEntry["mode"] })).toThrow(/mode/);
    expect(() => put({ sha: "f".repeat(40) })).toThrow(/no such object/);
    expect(() => put({ sha: "ABC" })).toThrow(/invalid sha/);
    expect(() =>
      store.put({
        type: "tree",
        entries: [
          { path: "f", mode: "100644", type: "blob", sha },
          { path: "f", mode: "100755", type: "blob", sha },
        ],
      }),
    ).toThrow(/duplicate/);
  });
});

describe("treeFromFiles with a base tree", () => {
  it("replaces, adds and deletes paths, equal to git read-tree + update-index + write-tree", () => {
    const store = new ObjectStore();
    const baseFiles: Layout = {
      "README.md": "# readme\n",
      "src/index.ts": "export {};\n",
      "src/lib/util.ts": "export const x = 1;\n",
      "docs/only.md": "only file in docs\n",
      "bin/run": { content: "#!/bin/sh\n", mode: "100755" },
      "img/logo.bin": Buffer.from([0, 1, 2, 255]),
      "old/a.txt": "a",
      "old/b.txt": "b",
      "file-becomes-dir": "f",
    };
    const base = store.treeFromFiles(baseFiles);
    expect(base).toBe(gitTreeOf(baseFiles));

    const changes = {
      "README.md": "# new readme\n", // replace
      "src/new.ts": "export const y = 2;\n", // add beside existing
      "src/lib/util.ts": null, // delete: lib/ becomes empty and disappears
      "docs/only.md": null, // delete: docs/ disappears
      "bin/run": "#!/bin/sh\necho v2\n", // replace: keeps the executable bit
      "deep/er/file.txt": "new nested\n", // add under new folders
      old: null, // delete a whole folder
      "file-becomes-dir/inner.txt": "now a folder\n", // a file replaced by a folder
      "missing.txt": null, // deleting what is not there is a no-op
    };
    const result = store.treeFromFiles(changes, base);

    // git: start from the base tree, apply the same changes to the index, write the tree.
    const idx = freshIndex();
    git(["read-tree", base], { env: idx });
    git(["update-index", "--force-remove", "src/lib/util.ts", "docs/only.md", "old/a.txt", "old/b.txt", "file-becomes-dir"], {
      env: idx,
    });
    const add = (path: string, content: string, mode = "100644") =>
      git(["update-index", "--add", "--cacheinfo", `${mode},${gitBlob(content)},${path}`], { env: idx });
    add("README.md", "# new readme\n");
    add("src/new.ts", "export const y = 2;\n");
    add("bin/run", "#!/bin/sh\necho v2\n", "100755");
    add("deep/er/file.txt", "new nested\n");
    add("file-becomes-dir/inner.txt", "now a folder\n");
    expect(result).toBe(git(["write-tree"], { env: idx }));

    // The same final layout from scratch.
    expect(result).toBe(
      gitTreeOf({
        "README.md": "# new readme\n",
        "src/index.ts": "export {};\n",
        "src/new.ts": "export const y = 2;\n",
        "bin/run": { content: "#!/bin/sh\necho v2\n", mode: "100755" },
        "img/logo.bin": Buffer.from([0, 1, 2, 255]),
        "deep/er/file.txt": "new nested\n",
        "file-becomes-dir/inner.txt": "now a folder\n",
      }),
    );
    // The base is untouched.
    expect(store.fileAt(base, "README.md")?.content.toString()).toBe("# readme\n");
    expect(store.fileAt(base, "src/lib/util.ts")).not.toBeNull();
  });

  it("accepts a commit as base, and a folder replaced by a file", () => {
    const store = new ObjectStore();
    const tree = store.treeFromFiles({ "dir/a": "a", "dir/b": "b", keep: "k" });
    const commit = store.commit({ tree, message: "base\n", author: alice });
    const result = store.treeFromFiles({ dir: "now a file" }, commit);
    expect(result).toBe(gitTreeOf({ dir: "now a file", keep: "k" }));
  });

  it("rejects paths that clash within one call", () => {
    const store = new ObjectStore();
    expect(() => store.treeFromFiles({ a: "file", "a/b": "file in folder" })).toThrow(/clash/);
    expect(() => store.treeFromFiles({ "/abs": "x" })).toThrow(/name/);
  });
});

describe("readTree and fileAt", () => {
  const layout: Layout = {
    "README.md": "readme\n",
    "a.txt": "a",
    "a/b/c.txt": "deep",
    "a/b.txt": "b",
    "a-b/x": "x",
    "bin/tool": { content: "#!/bin/sh\n", mode: "100755" },
    "bin/link": { content: "tool", mode: "120000" },
    "data.bin": Buffer.from([0, 255, 0, 255, 7]),
    "ü/ñ.md": "unicode\n",
  };

  it("lists what git ls-tree -r -t lists, recursively and not", () => {
    const store = new ObjectStore();
    const tree = store.treeFromFiles(layout);
    expect(tree).toBe(gitTreeOf(layout));
    const recursive = store.readTree(tree, { recursive: true });
    expect(recursive).toEqual(gitLsTree(tree, true));
    expect(recursive.filter((e) => e.type === "tree").map((e) => e.path)).toEqual(["a-b", "a", "a/b", "bin", "ü"]);
    expect(store.readTree(tree, { recursive: false })).toEqual(gitLsTree(tree, false));
    expect(store.readTree(tree)).toEqual(gitLsTree(tree, false));
    // A commit lists its tree.
    const commit = store.commit({ tree, message: "m\n", author: alice });
    expect(store.readTree(commit, { recursive: true })).toEqual(recursive);
    // A subtree lists relative to itself.
    const sub = recursive.find((e) => e.path === "a")!.sha;
    expect(store.readTree(sub, { recursive: true })).toEqual(gitLsTree(sub, true));
  });

  it("fileAt finds blobs by path in a tree or commit", () => {
    const store = new ObjectStore();
    const tree = store.treeFromFiles(layout);
    const commit = store.commit({ tree, message: "m\n", author: alice });
    for (const at of [tree, commit]) {
      const deep = store.fileAt(at, "a/b/c.txt");
      expect(deep?.content.toString()).toBe("deep");
      expect(deep?.sha).toBe(git(["rev-parse", `${tree}:a/b/c.txt`]));
      expect(store.fileAt(at, "bin/tool")?.mode).toBe("100755");
      expect(store.fileAt(at, "data.bin")?.content.equals(Buffer.from([0, 255, 0, 255, 7]))).toBe(true);
      expect(store.fileAt(at, "a/b")).toBeNull(); // a folder
      expect(store.fileAt(at, "a/missing")).toBeNull();
      expect(store.fileAt(at, "a.txt/x")).toBeNull(); // under a file
      expect(store.fileAt(at, "")).toBeNull();
    }
    expect(() => store.fileAt("e".repeat(40), "a.txt")).toThrow(/no such object/);
  });
});

describe("commits", () => {
  it("a root commit equals git commit-tree, with negative and positive offsets", () => {
    const store = new ObjectStore();
    const tree = store.treeFromFiles({ "README.md": "hello\n", "src/a.ts": "a\n" });
    expect(mirrorTree(store, tree)).toBe(tree);
    const message = "Initial commit\n\nA body that spans\nseveral lines.\n";
    const sha = store.commit({ tree, message, author: alice, committer: bob });
    expect(sha).toBe(gitCommitTree(tree, [], message, alice, bob));

    const stored = store.getCommit(sha);
    expect(stored).toEqual({ type: "commit", tree, parents: [], author: alice, committer: bob, message });
    // The committer defaults to the author.
    const same = store.commit({ tree, message, author: alice });
    expect(same).toBe(gitCommitTree(tree, [], message, alice, alice));
  });

  it("a commit with two parents and a multi-line message equals git commit-tree", () => {
    const store = new ObjectStore();
    const t1 = store.treeFromFiles({ "one.txt": "1\n" });
    const t2 = store.treeFromFiles({ "two.txt": "2\n" });
    const t3 = store.treeFromFiles({ "one.txt": "1\n", "two.txt": "2\n" });
    for (const t of [t1, t2, t3]) expect(mirrorTree(store, t)).toBe(t);
    const utc: Signature = { name: "Carol", email: "carol@example.net", date: "2023-07-01T12:00:00Z" };
    const p1 = store.commit({ tree: t1, message: "one\n", author: alice });
    const p2 = store.commit({ tree: t2, message: "two\n", author: bob, committer: utc });
    expect(p1).toBe(gitCommitTree(t1, [], "one\n", alice));
    expect(p2).toBe(gitCommitTree(t2, [], "two\n", bob, utc));

    for (const message of ["Merge one and two\n\n* one\n* two\n", "no final newline\nsecond line", "Ünïcødé ✓\n"]) {
      const merge = store.commit({ tree: t3, parents: [p1, p2], message, author: bob, committer: alice });
      expect(merge).toBe(gitCommitTree(t3, [p1, p2], message, bob, alice));
      expect(git(["cat-file", "commit", merge]).split("\n").filter((l) => l.startsWith("parent "))).toEqual([
        `parent ${p1}`,
        `parent ${p2}`,
      ]);
    }
  });

  it("stores dates canonically and rejects malformed commits", () => {
    const store = new ObjectStore();
    const tree = store.put({ type: "tree", entries: [] });
    const withMillis = store.commit({ tree, message: "m", author: { ...alice, date: "2024-03-05T15:20:30.000+00:00" } });
    expect(withMillis).toBe(store.commit({ tree, message: "m", author: { ...alice, date: "2024-03-05T15:20:30Z" } }));
    expect(store.getCommit(withMillis).author.date).toBe("2024-03-05T15:20:30Z");

    expect(() => store.commit({ tree: "f".repeat(40), message: "m", author: alice })).toThrow(/no such object/);
    expect(() => store.commit({ tree: store.blob("x"), message: "m", author: alice })).toThrow(/not a tree/);
    expect(() => store.commit({ tree, parents: [tree], message: "m", author: alice })).toThrow(/not a commit/);
    expect(() => store.commit({ tree, message: "m", author: { ...alice, email: "a>b" } })).toThrow(/email/);
    expect(() => store.commit({ tree, message: "m", author: { ...alice, date: "2024-03-05" } })).toThrow(/ISO/);
    const root = store.commit({ tree, message: "m", author: alice });
    expect(() => store.commit({ tree, parents: [root, root], message: "m", author: alice })).toThrow(/duplicate/);
  });
});

describe("isAncestor and mergeBase", () => {
  it("agree with git merge-base on a history with branches, merges, criss-cross and an unrelated root", () => {
    const store = new ObjectStore();
    const commits: Record<string, string> = {};
    // Clock skew on purpose: every commit is dated before its parents, so "the latest common ancestor" is wrong
    // and the answer has to come from the graph.
    let clock = Date.parse("2024-01-01T00:00:00Z") / 1000;
    const make = (name: string, parents: string[]) => {
      const date = new Date(--clock * 1000).toISOString().replace(".000Z", "-05:00");
      const author: Signature = { name: "Dev", email: "dev@example.com", date };
      const tree = store.treeFromFiles({ [`${name}.txt`]: `${name}\n` });
      mirrorTree(store, tree);
      const parentShas = parents.map((p) => commits[p]!);
      const message = `${name}\n`;
      const sha = store.commit({ tree, parents: parentShas, message, author });
      expect(sha).toBe(gitCommitTree(tree, parentShas, message, author));
      commits[name] = sha;
    };
    make("R", []);
    make("A", ["R"]);
    make("B", ["A"]); // main
    make("C", ["A"]); // branch
    make("D", ["C"]);
    make("M1", ["B", "C"]); // criss-cross merges
    make("M2", ["C", "B"]);
    make("E", ["M1"]);
    make("F", ["M2"]);
    make("U", []); // unrelated history

    const names = Object.keys(commits);
    for (const a of names) {
      for (const d of names) {
        const exit = spawnSync("git", ["merge-base", "--is-ancestor", commits[a]!, commits[d]!], { cwd: dir, env }).status;
        expect([0, 1]).toContain(exit);
        expect(store.isAncestor(commits[a]!, commits[d]!), `${a} ancestor of ${d}`).toBe(exit === 0);
      }
    }

    const byName = new Map(Object.entries(commits).map(([n, s]) => [s, n]));
    for (const [i, a] of names.entries()) {
      for (const b of names.slice(i)) {
        // Exit 1 with no output: no common ancestor.
        const run = spawnSync("git", ["merge-base", "--all", commits[a]!, commits[b]!], { cwd: dir, env, encoding: "utf8" });
        expect([0, 1], run.stderr).toContain(run.status);
        const all = run.stdout.split("\n").filter(Boolean);
        const ours = store.mergeBase(commits[a]!, commits[b]!);
        const label = `merge-base ${a} ${b}`;
        if (all.length === 0) {
          expect(ours, label).toBeNull();
        } else {
          expect(all.map((s) => byName.get(s)), label).toContain(byName.get(ours!));
          if (all.length === 1) expect(ours, label).toBe(all[0]);
        }
        expect(store.mergeBase(commits[b]!, commits[a]!), label).toBe(ours);
      }
    }
    // Spot checks of the expected shape.
    expect(store.mergeBase(commits.B!, commits.D!)).toBe(commits.A);
    expect(store.mergeBase(commits.E!, commits.D!)).toBe(commits.C);
    expect(store.mergeBase(commits.U!, commits.E!)).toBeNull();
    expect(["B", "C"]).toContain(byName.get(store.mergeBase(commits.E!, commits.F!)!));
    expect(store.isAncestor(commits.E!, commits.E!)).toBe(true);
  });

  it("throws on unknown commits", () => {
    const store = new ObjectStore();
    const tree = store.put({ type: "tree", entries: [] });
    const c = store.commit({ tree, message: "m", author: alice });
    expect(() => store.isAncestor("a".repeat(40), c)).toThrow();
    expect(() => store.isAncestor(c, "a".repeat(40))).toThrow();
    expect(() => store.mergeBase(c, tree)).toThrow();
  });
});
