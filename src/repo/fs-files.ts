/**
 * Reads the files of a repository on disk for the pure loaders. Symbolic links are not followed (a link could
 * point outside the repository), and a file larger than the YAML size limit is read only far enough for the
 * loader to report it as too large.
 */
import { lstatSync, openSync, readdirSync, readFileSync, readSync, closeSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { SourceFile } from "../catalog/load.js";
import { DEFAULT_LIMITS } from "../yaml/load.js";

export interface ReadOptions {
  maxBytes?: number;
  /** Which files to keep, by path relative to the root. */
  filter?: (path: string) => boolean;
}

const SKIP_DIRS = new Set([".git", "node_modules"]);

/** All regular files below `root/dir` (recursively), as paths relative to `root`. A missing folder gives none. */
export function readTree(root: string, dirs: readonly string[], options: ReadOptions = {}): SourceFile[] {
  const out: SourceFile[] = [];
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const visit = (abs: string) => {
    let stat;
    try {
      stat = lstatSync(abs);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(abs).sort()) if (!SKIP_DIRS.has(entry)) visit(join(abs, entry));
    } else if (stat.isFile()) {
      const path = relative(root, abs).split(sep).join("/");
      if (options.filter && !options.filter(path)) return;
      out.push({ path, text: readCapped(abs, stat.size, maxBytes) });
    }
  };
  for (const dir of dirs) visit(join(root, dir));
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

export const isYamlPath = (path: string): boolean => path.endsWith(".yaml") || path.endsWith(".yml");
