import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import type { ApprovalState } from "../../src/fulfillment/approval.js";
import { assessRequestFiles, type RequestAssessment } from "../../src/fulfillment/assess.js";
import { changeRefusal, decide, hasStarted, type DecideInput, type PullRequestFacts } from "../../src/fulfillment/decide.js";
import { StatusRecord, type RequestStatus } from "../../src/fulfillment/status-record.js";
import { readTree } from "../../src/repo/fs-files.js";
import { requestId } from "../../src/requests/request-id.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const { catalog } = loadCatalog(readTree(REPO_ROOT, ["catalog", ".github"]));
const requests = readTree(REPO_ROOT, ["requests"]);

const DB = "requests/data-team/orders-db.yaml";
const WEB = "requests/product-team/customer-portal-web.yaml";
const BUNDLE = "requests/product-team/customer-portal.yaml";
/** Fake blob shas of successive versions of a request file. */
const SHA1 = "1".repeat(40);
const SHA2 = "2".repeat(40);
const SHA3 = "3".repeat(40);
const T0 = "2025-08-16T15:30:00Z";
const T1 = "2025-08-16T16:00:00Z";
const T2 = "2025-08-16T17:00:00Z";
const T3 = "2025-08-16T18:00:00Z";

function text(path: string): string {
  const file = requests.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} among the example requests`);
  return file.text;
}

/** The text of an example request with one piece replaced; fails loudly if the piece is not there. */
function edited(path: string, from: string, to: string): string {
  const original = text(path);
  if (!original.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`);
  return original.replace(from, to);
}

function assess(path: string, sha: string, body = text(path)): RequestAssessment {
  const [assessed] = assessRequestFiles(catalog, [{ path, sha, text: body }], {
    repository: "acme/catalog",
    pullRequest: 7,
    author: "dev-user",
    defaultBranchRequests: requests.map((f) => f.path),
  });
  return assessed!;
}

const open: PullRequestFacts = { number: 7, state: "open", merged: false, fork: false, intoDefaultBranch: true, author: "dev-user", headSha: "a".repeat(40), draft: false };
/** The record a decision leaves (these tests gather no fulfilment facts, so nothing starts and there are no effects). */
const decideRecord = (current: StatusRecord | null, given: DecideInput): StatusRecord | null => {
  const decision = decide(current, given);
  expect(decision.effects).toEqual([]);
  return decision.record;
};
const closed: PullRequestFacts = { ...open, state: "closed" };
const merged: PullRequestFacts = { ...open, state: "closed", merged: true };
const notApproved: ApprovalState = { approved: false, notCounted: [] };
const approvedByDba: ApprovalState = { approved: true, by: "dba-lead", reviewId: 901, at: "2025-08-16T15:45:00Z" };

function input(request: RequestAssessment | null, now: string, more: Partial<DecideInput> = {}): DecideInput {
  return { pullRequest: open, request, approval: null, now, ...more };
}

function expectValid(record: StatusRecord | null): StatusRecord {
  expect(record).not.toBeNull();
  const parsed = StatusRecord.safeParse(record);
  expect(parsed.error).toBeUndefined();
  expect(parsed.success).toBe(true);
  return record!;
}

/** A record as fulfilment leaves it: the status set, the first step attempted and the rest as they were. */
function fulfilled(record: StatusRecord, status: RequestStatus, first: "running" | "completed" | "failed" = "running"): StatusRecord {
  return {
    ...record,
    status,
    fulfillment: {
      ...record.fulfillment,
      steps: record.fulfillment.steps.map((s, i) =>
        i === 0
          ? {
              ...s,
              status: first,
              attempts: [
                {
                  attempt_number: 1,
                  run_id: 4242,
                  run_url: "https://github.com/acme/catalog/actions/runs/4242",
                  started_at: T1,
                  completed_at: first === "running" ? null : T1,
                  status: first,
                  error: first === "failed" ? { type: "executor", message: "terraform apply failed" } : null,
                },
              ],
            }
          : s,
      ),
    },
  };
}

