/** The OpenAPI description is linted with Redocly's recommended rules, as CI would lint any API description. */
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/api/openapi.js";
import { ROUTES } from "../../src/api/routes.js";

describe("the OpenAPI description", () => {
  it("passes Redocly's recommended lint rules with no errors and no warnings", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: JSON.stringify(openApiDocument(ROUTES)), absoluteRef: "openapi.json", config });
    const described = problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? ""}`);
    // The write routes of seed 000 are described as what they are: always 405, with how to do it the GitOps way.
    // That they have no 2XX answer is the point, so that one rule is waived for them, and only for them.
    const gitops = ["~1requests/post", "~1requests~1{request_id}~1resume/post", "~1requests~1{request_id}~1abort/post", "~1requests~1{request_id}~1steps~1{step_id}~1retry/post"];
    const waived = gitops.map((op) => `warn operation-2xx-response at #/paths/${op}/responses`);
    expect(described.filter((d) => !waived.includes(d))).toEqual([]);
    expect(described.filter((d) => waived.includes(d))).toHaveLength(4);
  });

  it("describes every route of the table, including the write routes answered the GitOps way", () => {
    const paths = Object.keys((openApiDocument(ROUTES) as { paths: Record<string, unknown> }).paths);
    for (const path of [
      "/catalog/items",
      "/catalog/items/{name}",
      "/catalog/bundles/{name}",
      "/catalog/update-items/{name}",
      "/catalog/update-operations/{name}",
      "/requests",
      "/requests/{request_id}",
      "/requests/{request_id}/steps/{step_id}",
      "/requests/{request_id}/steps/{step_id}/retry",
      "/admin/catalog/validate",
      "/admin/catalog/stats",
      "/health",
    ]) {
      expect(paths).toContain(path);
    }
  });
});
