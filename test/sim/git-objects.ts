/**
 * An in-memory git object store for the GitHub simulator: blobs, trees and commits, addressed by the SHA-1 git
 * itself computes for them (`sha1("<type> <size>\0" + body)`, with git's binary tree format and text commit format),
 * so the SHAs the simulator hands out are the SHAs a real repository would have. Pure: no I/O, only node:crypto.
 *
 * Objects are validated on `put` (names, modes, referenced objects exist with the right type) and stored in a
 * canonical form: tree entries sorted as git sorts them, commit dates re-rendered from their git form.
 */
import { createHash } from "node:crypto";

export interface Blob {
  type: "blob";
  content: Buffer;
}

export type TreeEntryMode = "100644" | "100755" | "040000" | "160000" | "120000";

export interface TreeEntry {
  /** One name, no slash. */
  path: string;
  mode: TreeEntryMode;
  type: "blob" | "tree" | "commit";
  sha: string;
}

export interface Tree {
  type: "tree";
  entries: TreeEntry[];
}

export interface Signature {
  name: string;
  email: string;
  /** ISO 8601 with an offset (`Z` or `±hh:mm`); stored canonically as `YYYY-MM-DDTHH:MM:SS±hh:mm` (or `Z`). */
  date: string;
}

export interface Commit {
  type: "commit";
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

export type GitObject = Blob | Tree | Commit;

/** One entry of `readTree`, as GitHub's `GET /git/trees/{sha}` lists it. */
export interface TreeListing {
  /** Full slash path from the listed tree. */
  path: string;
  mode: TreeEntryMode;
  type: "blob" | "tree" | "commit";
  sha: string;
  /** Blobs only. */
  size?: number;
}

/** A file for `treeFromFiles`: content (mode 100644, or the mode of the file it replaces), content with a mode, or null to delete. */
export type FileSpec = string | Buffer | { content: string | Buffer; mode?: "100644" | "100755" | "120000" } | null;

export interface CommitInput {
  tree: string;
  parents?: string[];
  message: string;
  author: Signature;
  /** Defaults to the author. */
  committer?: Signature;
}

/** The SHA of the empty tree, the same in every git repository. */
export const EMPTY_TREE_SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

const SHA_RE = /^[0-9a-f]{40}$/;
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):?(\d{2}))$/;

const MODE_TYPE: Record<TreeEntryMode, TreeEntry["type"]> = {
  "100644": "blob",
  "100755": "blob",
  "120000": "blob",
  "040000": "tree",
  "160000": "commit",
};

interface ParsedDate {
  seconds: number;
  /** `+hhmm` / `-hhmm`. */
  offset: string;
  /** Offset in minutes east of UTC (sign applied). */
  offsetMinutes: number;
}

function parseIsoDate(iso: string): ParsedDate {
  const m = ISO_RE.exec(iso);
  if (!m) throw new Error(`not an ISO 8601 date with an offset (Z or ±hh:mm): ${JSON.stringify(iso)}`);
  const [, y, mo, d, h, mi, s, zone, sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new Error(`invalid date: ${JSON.stringify(iso)}`);
  }
  const local = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  const check = new Date(local);
  if (check.getUTCDate() !== day) throw new Error(`invalid date: ${JSON.stringify(iso)}`);
  let offsetMinutes = 0;
  let offset = "+0000";
  if (zone !== "Z") {
    const ohn = Number(oh);
    const omn = Number(om);
    if (ohn > 23 || omn > 59) throw new Error(`invalid offset in date: ${JSON.stringify(iso)}`);
    offsetMinutes = (sign === "-" ? -1 : 1) * (ohn * 60 + omn);
    offset = `${sign}${oh}${om}`;
  }
  const seconds = local / 1000 - offsetMinutes * 60;
  if (seconds < 0) throw new Error(`dates before 1970 cannot be stored in a git commit: ${JSON.stringify(iso)}`);
  return { seconds, offset, offsetMinutes };
}

/** Renders an ISO 8601 date with an offset as git stores it: `<unix seconds> <+hhmm>`, keeping the offset (`Z` is +0000). */
export function gitDate(iso: string): string {
  const { seconds, offset } = parseIsoDate(iso);
  return `${seconds} ${offset}`;
}