describe("a request's first record", () => {
  it("is submitted with every step pending and the request content's sha, when no approval is needed", () => {
    const record = expectValid(decideRecord(null, input(assess(WEB, SHA1), T0)));
    expect(record).toMatchObject({
      request_id: requestId("acme/catalog", WEB, 7),
      status: "submitted",
      name: "eks-container-app",
      pull_request: 7,
      request_path: WEB,
      request_sha: SHA1,
      requester: { user_id: "dev-user", team: "product-team" },
      created_at: T0,
      updated_at: T0,
    });
    expect(record.approval ?? null).toBeNull();
    expect(record.fulfillment.steps.length).toBeGreaterThan(0);
    expect(record.fulfillment.steps.every((s) => s.status === "pending" && s.attempts.length === 0)).toBe(true);
    expect(record.fulfillment.can_abort).toBe(true);
  });

  it("has every step pending for a bundle, one step per ordered item, and waits for the approval its database asks for", () => {
    const record = expectValid(decideRecord(null, input(assess(BUNDLE, SHA1), T0)));
    expect(record.status).toBe("awaiting_approval");
    expect(record.approval).toMatchObject({ reason: "item", teams: ["acme/platform-data-team"] });
    expect(record.fulfillment.steps.length).toBeGreaterThan(1);
    expect(record.fulfillment.steps.map((s) => s.status)).toEqual(record.fulfillment.steps.map(() => "pending"));
  });

  it("awaits approval when the item asks for it and it is not given", () => {
    for (const approval of [notApproved, null]) {
      const record = expectValid(decideRecord(null, input(assess(DB, SHA1), T0, { approval })));
      expect(record.status).toBe("awaiting_approval");
      expect(record.request_sha).toBe(SHA1);
      expect(record.approval).toEqual({ reason: "item", teams: ["acme/platform-data-team"], approved_by: null, review_id: null, approved_at: null });
      expect(record.fulfillment.steps.every((s) => s.status === "pending")).toBe(true);
    }
  });

  it("is submitted with the approver when the approval is given", () => {
    const record = expectValid(decideRecord(null, input(assess(DB, SHA1), T0, { approval: approvedByDba })));
    expect(record.status).toBe("submitted");
    expect(record.approval).toEqual({
      reason: "item",
      teams: ["acme/platform-data-team"],
      approved_by: "dba-lead",
      review_id: 901,
      approved_at: "2025-08-16T15:45:00Z",
    });
  });

  it("is not made for an invalid request", () => {
    const invalid = assess(DB, SHA1, edited(DB, "allocated_storage: 100", "allocated_storage: 5000"));
    expect(invalid.valid).toBeNull();
    expect(decideRecord(null, input(invalid, T0))).toBeNull();
  });

  it("is never made for a pull request from a fork, nor for one into another branch than the default one", () => {
    expect(decideRecord(null, input(assess(WEB, SHA1), T0, { pullRequest: { ...open, intoDefaultBranch: false } }))).toBeNull();
    expect(decideRecord(null, input(assess(WEB, SHA1), T0, { pullRequest: { ...open, fork: true } }))).toBeNull();
    expect(decideRecord(null, input(assess(DB, SHA1), T0, { pullRequest: { ...open, fork: true }, approval: approvedByDba }))).toBeNull();
  });

  it("is cancelled when its pull request is retargeted away from the default branch, and taken up again when it comes back", () => {
    const first = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    const away = decideRecord(first, input(assess(WEB, SHA1), T1, { pullRequest: { ...open, intoDefaultBranch: false } }))!;
    expect(away.status).toBe("cancelled");
    expect(away.fulfillment.steps.every((s) => s.status === "cancelled")).toBe(true);
    const back = decideRecord(away, input(assess(WEB, SHA1), T2))!;
    expect(back).toMatchObject({ status: "submitted", created_at: first.created_at });
  });

  it("is not made when the pull request is closed or merged before anything was recorded", () => {
    expect(decideRecord(null, input(assess(WEB, SHA1), T0, { pullRequest: closed }))).toBeNull();
    expect(decideRecord(null, input(assess(WEB, SHA1), T0, { pullRequest: merged }))).toBeNull();
  });
});

