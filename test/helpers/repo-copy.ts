/** Temporary copies of this repository's example catalog, for tests that break one file and look at the result. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

export interface RepoCopy {
  dir: string;
  /** Replaces the first occurrence of `from` in a file; fails loudly if it is not there, so a test cannot pass vacuously. */
  edit(file: string, from: string, to: string): void;
  write(file: string, text: string): void;
  remove(): void;
}

export function copyExampleRepo(parts: readonly string[] = ["catalog", "requests", ".github"]): RepoCopy {
  const dir = mkdtempSync(join(tmpdir(), "pao-repo-"));
  for (const part of parts) cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  return {
    dir,
    edit(file, from, to) {
      const path = join(dir, file);
      const text = readFileSync(path, "utf8");
      if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
      writeFileSync(path, text.replace(from, to));
    },
    write(file, text) {
      writeFileSync(join(dir, file), text);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