/** The canonical ISO form of a date: seconds precision, the same offset (`Z` for an offset written as `Z` or +00:00). */
function canonicalIso(iso: string): string {
  const { seconds, offset, offsetMinutes } = parseIsoDate(iso);
  const local = new Date((seconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
  if (offset === "+0000") return `${local}Z`;
  return `${local}${offset.slice(0, 3)}:${offset.slice(3)}`;
}

function compareEntries(a: TreeEntry, b: TreeEntry): number {
  // git's base_name_compare: byte order, a tree's name compared as if it ended in "/".
  const an = Buffer.from(a.mode === "040000" ? `${a.path}/` : a.path, "utf8");
  const bn = Buffer.from(b.mode === "040000" ? `${b.path}/` : b.path, "utf8");
  return Buffer.compare(an, bn);
}

function validateName(name: string): void {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new Error(`invalid tree entry name: ${JSON.stringify(name)}`);
  }
  if (name.toLowerCase() === ".git") throw new Error(`a tree may not contain ${JSON.stringify(name)}`);
}

function validateSignature(sig: Signature, role: string): void {
  for (const field of ["name", "email"] as const) {
    const v = sig[field];
    if (typeof v !== "string" || /[<>\n\0]/.test(v)) {
      throw new Error(`invalid ${role} ${field}: ${JSON.stringify(v)}`);
    }
  }
  parseIsoDate(sig.date);
}

function copyObject(obj: GitObject): GitObject {
  switch (obj.type) {
    case "blob":
      return { type: "blob", content: Buffer.from(obj.content) };
    case "tree":
      return { type: "tree", entries: obj.entries.map((e) => ({ ...e })) };
    case "commit":
      return {
        type: "commit",
        tree: obj.tree,
        parents: [...obj.parents],
        author: { ...obj.author },
        committer: { ...obj.committer },
        message: obj.message,
      };
  }
}

/** A mutable, in-memory directory used by `treeFromFiles`. */
type Dir = Map<string, { entry: TreeEntry; dir?: Dir }>;

export class ObjectStore {
  readonly #objects = new Map<string, GitObject>();

  /** Stores an object (validated, canonicalized) and returns its SHA-1 exactly as git computes it. */
  put(obj: GitObject): string {
    let canonical: GitObject;
    let body: Buffer;
    switch (obj.type) {
      case "blob": {
        if (!Buffer.isBuffer(obj.content)) throw new Error("blob content must be a Buffer");
        canonical = { type: "blob", content: Buffer.from(obj.content) };
        body = canonical.content;
        break;
      }
      case "tree": {
        const entries = obj.entries.map((e) => ({ path: e.path, mode: e.mode, type: e.type, sha: e.sha }));
        const names = new Set<string>();
        for (const e of entries) {
          validateName(e.path);
          if (names.has(e.path)) throw new Error(`duplicate tree entry: ${JSON.stringify(e.path)}`);
          names.add(e.path);
          const expected = MODE_TYPE[e.mode];
          if (expected === undefined) throw new Error(`invalid mode ${JSON.stringify(e.mode)} for ${e.path}`);
          if (e.type !== expected) throw new Error(`mode ${e.mode} needs type ${expected}, not ${e.type} (${e.path})`);
          if (!SHA_RE.test(e.sha)) throw new Error(`invalid sha ${JSON.stringify(e.sha)} for ${e.path}`);
          // A gitlink (submodule) points into another repository; blobs and trees must be here.
          if (e.type !== "commit") this.#expect(e.sha, e.type);
        }
        entries.sort(compareEntries);
        canonical = { type: "tree", entries };
        body = Buffer.concat(
          entries.flatMap((e) => [
            Buffer.from(`${e.mode === "040000" ? "40000" : e.mode} ${e.path}\0`, "utf8"),
            Buffer.from(e.sha, "hex"),
          ]),
        );
        break;
      }
      case "commit": {
        this.#expect(obj.tree, "tree");
        for (const p of obj.parents) this.#expect(p, "commit");
        if (new Set(obj.parents).size !== obj.parents.length) throw new Error("duplicate parent");
        validateSignature(obj.author, "author");
        validateSignature(obj.committer, "committer");
        if (typeof obj.message !== "string") throw new Error("commit message must be a string");
        canonical = {
          type: "commit",
          tree: obj.tree,
          parents: [...obj.parents],
          author: { name: obj.author.name, email: obj.author.email, date: canonicalIso(obj.author.date) },
          committer: { name: obj.committer.name, email: obj.committer.email, date: canonicalIso(obj.committer.date) },
          message: obj.message,
        };
        const sig = (s: Signature) => `${s.name} <${s.email}> ${gitDate(s.date)}`;
        const text =
          `tree ${obj.tree}\n` +
          obj.parents.map((p) => `parent ${p}\n`).join("") +
          `author ${sig(obj.author)}\n` +
          `committer ${sig(obj.committer)}\n` +
          `\n${obj.message}`;
        body = Buffer.from(text, "utf8");
        break;
      }
      default:
        throw new Error(`unknown object type: ${JSON.stringify((obj as { type: unknown }).type)}`);
    }
    const header = Buffer.from(`${canonical.type} ${body.length}\0`, "utf8");
    const sha = createHash("sha1").update(header).update(body).digest("hex");
    if (!this.#objects.has(sha)) this.#objects.set(sha, canonical);
    return sha;
  }

  /** A copy of the object, or undefined. */
  get(sha: string): GitObject | undefined {
    const obj = this.#objects.get(sha);
    return obj === undefined ? undefined : copyObject(obj);
  }

  has(sha: string): boolean {
    return this.#objects.has(sha);
  }

  getBlob(sha: string): Blob {
    return this.#expect(sha, "blob") as Blob;
  }

  getTree(sha: string): Tree {
    return this.#expect(sha, "tree") as Tree;
  }

  getCommit(sha: string): Commit {
    return this.#expect(sha, "commit") as Commit;
  }

  blob(content: string | Buffer): string {
    return this.put({ type: "blob", content: typeof content === "string" ? Buffer.from(content, "utf8") : content });
  }

  /**
   * Builds a tree from slash paths, creating nested trees. With `base` (a tree or commit SHA) the files are applied
   * on top of it, like GitHub's `base_tree`: a value replaces or adds the path, `null` deletes it (a file or a whole
   * folder). Folders left empty disappear, as git cannot store an empty folder. Returns the root tree's SHA.
   */
  treeFromFiles(files: Record<string, FileSpec>, base?: string): string {
    const root: Dir = base === undefined ? new Map() : this.#loadDir(this.#treeOf(base));
    const seen = new Set<string>();
    for (const [path, spec] of Object.entries(files)) {
      const parts = path.split("/");
      for (const p of parts) validateName(p);
      const prefixClash = [...seen].find((s) => s.startsWith(`${path}/`) || path.startsWith(`${s}/`));
      if (prefixClash !== undefined) throw new Error(`paths clash: ${JSON.stringify(prefixClash)} and ${JSON.stringify(path)}`);
      seen.add(path);

      const name = parts.pop()!;
      if (spec === null) {
        const dir = this.#walk(root, parts, false);
        dir?.delete(name);
        continue;
      }
      const dir = this.#walk(root, parts, true)!;
      const content = typeof spec === "string" || Buffer.isBuffer(spec) ? spec : spec.content;
      const existing = dir.get(name)?.entry;
      const mode =
        typeof spec === "object" && !Buffer.isBuffer(spec) && spec.mode !== undefined
          ? spec.mode
          : existing?.mode === "100755"
            ? "100755"
            : "100644";
      dir.set(name, { entry: { path: name, mode, type: "blob", sha: this.blob(content) } });
    }
    return this.#writeDir(root) ?? this.put({ type: "tree", entries: [] });
  }

  /**
   * The entries of a tree (or a commit's tree), as GitHub's `GET /git/trees/{sha}[?recursive=1]` lists them:
   * recursively, every tree entry followed by its contents (the order of `git ls-tree -r -t`); blobs carry a size.
   */
  readTree(sha: string, options: { recursive: boolean } = { recursive: false }): TreeListing[] {
    const out: TreeListing[] = [];
    const visit = (treeSha: string, prefix: string) => {
      for (const e of this.getTree(treeSha).entries) {
        const path = prefix + e.path;
        const item: TreeListing = { path, mode: e.mode, type: e.type, sha: e.sha };
        if (e.type === "blob") item.size = this.#blobSize(e.sha);
        out.push(item);
        if (options.recursive && e.type === "tree") visit(e.sha, `${path}/`);
      }
    };
    visit(this.#treeOf(sha), "");
    return out;
  }

  /** The blob at a slash path in a commit or tree, or null when there is none (or it is a folder or submodule). */
  fileAt(commitOrTreeSha: string, path: string): { sha: string; mode: TreeEntryMode; content: Buffer } | null {
    let treeSha = this.#treeOf(commitOrTreeSha);
    const parts = path.split("/").filter((p) => p !== "");
    if (parts.length === 0) return null;
    for (let i = 0; i < parts.length; i++) {
      const entry = this.#entry(treeSha, parts[i]!);
      if (entry === undefined) return null;
      if (i === parts.length - 1) {
        if (entry.type !== "blob") return null;
        return { sha: entry.sha, mode: entry.mode, content: this.getBlob(entry.sha).content };
      }
      if (entry.type !== "tree") return null;
      treeSha = entry.sha;
    }
    return null;
  }

  commit(input: CommitInput): string {
    return this.put({
      type: "commit",
      tree: input.tree,
      parents: input.parents ?? [],
      author: input.author,
      committer: input.committer ?? input.author,
      message: input.message,
    });
  }

  /** Whether `ancestor` is `descendant` or reachable from it through parents (`git merge-base --is-ancestor`). */
  isAncestor(ancestor: string, descendant: string): boolean {
    this.#expect(ancestor, "commit");
    return this.#ancestors(descendant).has(ancestor);
  }

  /**
   * The best common ancestor of two commits (`git merge-base a b`), or null for unrelated histories. When there are
   * several (criss-cross merges), the one with the latest committer date.
   */
  mergeBase(a: string, b: string): string | null {
    const ofA = this.#ancestors(a);
    const common = [...this.#ancestors(b)].filter((c) => ofA.has(c));
    // Drop every common ancestor that is a strict ancestor of another one: its parents' closure.
    const redundant = new Set<string>();
    for (const c of common) {
      const stack = [...this.#commit(c).parents];
      while (stack.length > 0) {
        const s = stack.pop()!;
        if (redundant.has(s)) continue;
        redundant.add(s);
        stack.push(...this.#commit(s).parents);
      }
    }
    const best = common.filter((c) => !redundant.has(c));
    if (best.length === 0) return null;
    const time = (c: string) => Number(gitDate(this.#commit(c).committer.date).split(" ")[0]);
    best.sort((x, y) => time(y) - time(x) || (x < y ? -1 : x > y ? 1 : 0));
    return best[0]!;
  }

  #expect(sha: string, type: GitObject["type"]): GitObject {
    const obj = this.#objects.get(sha);
    if (obj === undefined) throw new Error(`no such object: ${sha}`);
    if (obj.type !== type) throw new Error(`object ${sha} is a ${obj.type}, not a ${type}`);
    return copyObject(obj);
  }

  /** Internal, uncopied access. */
  #commit(sha: string): Commit {
    const obj = this.#objects.get(sha);
    if (obj?.type !== "commit") throw new Error(`no such commit: ${sha}`);
    return obj;
  }

  #entry(treeSha: string, name: string): TreeEntry | undefined {
    const obj = this.#objects.get(treeSha);
    if (obj?.type !== "tree") throw new Error(`no such tree: ${treeSha}`);
    return obj.entries.find((e) => e.path === name);
  }

  #blobSize(sha: string): number {
    const obj = this.#objects.get(sha);
    if (obj?.type !== "blob") throw new Error(`no such blob: ${sha}`);
    return obj.content.length;
  }

  /** A tree SHA as is, or a commit's tree. */
  #treeOf(sha: string): string {
    const obj = this.#objects.get(sha);
    if (obj === undefined) throw new Error(`no such object: ${sha}`);
    if (obj.type === "commit") return obj.tree;
    if (obj.type === "tree") return sha;
    throw new Error(`object ${sha} is a blob, not a tree or commit`);
  }

  /** The commit and all its ancestors. */
  #ancestors(sha: string): Set<string> {
    this.#commit(sha);
    const seen = new Set<string>([sha]);
    const stack = [sha];
    while (stack.length > 0) {
      for (const p of this.#commit(stack.pop()!).parents) {
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    }
    return seen;
  }

  #loadDir(treeSha: string): Dir {
    const dir: Dir = new Map();
    for (const e of this.getTree(treeSha).entries) dir.set(e.path, { entry: e });
    return dir;
  }

  /** The directory at `parts` under `root`, loading stored trees lazily; with `create`, makes missing folders (replacing files in the way). */
  #walk(root: Dir, parts: string[], create: boolean): Dir | undefined {
    let dir = root;
    for (const part of parts) {
      let node = dir.get(part);
      if (node !== undefined && node.dir === undefined && node.entry.type === "tree") {
        node.dir = this.#loadDir(node.entry.sha);
      }
      if (node?.dir === undefined) {
        if (!create) return undefined;
        node = { entry: { path: part, mode: "040000", type: "tree", sha: EMPTY_TREE_SHA }, dir: new Map() };
        dir.set(part, node);
      }
      dir = node.dir!;
    }
    return dir;
  }

  /** Writes a directory's trees bottom-up; undefined when it holds nothing (git has no empty folders). */
  #writeDir(dir: Dir): string | undefined {
    const entries: TreeEntry[] = [];
    for (const [name, node] of dir) {
      if (node.dir === undefined) {
        entries.push(node.entry);
        continue;
      }
      const sha = this.#writeDir(node.dir);
      if (sha !== undefined) entries.push({ path: name, mode: "040000", type: "tree", sha });
    }
    if (entries.length === 0) return undefined;
    return this.put({ type: "tree", entries });
  }
}
