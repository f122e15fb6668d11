import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { planRequest } from "../../src/fulfillment/plan.js";
import { approvalNeed } from "../../src/fulfillment/approval.js";
import { newStatusRecord } from "../../src/fulfillment/record.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { readTree } from "../../src/repo/fs-files.js";
import { requestId } from "../../src/requests/request-id.js";
import { validateRequestFile } from "../../src/requests/validate.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const { catalog } = loadCatalog(readTree(REPO_ROOT, ["catalog", ".github"]));
const requests = readTree(REPO_ROOT, ["requests"]);

function recordFor(path: string, author = "dev-user") {
  const file = requests.find((f) => f.path === path)!;
  const { request } = validateRequestFile(file, catalog, { author, knownRequestPaths: new Set(requests.map((f) => f.path)) });
  const plan = planRequest(request!.definition, catalog, request!.selections);
  const need = approvalNeed(request!.definition, catalog, request!.selections);
  return newStatusRecord({
    requestId: requestId("acme/catalog", path, 7),
    definition: request!.definition,
    parameters: request!.parameters,
    plan,
    requester: { user_id: author, team: request!.requester?.team },
    pullRequest: 7,
    requestPath: path,
    now: "2025-08-16T15:30:00Z",
    approval: need ? { ...need, approved_by: null, review_id: null, approved_at: null } : null,
  });
}

describe("a request's first status record", () => {
  it("is submitted with every planned step pending, and validates against the status schema", () => {
    const record = recordFor("requests/product-team/customer-portal-web.yaml");
    expect(StatusRecord.safeParse(record).success).toBe(true);
    expect(record).toMatchObject({ status: "submitted", kind: "catalog_item", name: "eks-container-app", version: "1.2.0", pull_request: 7 });
    expect(record.request_id).toBe(requestId("acme/catalog", "requests/product-team/customer-portal-web.yaml", 7));
    expect(record.fulfillment.steps.map((s) => [s.step_id, s.name, s.status])).toEqual([["step-001", "provision_infrastructure", "pending"]]);
    expect(record.parameters).toMatchObject({ replicas: 3, app_type: "api" });
  });

  it("waits for approval when the item asks for it, and for every destructive update", () => {
    expect(recordFor("requests/data-team/orders-db.yaml").status).toBe("awaiting_approval");
    expect(recordFor("requests/data-team/orders-db-upgrade.yaml").status).toBe("awaiting_approval");
    expect(recordFor("requests/data-team/orders-db-scale.yaml").status).toBe("submitted");
  });

  it("has the same id for the same request, whatever the delivery, and another for another pull request", () => {
    expect(recordFor("requests/data-team/orders-db.yaml")).toEqual(recordFor("requests/data-team/orders-db.yaml"));
    expect(requestId("acme/catalog", "requests/x.yaml", 7)).not.toBe(requestId("acme/catalog", "requests/x.yaml", 8));
    expect(requestId("Acme/Catalog", "requests/x.yaml", 7)).toBe(requestId("acme/catalog", "requests/x.yaml", 7));
  });
});
