/**
 * Folder options (the Action's catalog-path, requests-path and workflows-path; `pao validate --catalog` and the
 * like) name folders of the repository. A relative path and an absolute one are read the same way: each must lead
 * to a place inside the repository, also once symbolic links are followed, or it is refused with the same message,
 * so neither option can make pao read files outside the repository it checks.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

export type RepositoryPath = { ok: true; path: string } | { ok: false; message: string; hint: string };

/** `option` is how the user named the setting (`catalog-path`, `--catalog`), for the message. */
export function pathInsideRepository(root: string, given: string, option: string): RepositoryPath {
  const refuse = (how: string): RepositoryPath => ({
    ok: false,
    message: `${option} '${given}' ${how} the repository (${root})`,
    hint: `name a folder inside the repository, relative to its root (for example ${option} catalog); a path that leads elsewhere (an absolute path outside it, '..', or a symbolic link out of it) is refused`,
  });
  const root_ = resolve(root);
  const target = resolve(root_, given);
  if (!within(root_, target)) return refuse("is outside");
  // Links: compare where the path really leads (its longest existing part) with where the repository really is.
  let existing = target;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(existing);
    realRoot = realpathSync(root_);
  } catch {
    return refuse("cannot be followed inside");
  }
  if (!within(realRoot, real)) return refuse("leads, through a symbolic link, outside");
  const rel = relative(root_, target).split(sep).join("/");
  return { ok: true, path: rel === "" ? "." : rel };
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}