describe("approval and changes before fulfilment", () => {
  it("moves from awaiting_approval to submitted when the approval is given, keeping created_at", () => {
    const waiting = decideRecord(null, input(assess(DB, SHA1), T0, { approval: notApproved }))!;
    const approved = expectValid(decideRecord(waiting, input(assess(DB, SHA1), T1, { approval: approvedByDba })));
    expect(approved).not.toBe(waiting);
    expect(approved).toMatchObject({ status: "submitted", created_at: T0, updated_at: T1, request_sha: SHA1 });
    expect(approved.approval).toMatchObject({ approved_by: "dba-lead", review_id: 901 });
  });

  it("goes back to awaiting_approval when the content changes after approval", () => {
    const approved = decideRecord(null, input(assess(DB, SHA1), T0, { approval: approvedByDba }))!;
    const changed = assess(DB, SHA2, edited(DB, "instance_class: db.t3.medium", "instance_class: db.t3.large"));
    const record = expectValid(decideRecord(approved, input(changed, T1, { approval: { approved: false, notCounted: [{ user: "dba-lead", why: "older-content" }] } })));
    expect(record).toMatchObject({ status: "awaiting_approval", request_sha: SHA2, created_at: T0, updated_at: T1 });
    expect(record.approval).toMatchObject({ approved_by: null, review_id: null, approved_at: null });
    expect(record.parameters).toMatchObject({ instance_class: "db.t3.large" });
  });

  it("returns the very same record when nothing changed, so nothing is written", () => {
    const request = assess(DB, SHA1);
    const first = decideRecord(null, input(request, T0, { approval: approvedByDba }))!;
    const same = input(request, T0, { approval: approvedByDba });
    expect(decideRecord(first, same)).toBe(first);
    expect(decideRecord(decideRecord(first, same), same)).toBe(first);
    // A fresh assessment of the same content is the same state.
    expect(decideRecord(first, input(assess(DB, SHA1), T0, { approval: { ...approvedByDba } }))).toBe(first);
  });

  it("keeps created_at and updated_at when a later event changes nothing", () => {
    const first = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    const later = decideRecord(first, input(assess(WEB, SHA1), T2));
    expect(later).toBe(first);
    expect(later).toMatchObject({ created_at: T0, updated_at: T0 });
  });

  it("keeps created_at and sets updated_at to now when something changed", () => {
    const first = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    const changed = expectValid(decideRecord(first, input(assess(WEB, SHA2, edited(WEB, "replicas: 3", "replicas: 4")), T2)));
    expect(changed).toMatchObject({ status: "submitted", created_at: T0, updated_at: T2, request_sha: SHA2 });
    expect(changed.parameters).toMatchObject({ replicas: 4 });
    // A new sha for the same text is a change too: the record names the content it was made from.
    const resha = decideRecord(first, input(assess(WEB, SHA3), T3))!;
    expect(resha).toMatchObject({ request_sha: SHA3, created_at: T0, updated_at: T3 });
  });

  it("goes to validating on an invalid change, voiding the approval, and back when the request is valid again", () => {
    const approved = decideRecord(null, input(assess(DB, SHA1), T0, { approval: approvedByDba }))!;
    const invalid = assess(DB, SHA2, edited(DB, "allocated_storage: 100", "allocated_storage: 5000"));
    expect(invalid.valid).toBeNull();
    const validating = expectValid(decideRecord(approved, input(invalid, T1)));
    expect(validating).toMatchObject({ status: "validating", request_sha: SHA2, created_at: T0, updated_at: T1 });
    expect(validating.approval).toMatchObject({ reason: "item", approved_by: null, review_id: null, approved_at: null });
    expect(decideRecord(validating, input(invalid, T2))).toBe(validating);

    const fixed = assess(DB, SHA3, edited(DB, "allocated_storage: 100", "allocated_storage: 200"));
    const waiting = expectValid(decideRecord(validating, input(fixed, T2, { approval: notApproved })));
    expect(waiting).toMatchObject({ status: "awaiting_approval", request_sha: SHA3, created_at: T0, updated_at: T2 });
    const submitted = expectValid(decideRecord(validating, input(assess(WEB, SHA3, text(WEB)), T2)));
    expect(submitted.status).toBe("submitted");
  });

  it("goes to validating from submitted without approval too", () => {
    const first = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    const invalid = assess(WEB, SHA2, edited(WEB, "replicas: 3", "replicas: lots"));
    expect(invalid.valid).toBeNull();
    expect(expectValid(decideRecord(first, input(invalid, T1)))).toMatchObject({ status: "validating", request_sha: SHA2, created_at: T0, updated_at: T1 });
  });
});

