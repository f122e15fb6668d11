/** Who may run a command, on which requests and steps: the command table decides, and a refusal says why. */
import { describe, expect, it } from "vitest";
import { admitCommand } from "../../src/commands/admit.js";
import { parseComment } from "../../src/commands/parse.js";
import { StatusRecord } from "../../src/fulfillment/status-record.js";
import { FAILED } from "../helpers/status-fixtures.js";

const failed = StatusRecord.parse(FAILED);
const requester = failed.requester.user_id;
const command = (text: string) => parseComment(text).commands[0]!;
const failedStep = failed.fulfillment.steps.find((s) => s.status === "failed")!.step_id;
const otherStep = failed.fulfillment.steps.find((s) => s.status !== "failed")!;

describe("admitting a command", () => {
  it("lets the requester run it even with read permission only, and anyone with write permission", () => {
    expect(admitCommand(command(`/retry ${failedStep}`), failed, requester, "read")).toEqual({ admitted: true });
    expect(admitCommand(command(`/retry ${failedStep}`), failed, requester.toUpperCase(), "read")).toEqual({ admitted: true });
    expect(admitCommand(command(`/retry ${failedStep}`), failed, "platform-lead", "write")).toEqual({ admitted: true });
  });

  it("refuses a reader who is not the requester, and says when GitHub did not answer the look-up", () => {
    expect(admitCommand(command("/abort"), failed, "reader", "read")).toEqual({ admitted: false, refusal: { type: "not-allowed", command: "abort", requester, lookupFailed: false } });
    expect(admitCommand(command("/abort"), failed, "reader", "unknown")).toMatchObject({ admitted: false, refusal: { lookupFailed: true } });
  });

  it("refuses a command on a request in a status it does not apply to", () => {
    const completed = StatusRecord.parse({ ...FAILED, status: "completed" });
    expect(admitCommand(command("/resume"), completed, requester, "write")).toEqual({ admitted: false, refusal: { type: "wrong-request-status", command: "resume", requestStatus: "completed" } });
    expect(admitCommand(command("/abort"), completed, requester, "write")).toMatchObject({ admitted: false, refusal: { type: "wrong-request-status" } });
    expect(admitCommand(command("/status"), completed, requester, "write")).toEqual({ admitted: true });
  });

  it("refuses a step that is not failed, or that the request does not have, naming its steps", () => {
    expect(admitCommand(command(`/retry ${otherStep.step_id}`), failed, requester, "write")).toEqual({
      admitted: false,
      refusal: { type: "wrong-step-status", command: "retry", step: otherStep.step_id, stepStatus: otherStep.status },
    });
    expect(admitCommand(command("/retry step-999"), failed, requester, "write")).toEqual({
      admitted: false,
      refusal: { type: "no-such-step", command: "retry", step: "step-999", steps: failed.fulfillment.steps.map((s) => s.step_id) },
    });
  });
});
