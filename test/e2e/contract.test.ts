/**
 * The OpenAPI description is a contract: every route's real answers, taken from the running server, validate
 * against the schema the description gives for that status — successes and problems alike.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitRepo, type GitRepo } from "../helpers/git-repo.js";
import { COMPLETED, FAILED } from "../helpers/status-fixtures.js";
import { startServer, type RunningServer } from "./server.js";

let repo: GitRepo;
let server: RunningServer;
let spec: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: object };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  repo = createGitRepo({ records: [FAILED, COMPLETED] });
  // A request file that does not validate: served as validating, with its diagnostics.
  repo.write("requests/product-team/typo.yaml", "catalog_item: eks-container-app\nversion: 1.2.0\nparameters:\n  app_name: x\n  environment: stagign\n");
  server = await startServer({ PAO_LOCAL_REPO: repo.dir, PAO_POLL_INTERVAL_MS: "0" });
  spec = (await (await fetch(`${server.api}/openapi.json`)).json()) as typeof spec;
  ajv.addSchema({ $id: "pao-openapi", components: spec.components });
});

afterAll(async () => {
  await server?.stop();
  repo?.remove();
});

/** Calls the server and checks the answer against the description of (template, method, status). */
async function conforms(template: string, method: "get" | "post" | "delete", url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(`${server.api}${url}`, { method: method.toUpperCase(), ...init });
  const text = await response.text();
  const operation = spec.paths[template]?.[method];
  expect(operation, `${method.toUpperCase()} ${template} is described`).toBeDefined();
  const described = operation!.responses[String(response.status)];
  expect(described, `${method.toUpperCase()} ${url} answered ${response.status}, which is not described`).toBeDefined();
  const type = response.headers.get("content-type")?.split(";")[0] ?? "";
  const schema = described!.content?.[type]?.schema;
  if (text === "") return response.status;
  expect(schema, `${method.toUpperCase()} ${url} answered ${type}, which is not described for ${response.status}`).toBeDefined();
  const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"pao-openapi#/components')));
  const ok = validate(JSON.parse(text));
  expect(ok, `${method.toUpperCase()} ${url} (${response.status}): ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  return response.status;
}

const failedId = FAILED.request_id;

describe("every route answers as its OpenAPI description says", () => {
  it("catalog routes, lists and details", async () => {
    expect(await conforms("/catalog/items", "get", "/catalog/items?limit=2&tags=compute")).toBe(200);
    expect(await conforms("/catalog/items/{name}", "get", "/catalog/items/eks-container-app")).toBe(200);
    expect(await conforms("/catalog/items/{name}", "get", "/catalog/items/eks-container-app?version=1.1.0")).toBe(200);
    expect(await conforms("/catalog/bundles", "get", "/catalog/bundles")).toBe(200);
    expect(await conforms("/catalog/bundles/{name}", "get", "/catalog/bundles/full-stack-web-app")).toBe(200);
    expect(await conforms("/catalog/update-items", "get", "/catalog/update-items?target_item=postgres-database")).toBe(200);
    expect(await conforms("/catalog/update-items/{name}", "get", "/catalog/update-items/postgres-major-upgrade")).toBe(200);
    expect(await conforms("/catalog/update-operations", "get", "/catalog/update-operations")).toBe(200);
    expect(await conforms("/catalog/update-operations/{name}", "get", "/catalog/update-operations/postgres-scale-update")).toBe(200);
  });

  it("request routes, with and without status records", async () => {
    expect(await conforms("/requests", "get", "/requests")).toBe(200);
    expect(await conforms("/requests/{request_id}", "get", `/requests/${failedId}`)).toBe(200);
    const list = (await (await fetch(`${server.api}/requests?status=submitted`)).json()) as { requests: Array<{ request_id: string }> };
    expect(list.requests.length).toBeGreaterThan(0);
    expect(await conforms("/requests/{request_id}", "get", `/requests/${list.requests[0]!.request_id}`)).toBe(200);
    expect(await conforms("/requests/{request_id}/steps/{step_id}", "get", `/requests/${failedId}/steps/step-001`)).toBe(200);
    const validating = (await (await fetch(`${server.api}/requests?status=validating`)).json()) as { requests: Array<{ request_id: string }> };
    expect(validating.requests).toHaveLength(1);
    expect(await conforms("/requests/{request_id}", "get", `/requests/${validating.requests[0]!.request_id}`)).toBe(200);
  });

  it("administration routes", async () => {
    expect(await conforms("/health", "get", "/health")).toBe(200);
    expect(await conforms("/admin/catalog/stats", "get", "/admin/catalog/stats")).toBe(200);
    expect(await conforms("/admin/catalog/refresh", "post", "/admin/catalog/refresh")).toBe(200);
    const body = JSON.stringify({ type: "catalog_item", definition: { name: "x", version: "1.0.0" } });
    expect(await conforms("/admin/catalog/validate", "post", "/admin/catalog/validate", { body, headers: { "content-type": "application/json" } })).toBe(200);
    expect(await conforms("/openapi.json", "get", "/openapi.json")).toBe(200);
  });

  it("problems: not found, bad query, GitOps write routes", async () => {
    expect(await conforms("/catalog/items/{name}", "get", "/catalog/items/nope")).toBe(404);
    expect(await conforms("/catalog/items", "get", "/catalog/items?limit=0")).toBe(400);
    expect(await conforms("/catalog/items", "get", "/catalog/items?colour=red")).toBe(400);
    expect(await conforms("/requests/{request_id}", "get", "/requests/req-000000000000")).toBe(404);
    expect(await conforms("/requests", "post", "/requests", { body: "{}", headers: { "content-type": "application/json" } })).toBe(405);
    expect(await conforms("/requests/{request_id}/abort", "post", `/requests/${failedId}/abort`)).toBe(405);
    expect(await conforms("/requests/{request_id}/resume", "post", `/requests/${failedId}/resume`)).toBe(405);
    expect(await conforms("/requests/{request_id}/steps/{step_id}/retry", "post", `/requests/${failedId}/steps/step-001/retry`)).toBe(405);
  });
});
