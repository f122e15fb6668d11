/**
 * The corpus of broken catalogs: each folder under corpus/ is a small repository tree holding one defect, and its
 * expected.json names the one error the loader must report for it (code, file, line and, where given, column).
 * Any other error means the case does not hold exactly one defect, or the loader reports one mistake twice.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES } from "../../src/diagnostic-codes.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { loadCatalog, type SourceFile } from "../../src/catalog/load.js";

const CORPUS = fileURLToPath(new URL("./corpus/", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const EXPECTED = "expected.json";

interface Expected {
  code: string;
  file: string;
  line: number;
  column?: number;
  note: string;
}

/** Every file under `dir`, with forward-slash paths relative to `base`, in a stable order. */
function readTree(dir: string, base: string = dir): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...readTree(full, base));
    else if (entry.isFile()) out.push({ path: relative(base, full).split(sep).join("/"), text: readFileSync(full, "utf8") });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const cases = readdirSync(CORPUS)
  .filter((name) => statSync(join(CORPUS, name)).isDirectory())
  .sort()
  .map((name) => {
    const tree = readTree(join(CORPUS, name));
    const expectedFile = tree.find((f) => f.path === EXPECTED);
    return {
      name,
      files: tree.filter((f) => f.path !== EXPECTED),
      expected: expectedFile ? (JSON.parse(expectedFile.text) as Expected) : undefined,
    };
  });

function show(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return "  (no diagnostics)";
  return diagnostics.map((d) => `  ${d.severity} ${d.code} ${d.file}:${d.line}:${d.column} ${d.message}`).join("\n");
}

describe("corpus of broken catalogs", () => {
  it("has at least 30 cases, each with an expected.json", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const c of cases) expect(c.expected, `${c.name} has no ${EXPECTED}`).toBeDefined();
  });

  it("expects only codes that exist, in files that the case holds", () => {
    for (const c of cases) {
      const e = c.expected!;
      expect(Object.keys(DIAGNOSTIC_CODES), `${c.name}: unknown code ${e.code}`).toContain(e.code);
      expect(c.files.map((f) => f.path), `${c.name}: ${e.file} is not in the case`).toContain(e.file);
      expect(Number.isInteger(e.line) && e.line >= 1, `${c.name}: line`).toBe(true);
      if (e.column !== undefined) expect(Number.isInteger(e.column) && e.column >= 1, `${c.name}: column`).toBe(true);
      expect(e.note.trim(), `${c.name}: note`).not.toBe("");
    }
  });

  it("reports only codes that exist, for every case", () => {
    for (const c of cases) {
      for (const d of loadCatalog(c.files).diagnostics) {
        expect(Object.keys(DIAGNOSTIC_CODES), `${c.name}: reported unknown code ${d.code}`).toContain(d.code);
      }
    }
  });

  it("starts from examples that are valid: the repository's own catalog has no errors", () => {
    const files = [...readTree(join(REPO, "catalog"), REPO), ...readTree(join(REPO, ".github"), REPO)];
    const errors = loadCatalog(files).diagnostics.filter((d) => d.severity === "error");
    expect(errors, show(errors)).toEqual([]);
  });

  describe.each(cases)("$name", ({ name, files, expected }) => {
    it("reports the expected error, with a message, and no other error", () => {
      const e = expected!;
      const { diagnostics } = loadCatalog(files);
      const context = `${name}: ${e.note}\nexpected ${e.code} at ${e.file}:${e.line}${e.column !== undefined ? `:${e.column}` : ""}\ngot:\n${show(diagnostics)}`;
      const found = diagnostics.find(
        (d) =>
          d.severity === "error" &&
          d.code === e.code &&
          d.file === e.file &&
          d.line === e.line &&
          (e.column === undefined || d.column === e.column),
      );
      expect(found, context).toBeDefined();
      expect(found!.message.trim(), context).not.toBe("");
      const others = diagnostics.filter((d) => d.severity === "error" && d !== found);
      expect(others, context).toEqual([]);
    });
  });
});