describe("closing the pull request", () => {
  it("cancels a request that had not started: unfinished steps cancelled, nothing left to abort", () => {
    for (const record of [decideRecord(null, input(assess(DB, SHA1), T0))!, decideRecord(null, input(assess(BUNDLE, SHA1), T0))!]) {
      const cancelled = expectValid(decideRecord(record, input(null, T1, { pullRequest: closed })));
      expect(cancelled).toMatchObject({ status: "cancelled", created_at: T0, updated_at: T1 });
      expect(cancelled.fulfillment.steps.map((s) => s.status)).toEqual(record.fulfillment.steps.map(() => "cancelled"));
      expect(cancelled.fulfillment.can_abort).toBe(false);
      expect(cancelled.fulfillment.can_resume).toBe(false);
    }
  });

  it("cancels whatever the request file then holds", () => {
    const record = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    expect(decideRecord(record, input(assess(WEB, SHA1), T1, { pullRequest: closed }))!.status).toBe("cancelled");
    const invalid = assess(WEB, SHA2, edited(WEB, "replicas: 3", "replicas: lots"));
    expect(decideRecord(record, input(invalid, T1, { pullRequest: closed }))!.status).toBe("cancelled");
  });

  it("aborts a request in progress, cancelling the steps that had not finished (and their runs) and keeping those that had", () => {
    const base = decideRecord(null, input(assess(BUNDLE, SHA1), T0))!;
    const inProgress = fulfilled(base, "in_progress", "completed");
    const steps = inProgress.fulfillment.steps;
    steps[1] = { ...steps[1]!, status: "running", attempts: [{ attempt_number: 1, run_id: 4243, status: "running", started_at: T1 }] };
    expectValid(inProgress);
    expect(hasStarted(inProgress)).toBe(true);

    const decision = decide(inProgress, input(null, T2, { pullRequest: closed }));
    const aborted = expectValid(decision.record);
    // The run still going is cancelled; the attempt with it.
    expect(decision.effects).toEqual([{ type: "cancel-run", key: `${inProgress.request_id}/step-002/1`, runId: 4243, force: false }]);
    expect(aborted.fulfillment.steps[1]!.attempts[0]!.status).toBe("cancelled");
    expect(aborted).toMatchObject({ status: "aborted", created_at: T0, updated_at: T2 });
    expect(aborted.fulfillment.steps.map((s) => s.status)).toEqual(["completed", ...steps.slice(1).map(() => "cancelled")]);
    expect(aborted.fulfillment.steps[0]!.attempts).toEqual(steps[0]!.attempts);
    expect(aborted.fulfillment.can_abort).toBe(false);
    expect(aborted.fulfillment.can_resume).toBe(false);
  });

  it("aborts rather than cancels once any step was attempted, whatever the status says", () => {
    const attempted = fulfilled(decideRecord(null, input(assess(WEB, SHA1), T0))!, "submitted");
    expect(hasStarted(attempted)).toBe(true);
    expect(decideRecord(attempted, input(null, T1, { pullRequest: closed }))!.status).toBe("aborted");
  });

  it("leaves an ended record as it is", () => {
    const base = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    const ended = [
      fulfilled(base, "completed", "completed"),
      fulfilled(base, "failed", "failed"),
      { ...fulfilled(base, "aborted", "completed"), fulfillment: { ...fulfilled(base, "aborted", "completed").fulfillment, can_abort: false } },
    ];
    for (const record of ended) {
      expectValid(record);
      expect(decideRecord(record, input(null, T1, { pullRequest: closed })), record.status).toBe(record);
      expect(decideRecord(record, input(assess(WEB, SHA1), T1, { pullRequest: closed })), record.status).toBe(record);
      expect(decideRecord(record, input(assess(WEB, SHA1), T1, { pullRequest: merged })), record.status).toBe(record);
    }
    const cancelled = decideRecord(base, input(null, T1, { pullRequest: closed }))!;
    expect(decideRecord(cancelled, input(null, T2, { pullRequest: closed }))).toBe(cancelled);
  });

  it("when the pull request is merged early, goes on with a request submitted or in progress and cancels one still waiting, saying why", () => {
    const submitted = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    expect(decideRecord(submitted, input(assess(WEB, SHA1), T1, { pullRequest: merged }))).toBe(submitted);
    const waiting = decideRecord(null, input(assess(DB, SHA1), T0))!;
    const cancelled = expectValid(decideRecord(waiting, input(assess(DB, SHA1), T1, { pullRequest: merged })));
    expect(cancelled).toMatchObject({ status: "cancelled", status_reason: expect.stringContaining("merged before it had its approval") });
    const invalid = decideRecord(submitted, input(assess(WEB, SHA2, "catalog_item: nope\n"), T1))!;
    expect(invalid.status).toBe("validating");
    expect(decideRecord(invalid, input(assess(WEB, SHA2, "catalog_item: nope\n"), T2, { pullRequest: merged }))).toMatchObject({
      status: "cancelled",
      status_reason: expect.stringContaining("did not validate"),
    });
    const inProgress = fulfilled(submitted, "in_progress");
    expect(decideRecord(inProgress, input(assess(WEB, SHA1), T1, { pullRequest: merged }))).toBe(inProgress);
  });

  it("on reopening, makes the request anew with created_at kept", () => {
    const waiting = decideRecord(null, input(assess(DB, SHA1), T0))!;
    const cancelled = decideRecord(waiting, input(assess(DB, SHA1), T1, { pullRequest: closed }))!;
    expect(cancelled.status).toBe("cancelled");

    const reopened = expectValid(decideRecord(cancelled, input(assess(DB, SHA1), T2, { approval: notApproved })));
    expect(reopened).toMatchObject({ status: "awaiting_approval", created_at: T0, updated_at: T2 });
    expect(reopened.fulfillment.steps.every((s) => s.status === "pending")).toBe(true);
    expect(reopened.fulfillment.can_abort).toBe(true);

    const approved = expectValid(decideRecord(cancelled, input(assess(DB, SHA1), T2, { approval: approvedByDba })));
    expect(approved).toMatchObject({ status: "submitted", created_at: T0, updated_at: T2 });
  });
});

