/** The executor contract's payload: what each action type's workflow is sent as pao_payload. */
import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_CHARS, renderPayload } from "../../src/fulfillment/payload.js";

describe("renderPayload", () => {
  it("renders the template and adds the type's payload defaults unless set", () => {
    const post = renderPayload({ type: "HttpPost", action: { template: { url: "https://x/{{ app }}", body: { n: "{{ n }}" } } } }, { app: "web", n: 2 });
    expect(post.problem).toBeUndefined();
    expect(post.payload).toEqual({ url: "https://x/web", body: { n: 2 }, method: "POST" });
    expect(JSON.parse(post.json!)).toEqual(post.payload);
    const put = renderPayload({ type: "HttpPut", action: { template: { url: "u", method: "PATCH" } } }, {});
    expect(put.payload).toEqual({ url: "u", method: "PATCH" });
    const tf = renderPayload({ type: "TerraformFile", action: { template: { variables: { r: "{{ r }}" } } } }, { r: 3 });
    expect(tf.payload).toEqual({ variables: { r: 3 } });
  });

  it("sends a GitHubWorkflow step's rendered inputs", () => {
    const out = renderPayload({ type: "GitHubWorkflow", action: { template: { workflow: "deploy.yml", inputs: { service: "{{ app }}" } } } }, { app: "web" });
    expect(out.payload).toEqual({ service: "web" });
    expect(renderPayload({ type: "GitHubWorkflow", action: { template: { workflow: "deploy.yml" } } }, {}).payload).toEqual({});
  });

  it("reports a payload over 65,535 characters of JSON, and accepts one exactly at the limit", () => {
    const overhead = JSON.stringify({ v: "" }).length;
    const at = renderPayload({ type: "TerraformFile", action: { template: { v: "{{ s }}" } } }, { s: "a".repeat(MAX_PAYLOAD_CHARS - overhead) });
    expect(at.json!.length).toBe(MAX_PAYLOAD_CHARS);
    expect(at.problem).toBeUndefined();
    const over = renderPayload({ type: "TerraformFile", action: { template: { v: "{{ s }}" } } }, { s: "a".repeat(MAX_PAYLOAD_CHARS - overhead + 1) });
    expect(over.problem?.code).toBe("payload-too-large");
    expect(over.problem?.message).toContain("65535");
  });

  it("reports a template that cannot be rendered as a problem, not a crash", () => {
    const out = renderPayload({ type: "TerraformFile", action: { template: { v: "{{ exec 'x' }}" } } }, {});
    expect(out.problem?.code).toBe("template-unknown-helper");
    expect(out.payload).toBeUndefined();
  });
});
