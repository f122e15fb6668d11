/**
 * Reads the files of a repository on disk for the pure loaders. Symbolic links are not followed (a link could
 * point outside the repository), and a file larger than the YAML size limit is read only far enough for the
 * loader to report it as too large.
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, type Stats } from "node:fs";
import { join, relative, sep } from "node:path";
import type { SourceFile } from "../catalog/load.js";
import { DEFAULT_LIMITS } from "../yaml/load.js";

export interface ReadOptions {
  maxBytes?: number;
  /** Which files to keep, by path relative to the root. */
  filter?: (path: string) => boolean;
}

const SKIP_DIRS = new Set([".git", "node_modules"]);

/**
 * Visits every regular file below `root/dir` for each dir (recursively, in name order), skipping links, .git and
 * node_modules. A missing folder has no files.
 */
export function walkFiles(root: string, dirs: readonly string[], visit: (path: string, abs: string, stat: Stats) => void): void {
  const walk = (abs: string) => {
    let stat;
    try {
      stat = lstatSync(abs);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(abs).sort()) if (!SKIP_DIRS.has(entry)) walk(join(abs, entry));
    } else if (stat.isFile()) {
      visit(relative(root, abs).split(sep).join("/"), abs, stat);
    }
  };
  for (const dir of dirs) walk(join(root, dir));
}

export interface DiskFile extends SourceFile {
  modifiedAt: Date;
}

/** All regular files below `root/dir` (recursively), as paths relative to `root`, with when each last changed. */
export function readTree(root: string, dirs: readonly string[], options: ReadOptions = {}): DiskFile[] {
  const out: DiskFile[] = [];
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  walkFiles(root, dirs, (path, abs, stat) => {
    if (!options.filter || options.filter(path)) {
      out.push({ path, text: readCapped(abs, stat.size, maxBytes), modifiedAt: stat.mtime, ...(stat.size > maxBytes ? { size: stat.size } : {}) });
    }
  });
  return out;
}

function readCapped(abs: string, size: number, maxBytes: number): string {
  if (size <= maxBytes) return readFileSync(abs, "utf8");
  const buffer = Buffer.alloc(maxBytes + 1);
  const fd = openSync(abs, "r");
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

export { isYamlPath } from "../catalog/paths.js";