describe("the request file leaving the pull request", () => {
  it("cancels a request that had not started", () => {
    const record = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    const cancelled = expectValid(decideRecord(record, input(null, T1)));
    expect(cancelled).toMatchObject({ status: "cancelled", created_at: T0, updated_at: T1 });
    expect(cancelled.fulfillment.steps.every((s) => s.status === "cancelled")).toBe(true);
    expect(decideRecord(cancelled, input(null, T2))).toBe(cancelled);
    expect(decideRecord(null, input(null, T0))).toBeNull();
  });

  it("comes back as if new when the file is added again", () => {
    const record = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    const cancelled = decideRecord(record, input(null, T1))!;
    const back = expectValid(decideRecord(cancelled, input(assess(WEB, SHA1), T2)));
    expect(back).toMatchObject({ status: "submitted", created_at: T0, updated_at: T2 });
  });

  it("leaves a request that has started as it is", () => {
    const inProgress = fulfilled(decideRecord(null, input(assess(WEB, SHA1), T0))!, "in_progress");
    expect(decideRecord(inProgress, input(null, T1))).toBe(inProgress);
    const completed = fulfilled(decideRecord(null, input(assess(WEB, SHA1), T0))!, "completed", "completed");
    expect(decideRecord(completed, input(null, T1))).toBe(completed);
  });
});

