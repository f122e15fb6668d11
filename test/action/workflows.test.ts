/** The repository's own workflows: catalog validation on pull requests (through ./action) and CI. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./harness.js";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on?: Record<string, { paths?: string[] } | null>;
  permissions?: Record<string, string>;
  jobs?: Record<string, { steps?: Step[] }>;
}

const workflow = (name: string) => parse(readFileSync(join(REPO_ROOT, ".github", "workflows", name), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs ?? {}).flatMap((job) => job.steps ?? []);

describe(".github/workflows/validate-catalog.yml", () => {
  const w = workflow("validate-catalog.yml");

  it("runs on pull requests that touch the catalog, the workflows or the requests", () => {
    expect(Object.keys(w.on ?? {})).toEqual(["pull_request"]);
    expect(w.on?.pull_request?.paths).toEqual(expect.arrayContaining(["catalog/**", ".github/workflows/**", "requests/**"]));
  });

  it("may only read the repository", () => {
    expect(w.permissions).toEqual({ contents: "read" });
  });

  it("checks out the repository, then runs ./action with all three inputs", () => {
    const s = steps(w);
    expect(s.map((step) => step.uses)).toEqual(["actions/checkout@v4", "./action"]);
    const inputs = parse(readFileSync(join(REPO_ROOT, "action", "action.yml"), "utf8")).inputs as Record<string, unknown>;
    expect(Object.keys(s[1]!.with ?? {}).sort()).toEqual(Object.keys(inputs).sort());
    expect(s[1]!.with).toEqual({ "catalog-path": "catalog", "requests-path": "requests", "workflows-path": ".github/workflows" });
  });
});

describe(".github/workflows/ci.yml", () => {
  const w = workflow("ci.yml");

  it("runs on every push and pull request", () => {
    expect(Object.keys(w.on ?? {}).sort()).toEqual(["pull_request", "push"]);
  });

  it("sets up Node 20 and runs .ci/run", () => {
    const s = steps(w);
    const setup = s.find((step) => step.uses?.startsWith("actions/setup-node@"));
    expect(setup?.with?.["node-version"]).toBe(20);
    expect(s.map((step) => step.run).filter(Boolean)).toEqual(["bash .ci/run"]);
    expect(s.indexOf(setup!)).toBeLessThan(s.findIndex((step) => step.run === "bash .ci/run"));
  });
});
