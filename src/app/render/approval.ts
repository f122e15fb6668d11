/**
 * The approval a request waits for, as the check and the sticky comment both show it: why it waits, who may
 * approve, what is missing, and whose approvals did not count and why (so a reviewer knows what to do next).
 */
import type { NotCountedReason } from "../../fulfillment/approval.js";

export interface ApprovalView {
  /** Why it waits: the catalog item asks for approval, or the update is destructive. */
  reason: "item" | "destructive";
  /** Approvers must belong to one team (org/team-slug) of each group; none: anyone with write permission. */
  teamGroups: string[][];
  /** Who approved the current request content; null while waiting. */
  approvedBy: string | null;
  /** The requester, who may not approve their own request. */
  requester: string;
  /** Approving reviews that do not count, and why. */
  notCounted: Array<{ user: string; why: NotCountedReason }>;
}

/** What the APPROVAL_BLOCK template reads. */
export interface ApprovalContext {
  approved: boolean;
  approvedBy: string | null;
  requester: string;
  reason: string;
  teamGroups: string[][];
  notCounted: Array<{ user: string; why: string }>;
}

const REASONS: Record<ApprovalView["reason"], string> = {
  item: "the catalog item asks for approval",
  destructive: "this update is destructive",
};

const NOT_COUNTED: Record<NotCountedReason, string> = {
  requester: "the requester cannot approve their own request",
  "no-write": "the reviewer has no write permission on this repository",
  "not-in-team": "the reviewer is not in an approver team",
  "older-content": "it approved an earlier version of the request file",
  "lookup-failed": "GitHub could not confirm the reviewer's permission just now; pao looks again at the next event",
};

export function approvalContext(view: ApprovalView): ApprovalContext {
  return {
    approved: view.approvedBy !== null,
    approvedBy: view.approvedBy,
    requester: view.requester,
    reason: REASONS[view.reason],
    teamGroups: view.teamGroups,
    notCounted: view.approvedBy !== null ? [] : view.notCounted.map((n) => ({ user: n.user, why: NOT_COUNTED[n.why] })),
  };
}