describe("a change after fulfilment started", () => {
  const changedText = edited(WEB, "replicas: 3", "replicas: 5");

  it("leaves the record as it is, and is refused at line 1 of the file", () => {
    const inProgress = fulfilled(decideRecord(null, input(assess(WEB, SHA1), T0))!, "in_progress");
    const changed = assess(WEB, SHA2, changedText);
    expect(decideRecord(inProgress, input(changed, T1))).toBe(inProgress);
    expect(decideRecord(inProgress, input(assess(WEB, SHA2, edited(WEB, "replicas: 3", "replicas: lots")), T1))).toBe(inProgress);

    const refusal = changeRefusal(inProgress, changed);
    expect(refusal).toMatchObject({ code: "request-changed-after-start", severity: "error", file: WEB, line: 1, column: 1 });
    expect(refusal!.message).toContain(inProgress.request_id);
    expect(refusal!.message).toContain("in_progress");
    expect(refusal!.hint).toContain("/abort");
  });

  it("is no change at all when the content is the same", () => {
    const inProgress = fulfilled(decideRecord(null, input(assess(WEB, SHA1), T0))!, "in_progress");
    expect(changeRefusal(inProgress, assess(WEB, SHA1))).toBeNull();
    expect(decideRecord(inProgress, input(assess(WEB, SHA1), T1))).toBe(inProgress);
  });

  it("is not refused before fulfilment started, nor without a record", () => {
    const submitted = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    expect(hasStarted(submitted)).toBe(false);
    expect(changeRefusal(submitted, assess(WEB, SHA2, changedText))).toBeNull();
    expect(changeRefusal(null, assess(WEB, SHA2, changedText))).toBeNull();
  });

  it("tells, once the request has ended, to open a new pull request", () => {
    const base = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    for (const status of ["completed", "failed", "aborted"] as const) {
      const ended = fulfilled(base, status, status === "failed" ? "failed" : "completed");
      const changed = assess(WEB, SHA2, changedText);
      expect(decideRecord(ended, input(changed, T1)), status).toBe(ended);
      const refusal = changeRefusal(ended, changed);
      expect(refusal, status).toMatchObject({ code: "request-changed-after-start", severity: "error", file: WEB, line: 1 });
      expect(refusal!.message).toContain(status);
      expect(refusal!.hint).toContain("open a new pull request");
      expect(changeRefusal(ended, assess(WEB, SHA1))).toBeNull();
    }
  });

  it("refuses taking the file out of the pull request during fulfilment, on the recorded path, but not once it has ended", () => {
    const base = decideRecord(null, input(assess(WEB, SHA1), T0))!;
    const inProgress = fulfilled(base, "in_progress");
    expect(decideRecord(inProgress, input(null, T1))).toBe(inProgress);
    const refusal = changeRefusal(inProgress, null);
    expect(refusal).toMatchObject({ code: "request-changed-after-start", file: base.request_path, line: 1 });
    expect(refusal!.message).toContain("taken out of this pull request");
    expect(refusal!.hint).toContain("/abort");
    expect(changeRefusal(fulfilled(base, "completed", "completed"), null)).toBeNull();
    expect(changeRefusal(base, null)).toBeNull();
  });
});
