import { describe, expect, it } from "vitest";
import { CatalogLoader, loadCatalog, type SourceFile } from "../../src/catalog/load.js";
import { CATEGORIES } from "../../src/catalog/schema.js";
import { readTree } from "../../src/repo/fs-files.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const exampleFiles = (): SourceFile[] => readTree(REPO_ROOT, ["catalog", ".github"]);

describe("the example catalog", () => {
  const { catalog, diagnostics } = loadCatalog(exampleFiles());

  it("validates without a single diagnostic", () => {
    expect(diagnostics).toEqual([]);
  });

  it("holds every catalog example of seed 000 at the seed's versions", () => {
    const version = (index: ReadonlyMap<string, readonly { version: string }[]>, name: string) => index.get(name)?.map((d) => d.version);
    expect(version(catalog.items, "eks-container-app")).toContain("1.2.0");
    expect(catalog.items.has("postgres-database")).toBe(true);
    expect(catalog.items.has("redis-cache")).toBe(true);
    expect(catalog.items.has("application-monitoring")).toBe(true);
    expect(version(catalog.bundles, "full-stack-web-app")).toEqual(["2.1.0"]);
    expect(version(catalog.updateItems, "postgres-major-upgrade")).toEqual(["1.0.0"]);
    expect(version(catalog.updateOperations, "postgres-scale-update")).toEqual(["1.1.0"]);
  });

  it("has an item in each of the five categories, taken from the folder", () => {
    const categories = new Set([...catalog.items.values()].flat().map((d) => d.category));
    expect([...categories].sort()).toEqual([...CATEGORIES].sort());
    expect(catalog.items.get("postgres-database")![0]!.category).toBe("databases");
  });

  it("keeps several versions of one name, highest first, pre-release and build metadata included", () => {
    expect(catalog.items.get("eks-container-app")!.map((d) => d.version)).toEqual(["1.3.0-beta.1+build.20250816", "1.2.0", "1.1.0"]);
  });

  it("uses every field type and every action type somewhere", () => {
    const all = [...catalog.items.values(), ...catalog.updateItems.values()].flat();
    const fieldTypes = new Set(all.flatMap((d) => d.body.presentation.fields.map((f) => f.type)));
    expect(fieldTypes.size).toBe(11);
    const actionTypes = new Set([...catalog.items.values()].flat().flatMap((d) => d.body.fulfillment.actions.map((a) => a.type)));
    expect([...actionTypes].sort()).toEqual(["GitHubWorkflow", "HttpPost", "HttpPut", "JiraTicket", "TerraformFile"]);
  });
});

describe("the loader", () => {
  it("re-reads only the file that changed, and gives the same answer as a full load", () => {
    const files = exampleFiles();
    const loader = new CatalogLoader();
    const first = loader.load(files);
    expect(first.parsed).toBeGreaterThan(10);
    expect(loader.load(files).parsed).toBe(0);

    const edited = files.map((f) =>
      f.path === "catalog/databases/redis-cache.yaml" ? { ...f, text: f.text.replace("Managed Redis cache", "Managed Redis cache, now with TLS") } : f,
    );
    const second = loader.load(edited);
    expect(second.parsed).toBe(1);
    expect(second.catalog.items.get("redis-cache")![0]!.body.description).toBe("Managed Redis cache, now with TLS");
    expect(second.diagnostics).toEqual(loadCatalog(edited).diagnostics);
  });

  it("forgets a definition whose file is gone, and reports what depended on it", () => {
    const loader = new CatalogLoader();
    loader.load(exampleFiles());
    const without = exampleFiles().filter((f) => f.path !== "catalog/databases/redis-cache.yaml");
    const { catalog, diagnostics } = loader.load(without);
    expect(catalog.items.has("redis-cache")).toBe(false);
    expect(diagnostics.map((d) => [d.code, d.file])).toEqual([["bundle-item-unknown", "catalog/bundles/full-stack-web-app.yaml"]]);
  });

  it("gathers every problem of a file in one pass rather than stopping at the first", () => {
    const files = exampleFiles().map((f) =>
      f.path === "catalog/compute/eks-container-app.yaml"
        ? {
            ...f,
            text: f.text
              .replace("owner: platform-compute-team", "ownr: platform-compute-team")
              .replace("min_value: 1\n      max_value: 10", "min_value: 12\n      max_value: 10")
              .replace('"{{ environment }}"', '"{{ enviroment }}"'),
          }
        : f,
    );
    const codes = loadCatalog(files).diagnostics.filter((d) => d.file.endsWith("eks-container-app.yaml")).map((d) => d.code);
    expect(codes.sort()).toEqual(["field-default-invalid", "field-min-greater-than-max", "schema-unknown-field", "template-unknown-field"].sort());
  });

  it("reads the executor mapping from .github/pao.yml", () => {
    const files = exampleFiles().map((f) =>
      f.path === ".github/pao.yml" ? { ...f, text: "executors:\n  TerraformFile: tf-apply.yml\n" } : f,
    );
    const missing = loadCatalog(files).diagnostics.filter((d) => d.code === "workflow-missing");
    expect(missing.length).toBeGreaterThan(0);
    expect(missing[0]!.message).toContain(".github/workflows/tf-apply.yml");
  });
});
