/** `pao new` and `pao plan`, run as a user runs them: the package's bin entry in a child process (`npm run build` first). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pao } from "../helpers/cli.js";
import { copyExampleRepo, type RepoCopy } from "../helpers/repo-copy.js";


let copy: RepoCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

interface Step {
  step_id: string;
  name: string;
  type: string;
  depends_on: string[];
  workflow: string | null;
  payload?: Record<string, unknown>;
  problem?: { code: string; message: string };
}

describe("pao new", () => {
  it("writes a request file with the $schema line, the latest release, defaults and marked required fields", () => {
    copy = copyExampleRepo();
    const { code, stdout } = pao(["new", "eks-container-app", "--team", "web-team", "--dir", copy.dir]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("requests/web-team/eks-container-app.yaml");
    const lines = readFileSync(join(copy.dir, "requests/web-team/eks-container-app.yaml"), "utf8").split("\n");
    expect(lines[0]).toBe("# yaml-language-server: $schema=../../schemas/request.schema.json");
    expect(lines).toContain("catalog_item: eks-container-app");
    expect(lines).toContain("version: 1.2.0"); // not the 1.3.0 pre-release, not the older 1.1.0
    expect(lines).toContain("parameters:");
    expect(lines).toContain("  # Application name (lowercase alphanumeric with hyphens)");
    expect(lines).toContain("  app_name:  # required");
    expect(lines).toContain("  # Target deployment environment (one of: dev, staging, prod)");
    expect(lines).toContain("  environment:  # required");
    expect(lines).toContain("  replicas: 2");
    expect(lines).toContain("  app_type: api");
    expect(lines).toContain("  # prod_change_ticket:  # required when environment is prod");
    expect(lines).toContain("  team: web-team");
  });

  it("writes a file that validates once the required values are filled in", () => {
    copy = copyExampleRepo();
    expect(pao(["new", "eks-container-app", "--team", "web-team", "--name", "shop", "--dir", copy.dir]).code).toBe(0);
    expect(pao(["validate", copy.dir]).code).toBe(1); // required values still empty
    copy.edit("requests/web-team/shop.yaml", "app_name:  # required", "app_name: shop-web");
    copy.edit("requests/web-team/shop.yaml", "environment:  # required", "environment: dev");
    const { code, stdout } = pao(["validate", copy.dir]);
    expect(stdout).toMatch(/^0 errors, 0 warnings/m);
    expect(code).toBe(0);
    // and it plans: the default replicas reach the template as a number
    const plan = pao(["plan", "requests/web-team/shop.yaml", "--format", "json"], copy.dir);
    expect(plan.code).toBe(0);
    const [step] = JSON.parse(plan.stdout) as Step[];
    expect(step?.payload?.["variables"]).toMatchObject({ app_name: "shop-web", replica_count: 2 });
  });

  it("writes older versions on request and leaves out hidden and read-only fields", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/compute/eks-container-app-1.1.0.yaml", "fields:", "fields:\n    - { name: internal_id, type: string, hidden: true, default: x }\n    - { name: cluster, type: string, readonly: true, default: main }");
    const { code, stdout } = pao(["new", "eks-container-app", "--version", "1.1.0", "--team", "web-team", "--name", "old", "--dir", copy.dir]);
    expect(code).toBe(0);
    expect(stdout).toContain("requests/web-team/old.yaml");
    const text = readFileSync(join(copy.dir, "requests/web-team/old.yaml"), "utf8");
    expect(text).toContain("version: 1.1.0\n");
    expect(text).not.toContain("internal_id");
    expect(text).not.toContain("cluster");
  });

  it("refuses to overwrite an existing file", () => {
    copy = copyExampleRepo();
    const path = join(copy.dir, "requests/product-team/customer-portal-web.yaml");
    const before = readFileSync(path, "utf8");
    const { code, stderr } = pao(["new", "eks-container-app", "--team", "product-team", "--name", "customer-portal-web", "--dir", copy.dir]);
    expect(code).toBe(1);
    expect(stderr).toContain("requests/product-team/customer-portal-web.yaml exists already");
    expect(readFileSync(path, "utf8")).toBe(before);
  });

  it("answers an unknown item with a did-you-mean hint and exit 1", () => {
    copy = copyExampleRepo();
    const { code, stderr } = pao(["new", "eks-containr-app", "--team", "web-team", "--dir", copy.dir]);
    expect(code).toBe(1);
    expect(stderr).toContain("the catalog has no catalog item named 'eks-containr-app'");
    expect(stderr).toContain("hint: did you mean 'eks-container-app'?");
    expect(existsSync(join(copy.dir, "requests/web-team"))).toBe(false);
  });

  it("refuses names that would leave requests/<team>/, and a missing --team, as usage mistakes", () => {
    copy = copyExampleRepo();
    expect(pao(["new", "eks-container-app", "--team", "../..", "--dir", copy.dir]).code).toBe(2);
    expect(pao(["new", "eks-container-app", "--team", "t", "--name", "../x", "--dir", copy.dir]).code).toBe(2);
    expect(pao(["new", "eks-container-app", "--dir", copy.dir]).code).toBe(2);
  });
});

describe("pao plan", () => {
  it("prints the example request's step with its workflow and rendered payload", () => {
    const { code, stdout } = pao(["plan", "requests/product-team/customer-portal-web.yaml"]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("requests/product-team/customer-portal-web.yaml: catalog_item eks-container-app 1.2.0, 1 step");
    expect(lines).toContain("step-001  provision_infrastructure  TerraformFile");
    expect(lines).toContain("  workflow:   pao-terraform.yml");
    expect(stdout).toContain('"app_name": "my-web-app"');
    expect(stdout).toContain('"replica_count": 3,');
  });

  it("prints an array of steps with --format json, types kept", () => {
    const { code, stdout } = pao(["plan", "requests/product-team/customer-portal-web.yaml", "--format", "json"]);
    expect(code).toBe(0);
    const steps = JSON.parse(stdout) as Step[];
    expect(steps).toEqual([
      {
        step_id: "step-001",
        name: "provision_infrastructure",
        type: "TerraformFile",
        depends_on: [],
        workflow: "pao-terraform.yml",
        payload: {
          module_source: "./modules/eks-app",
          variables: { app_name: "my-web-app", environment: "staging", replica_count: 3, app_type: "api" },
        },
      },
    ]);
  });

  it("plans each enabled item of a bundle, with the bundle's fixed parameters rendered", () => {
    const { code, stdout } = pao(["plan", "requests/product-team/customer-portal.yaml", "--format", "json"]);
    expect(code).toBe(0);
    const steps = JSON.parse(stdout) as Step[];
    expect(steps.map((s) => s.name)).toEqual([
      "eks-container-app.provision_infrastructure",
      "postgres-database.provision_database",
      "postgres-database.register_database",
      "redis-cache.provision_cache", // optional, switched on by the request
      "application-monitoring.configure_monitoring", // optional, on by default
    ]);
    expect(steps[0]!.payload!["variables"]).toMatchObject({ app_name: "customer-portal-web", environment: "prod", app_type: "web-frontend" });
    expect(steps[2]).toMatchObject({ type: "HttpPost", depends_on: ["step-002"], workflow: "pao-http.yml", payload: { method: "POST" } });
    expect(steps[4]).toMatchObject({ type: "GitHubWorkflow", workflow: "configure-monitoring.yml" });
  });

  it("leaves out optional items the request switches off", () => {
    copy = copyExampleRepo();
    copy.edit("requests/product-team/customer-portal.yaml", "      enabled: true", "      enabled: false");
    const { code, stdout } = pao(["plan", "requests/product-team/customer-portal.yaml", "--dir", copy.dir, "--format", "json"], copy.dir);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Step[]).some((s) => s.name.startsWith("redis-cache."))).toBe(false);
  });

  it("exits 1 with the diagnostics of an invalid request file", () => {
    copy = copyExampleRepo();
    copy.edit("requests/product-team/customer-portal-web.yaml", "replicas: 3", "replicas: 30");
    const { code, stdout } = pao(["plan", join(copy.dir, "requests/product-team/customer-portal-web.yaml"), "--dir", copy.dir]);
    expect(code).toBe(1);
    expect(stdout).toContain("requests/product-team/customer-portal-web.yaml:8:13  request-parameter-invalid  'replicas' must be <= 10");
    expect(stdout).not.toContain("step-001");
  });

  it("carries hostile parameter values as inert text in the payload", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/compute/eks-container-app.yaml", 'regexp: "^[a-z][a-z0-9-]*$"\n', "\n");
    const hostile = "${{ secrets.GITHUB_TOKEN }} {{ environment }} $(rm -rf /) `id`; | &&";
    copy.edit("requests/product-team/customer-portal-web.yaml", "app_name: my-web-app", `app_name: ${JSON.stringify(hostile.slice(0, 50))}`);
    const { code, stdout, stderr } = pao(["plan", "requests/product-team/customer-portal-web.yaml", "--format", "json"], copy.dir);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const [step] = JSON.parse(stdout) as Step[];
    expect(step!.payload!["variables"]).toMatchObject({ app_name: hostile.slice(0, 50), environment: "staging" });
  });

  it("reports a payload over 65,535 characters and exits 1", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/compute/eks-container-app.yaml", "      max_length: 50\n", "");
    copy.edit("catalog/compute/eks-container-app.yaml", 'regexp: "^[a-z][a-z0-9-]*$"\n', "\n");
    copy.edit("requests/product-team/customer-portal-web.yaml", "app_name: my-web-app", `app_name: a${"b".repeat(70_000)}`);
    const { code, stdout } = pao(["plan", "requests/product-team/customer-portal-web.yaml"], copy.dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/problem: {4}payload-too-large {2}the rendered payload is \d+ characters of JSON; executors take at most 65535/);
  });

  it("answers usage mistakes with exit 2", () => {
    expect(pao(["plan"]).code).toBe(2);
    expect(pao(["plan", "requests/nope.yaml"]).code).toBe(2);
    expect(pao(["plan", "requests/product-team/customer-portal-web.yaml", "--format", "xml"]).code).toBe(2);
  });
});
