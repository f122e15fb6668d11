/** Every file the README points at is in the repository, so each pointer works in a clone (which has nothing else). */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

const TOP = new Set(readdirSync(REPO_ROOT).filter((e) => e !== "node_modules" && e !== "dist"));

/** Markdown link targets, and `code` spans that are paths: relative ones, documents, or under a top-level folder. */
function pointers(text: string): string[] {
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^(https?:|mailto:|#)/.test(t));
  const spans = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).filter((t) => /^\.{1,2}\//.test(t) || /\.md$/.test(t) || (t.includes("/") && TOP.has(t.split("/")[0]!)));
  return [...links, ...spans].map((t) => t.split("#")[0]!).filter((t) => t !== "" && !t.includes("<") && !t.includes("*"));
}

describe("the README's pointers", () => {
  it("finds pointers to check", () => {
    expect(pointers(README)).toContain("action/dist");
  });

  it("all lead to files of this repository", () => {
    const broken = pointers(README).filter((target) => {
      const rel = relative(REPO_ROOT, join(REPO_ROOT, target));
      return rel.startsWith("..") || isAbsolute(rel) || !existsSync(join(REPO_ROOT, target));
    });
    expect(broken).toEqual([]);
  });
});
