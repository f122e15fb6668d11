/**
 * `pao new` for every kind a request may order (bundles and updates too: each gets a file to fill in), and
 * `pao plan` saying whether the request will wait for approval, and from whom.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pao } from "../helpers/cli.js";
import { copyExampleRepo, type RepoCopy } from "../helpers/repo-copy.js";

let copy: RepoCopy | undefined;
afterEach(() => {
  copy?.remove();
  copy = undefined;
});

const read = (file: string) => readFileSync(join(copy!.dir, file), "utf8");

describe("pao new for a bundle or an update", () => {
  it("writes a bundle request listing each item it orders with the fields the bundle leaves to the request", () => {
    copy = copyExampleRepo();
    const { code, stdout, stderr } = pao(["new", "full-stack-web-app", "--team", "web-team", "--name", "shop", "--dir", copy.dir]);
    expect(stderr).toBe("fill in: solution_name, eks-container-app.environment, postgres-database.database_name\n");
    expect(code).toBe(0);
    expect(stdout).toBe("requests/web-team/shop.yaml\n");
    const lines = read("requests/web-team/shop.yaml").split("\n");
    expect(lines).toContain("catalog_bundle: full-stack-web-app");
    expect(lines).toContain("version: 2.1.0");
    expect(lines).toContain("bundle_parameters:");
    expect(lines).toContain("  solution_name:  # required");
    expect(lines).toContain("  enable_ha: false");
    expect(lines).toContain("    - catalog_item: eks-container-app");
    expect(lines).toContain("        environment:  # required");
    // app_name and app_type are set by the bundle: not the request's to give.
    expect(lines.filter((l) => /app_type|^ +app_name/.test(l))).toEqual([]);
    expect(lines).toContain("    - catalog_item: redis-cache");
    expect(lines).toContain("      enabled: false  # the bundle's default; true to order it");

    // Filled in, it is a valid order, and it plans the bundle's items.
    copy.edit("requests/web-team/shop.yaml", "solution_name:  # required", "solution_name: shop");
    copy.edit("requests/web-team/shop.yaml", "environment:  # required", "environment: dev");
    copy.edit("requests/web-team/shop.yaml", "database_name:  # required", "database_name: shop_db");
    const check = pao(["validate", copy.dir]);
    expect(check.stdout).toMatch(/^0 errors, 0 warnings/m);
    expect(check.code).toBe(0);
    const plan = pao(["plan", join(copy.dir, "requests/web-team/shop.yaml"), "--dir", copy.dir]);
    expect(plan.code).toBe(0);
    expect(plan.stdout.split("\n")[0]).toBe("requests/web-team/shop.yaml: catalog_bundle full-stack-web-app 2.1.0, 4 steps");
  });

  it("writes an update item request with its target to fill in, valid once filled in", () => {
    copy = copyExampleRepo();
    const { code, stdout, stderr } = pao(["new", "postgres-major-upgrade", "--team", "data-team", "--dir", copy.dir]);
    expect(code).toBe(0);
    expect(stdout).toBe("requests/data-team/postgres-major-upgrade.yaml\n");
    expect(stderr).toBe("fill in: target, target_version, maintenance_window\n");
    const file = "requests/data-team/postgres-major-upgrade.yaml";
    const lines = read(file).split("\n");
    expect(lines).toContain("update_item: postgres-major-upgrade");
    expect(lines).toContain("target:  # required");
    expect(lines).toContain("  target_version:  # required");
    copy.edit(file, "target:  # required", "target: requests/data-team/orders-db.yaml");
    copy.edit(file, "target_version:  # required", 'target_version: "15.3"');
    copy.edit(file, "maintenance_window:  # required", 'maintenance_window: "2025-08-23T02:00:00-05:00"');
    const check = pao(["validate", copy.dir]);
    expect(check.stdout).toMatch(/^0 errors, 0 warnings/m);
    expect(check.code).toBe(0);
  });

  it("writes an update operation request with --target filled in, valid as it is", () => {
    copy = copyExampleRepo();
    const { code, stderr } = pao(["new", "postgres-scale-update", "--team", "data-team", "--name", "bigger-db", "--target", "requests/data-team/orders-db.yaml", "--dir", copy.dir]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = read("requests/data-team/bigger-db.yaml").split("\n");
    expect(lines).toContain("update_operation: postgres-scale-update");
    expect(lines).toContain("target: requests/data-team/orders-db.yaml");
    expect(lines).toContain("  # instance_class:  # optional");
    const check = pao(["validate", copy.dir]);
    expect(check.stdout).toMatch(/^0 errors, 0 warnings/m);
    expect(check.code).toBe(0);
  });

  it("refuses --target for what is not an update, as a usage mistake", () => {
    copy = copyExampleRepo();
    const { code, stderr } = pao(["new", "redis-cache", "--team", "web-team", "--target", "x.yaml", "--dir", copy.dir]);
    expect(code).toBe(2);
    expect(stderr).toContain("--target is for updates");
  });
});

describe("pao plan and approval", () => {
  const planOf = (file: string) => pao(["plan", file]);

  it("says a request waits for approval by the item's approver team", () => {
    const { code, stdout } = planOf("requests/data-team/orders-db.yaml");
    expect(code).toBe(0);
    expect(stdout.split("\n")[1]).toBe(
      "approval: waits (the catalog asks for approval) for an approving review by a member of team acme/platform-data-team with write permission, other than the requester, before fulfilment starts",
    );
  });

  it("says a bundle waits when an item it orders asks for approval", () => {
    const { stdout } = planOf("requests/product-team/customer-portal.yaml");
    expect(stdout.split("\n")[1]).toMatch(/^approval: waits \(the catalog asks for approval\) .*team acme\/platform-data-team/);
  });

  it("says a destructive update waits for anyone with write permission when no team is named", () => {
    const { stdout } = planOf("requests/data-team/orders-db-upgrade.yaml");
    expect(stdout.split("\n")[1]).toBe(
      "approval: waits (the update is destructive) for an approving review by anyone with write permission, other than the requester, before fulfilment starts",
    );
  });

  it("says when no approval is needed", () => {
    const { stdout } = planOf("requests/product-team/customer-portal-web.yaml");
    expect(stdout.split("\n")[1]).toBe("approval: not needed: fulfilment does not wait for a review");
  });

  it("names every team group a bundle's approver must belong to", () => {
    copy = copyExampleRepo();
    copy.edit("catalog/compute/eks-container-app.yaml", "\npresentation:", "\napproval:\n  required: true\n  teams: [acme/web-leads, acme/sre]\npresentation:");
    const { code, stdout } = pao(["plan", join(copy.dir, "requests/product-team/customer-portal.yaml"), "--dir", copy.dir]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[1]).toMatch(/one team of each of: (acme\/web-leads or acme\/sre; acme\/platform-data-team|acme\/platform-data-team; acme\/web-leads or acme\/sre)/);
  });
});
