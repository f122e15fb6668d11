/**
 * Assessing a pull request's request files: a request is valid only when every step's payload can be rendered from
 * its parameters and is small enough to dispatch; otherwise the check says which step cannot be sent, and why.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { assessRequestFiles } from "../../src/fulfillment/assess.js";
import { readTree } from "../../src/repo/fs-files.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const NOTE_ITEM = `kind: CatalogItem
name: note-taker
version: 1.0.0
description: Sends a note
owner: platform-team
presentation:
  fields:
    - { name: note, type: string, required: true }
fulfillment:
  execution_mode: automation
  actions:
    - name: send
      type: HttpPost
      template:
        url: https://notes.example.com/api
        body:
          note: "{{ note }}"
`;

const { catalog } = loadCatalog([...readTree(REPO_ROOT, ["catalog", ".github"]), { path: "catalog/compute/note-taker.yaml", text: NOTE_ITEM }]);
const SHA = "a".repeat(40);
const assess = (note: string) =>
  assessRequestFiles(catalog, [{ path: "requests/t/note.yaml", sha: SHA, text: `catalog_item: note-taker\nversion: 1.0.0\nparameters:\n  note: ${JSON.stringify(note)}\n` }], {
    repository: "acme/catalog",
    pullRequest: 3,
    author: "dev-user",
    defaultBranchRequests: [],
  })[0]!;

describe("assessing request files", () => {
  it("plans a valid request with what each step is sent", () => {
    const a = assess("hello");
    expect(a.validation.diagnostics).toEqual([]);
    expect(a.valid!.steps.map((s) => [s.step_id, s.workflow, s.payload])).toEqual([["step-001", "pao-http.yml", expect.objectContaining({ url: "https://notes.example.com/api", body: { note: "hello" } })]]);
    expect(a.requestId).toMatch(/^req-[0-9a-f]{12}$/);
  });

  it("refuses a request whose payload would be too large to dispatch, naming the step", () => {
    const a = assess("x".repeat(70_000));
    expect(a.valid).toBeNull();
    expect(a.validation.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([["request-payload-invalid", "error", 1]]);
    expect(a.validation.diagnostics[0]!.message).toContain("step-001 (send) cannot be sent");
    expect(a.validation.diagnostics[0]!.hint).toContain("shorter");
  });
});
