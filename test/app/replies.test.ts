/**
 * pao's replies to commands, against golden files in test/app/golden-replies/: the `/help` table, and each kind
 * of refusal saying why and what would work. Update on purpose with UPDATE_GOLDEN=1 npx vitest run test/app.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderHelp, renderRefusalReply, type Refusal } from "../../src/app/render/replies.js";
import { COMMANDS } from "../../src/commands/table.js";

const GOLDEN = join(import.meta.dirname, "golden-replies");

function golden(scenario: string, actual: string): void {
  const file = join(GOLDEN, `${scenario}.md`);
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run test/app and review it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

const REFUSALS: Record<string, Refusal> = {
  "not-allowed": { type: "not-allowed", command: "retry", requester: "dev-user", lookupFailed: false },
  "lookup-failed": { type: "not-allowed", command: "abort", requester: "dev-user", lookupFailed: true },
  "wrong-request-status": { type: "wrong-request-status", command: "resume", requestStatus: "in_progress" },
  "wrong-step-status": { type: "wrong-step-status", command: "retry", step: "step-002", stepStatus: "running" },
  "no-such-step": { type: "no-such-step", command: "retry", step: "step-009", steps: ["step-001", "step-002"] },
  "bad-arguments": { type: "bad-arguments", command: "retry" },
  "unknown-command": { type: "unknown-command", nearest: "retry" },
  "unknown-command-far": { type: "unknown-command", nearest: null },
  "left-out": { type: "left-out", leftOut: 490 },
};

describe("replies to commands", () => {
  it("answers /help with every command of the table", () => {
    const help = renderHelp();
    golden("reply-help", help);
    for (const spec of COMMANDS) expect(help).toContain(spec.usage);
  });

  for (const [scenario, refusal] of Object.entries(REFUSALS)) {
    it(`refuses (${scenario}) saying why and what would work`, () => {
      golden(`reply-refused-${scenario}`, renderRefusalReply(refusal));
    });
  }

  it("has one file per reply and none left over", () => {
    const expected = ["reply-help", ...Object.keys(REFUSALS).map((s) => `reply-refused-${s}`)].map((s) => `${s}.md`).sort();
    expect(readdirSync(GOLDEN).sort()).toEqual(expected);
  });

  it("mentions nobody, even a requester whose name looks like a mention", () => {
    const text = renderRefusalReply({ type: "not-allowed", command: "abort", requester: "@octo-org/everyone", lookupFailed: false });
    expect(text).not.toMatch(/(^|[^`])@octo/);
  });
});
