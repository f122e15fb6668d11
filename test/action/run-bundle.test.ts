/**
 * The committed bundle, run as a runner runs it, against copies of the example repository.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { annotations, edit, exampleRepository, removeRepository, runAction, summaryRows } from "./harness.js";

const DEFAULT_INPUTS = { "catalog-path": "catalog", "requests-path": "requests", "workflows-path": ".github/workflows" };

describe("the action, run from action/dist/index.js", () => {
  const repos: string[] = [];
  const repository = () => {
    const dir = exampleRepository();
    repos.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of repos.splice(0)) removeRepository(dir);
  });

  it("passes the repository's own example catalog and says so in the outputs and the job summary", () => {
    const run = runAction(repository(), { inputs: DEFAULT_INPUTS });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.outputs.get("valid")).toBe("true");
    expect(run.outputs.get("error-count")).toBe("0");
    expect(run.commands.filter((c) => c.command === "error" || c.command === "warning")).toEqual([]);
    expect(run.summary).toContain("The catalog is valid: 17 files checked, no errors, no warnings.");
    expect(summaryRows(run.summary)).toEqual([]);
  });

  it("fails on a broken catalog file, annotating its line and listing it in the job summary", () => {
    const repo = repository();
    edit(repo, "catalog/messaging/kafka-topic.yaml", "version: 1.0.0", "version: 1.1");

    const run = runAction(repo, { inputs: DEFAULT_INPUTS });

    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^::error title=schema-invalid-type,file=catalog\/messaging\/kafka-topic\.yaml,line=4,col=10::/m);
    expect(annotations(run)).toEqual([
      {
        command: "error",
        properties: { title: "schema-invalid-type", file: "catalog/messaging/kafka-topic.yaml", line: "4", col: "10" },
        message: "version: expected a string, got number 1.1\nhint: write a full semantic version: 1.1.0 (YAML reads unquoted 1.1 as a number, and a version has three parts)",
      },
    ]);
    // The step itself fails with a message saying why (setFailed), besides the annotation.
    expect(run.commands).toContainEqual({ command: "error", properties: {}, message: "pao found 1 error: see the annotations or the job summary" });
    expect(run.outputs.get("valid")).toBe("false");
    expect(run.outputs.get("error-count")).toBe("1");
    expect(summaryRows(run.summary)).toEqual([
      ["Location", "Code", "Severity", "Message"],
      [
        "catalog/messaging/kafka-topic.yaml:4",
        "schema-invalid-type",
        "error",
        "version: expected a string, got number 1.1\nhint: write a full semantic version: 1.1.0 (YAML reads unquoted 1.1 as a number, and a version has three parts)",
      ],
    ]);
    expect(run.summary).toContain("1 error, 0 warnings in 17 files");
  });

  it("honours custom catalog, requests and workflows paths", () => {
    const repo = repository();
    mkdirSync(join(repo, "platform"));
    mkdirSync(join(repo, "ci"));
    renameSync(join(repo, "catalog"), join(repo, "platform", "services"));
    renameSync(join(repo, "requests"), join(repo, "orders"));
    renameSync(join(repo, ".github", "workflows"), join(repo, "ci", "executors"));
    // Update requests name the request they change by its path, which moved with the folder.
    for (const file of ["orders-db-scale.yaml", "orders-db-upgrade.yaml"]) {
      edit(repo, `orders/data-team/${file}`, "target: requests/data-team/orders-db.yaml", "target: orders/data-team/orders-db.yaml");
    }
    const inputs = { "catalog-path": "platform/services", "requests-path": "orders", "workflows-path": "ci/executors" };

    const valid = runAction(repo, { inputs });
    expect(valid.status).toBe(0);
    expect(valid.outputs.get("valid")).toBe("true");
    // All 12 definitions and 5 requests were found where the inputs say.
    expect(valid.summary).toContain("The catalog is valid: 17 files checked");

    edit(repo, "orders/data-team/orders-db.yaml", "allocated_storage: 100", "allocated_storage: lots");
    const broken = runAction(repo, { inputs });
    expect(broken.status).toBe(1);
    expect(broken.outputs.get("error-count")).toBe("1");
    expect(annotations(broken).map((a) => a.properties.file)).toEqual(["orders/data-team/orders-db.yaml"]);
  });

  it("fails with a clear message when the catalog folder does not exist, instead of passing an empty catalog", () => {
    const run = runAction(repository(), { inputs: { ...DEFAULT_INPUTS, "catalog-path": "catalogue" } });

    expect(run.status).toBe(1);
    expect(run.commands).toHaveLength(1);
    expect(run.commands[0]!.command).toBe("error");
    expect(run.commands[0]!.message).toMatch(/^catalog-path 'catalogue' is not a folder of the repository/);
  });

  it("passes with warnings: each is annotated as a warning and listed in the summary, HTML-escaped", () => {
    const repo = repository();
    edit(repo, "catalog/update-items/postgres-major-upgrade.yaml", 'version_range: ">=2.0.0, <3.0.0"', 'version_range: ">=9.0.0, <10.0.0"');
    // The request for that update now targets a database outside its range, an error of its own: leave it out.
    rmSync(join(repo, "requests/data-team/orders-db-upgrade.yaml"));

    const run = runAction(repo, { inputs: DEFAULT_INPUTS });

    expect(run.status).toBe(0);
    expect(run.outputs.get("valid")).toBe("true");
    expect(run.outputs.get("error-count")).toBe("0");
    expect(annotations(run)).toEqual([
      {
        command: "warning",
        properties: { title: "update-target-no-version", file: "catalog/update-items/postgres-major-upgrade.yaml", line: "11", col: "22" },
        message: "no version of 'postgres-database' satisfies >=9.0.0, <10.0.0, so nothing can be updated yet\nhint: versions on offer: 2.1.0",
      },
    ]);
    expect(run.summary).toContain("satisfies &gt;=9.0.0, &lt;10.0.0");
    expect(summaryRows(run.summary)[1]).toEqual([
      "catalog/update-items/postgres-major-upgrade.yaml:11",
      "update-target-no-version",
      "warning",
      "no version of 'postgres-database' satisfies >=9.0.0, <10.0.0, so nothing can be updated yet\nhint: versions on offer: 2.1.0",
    ]);
  });

  it("uses the defaults of action.yml when the inputs are not set", () => {
    const repo = repository();
    edit(repo, "catalog/messaging/kafka-topic.yaml", "version: 1.0.0", "version: 1.1");

    const run = runAction(repo);

    expect(run.status).toBe(1);
    expect(annotations(run).map((a) => `${a.properties.file}:${a.properties.line}`)).toEqual(["catalog/messaging/kafka-topic.yaml:4"]);
  });

  it("turns an unexpected failure into a failed step with a clear message, not a crash", () => {
    const repo = repository();

    const run = runAction(repo, { inputs: DEFAULT_INPUTS, summaryPath: join(repo, "no-such-folder", "summary") });

    expect(run.status).toBe(1);
    expect(run.stderr).toBe("");
    const failure = run.commands.find((c) => c.command === "error");
    expect(failure?.message).toMatch(/^pao could not validate the repository: Unable to access summary file/);
  });
});
