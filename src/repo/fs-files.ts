/**
 * Reads the files of a repository on disk for the pure loaders. Symbolic links are not followed (a link could
 * point outside the repository) but reported, so the caller can say which were skipped; a file larger than the
 * YAML size limit is read only far enough for the loader to report it as too large.
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, type Stats } from "node:fs";
import { join, relative, sep } from "node:path";
import type { SourceFile } from "../catalog/load.js";
import type { Diagnostic } from "../diagnostics.js";
import { DEFAULT_LIMITS } from "../yaml/load.js";

export interface ReadOptions {
  maxBytes?: number;
  /** Which files to keep, by path relative to the root. */
  filter?: (path: string) => boolean;
  /** Told of each symbolic link met (and not followed), by path relative to the root. */
  onLink?: (path: string) => void;
}

const SKIP_DIRS = new Set([".git", "node_modules"]);

/**
 * Visits every regular file below `root/dir` for each dir (recursively, in name order), skipping links (told to
 * `onLink`), .git and node_modules. A missing folder has no files.
 */
export function walkFiles(
  root: string,
  dirs: readonly string[],
  visit: (path: string, abs: string, stat: Stats) => void,
  onLink?: (path: string) => void,
): void {
  const rel = (abs: string) => relative(root, abs).split(sep).join("/");
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
      visit(rel(abs), abs, stat);
    } else if (stat.isSymbolicLink()) {
      onLink?.(rel(abs));
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
  walkFiles(
    root,
    dirs,
    (path, abs, stat) => {
      if (!options.filter || options.filter(path)) {
        out.push({ path, text: readCapped(abs, stat.size, maxBytes), modifiedAt: stat.mtime, ...(stat.size > maxBytes ? { size: stat.size } : {}) });
      }
    },
    options.onLink,
  );
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

/** A symbolic link met while reading the repository: skipped, never followed, and said so. */
export function symlinkDiagnostic(path: string): Diagnostic {
  return {
    code: "symlink-skipped",
    severity: "warning",
    message: `${path} is a symbolic link; pao does not follow links (one could point outside the repository), so it was skipped`,
    file: path,
    line: 1,
    column: 1,
    hint: "put the file itself in the repository instead of a link to it",
  };
}

export { isYamlPath } from "../catalog/paths.js";
