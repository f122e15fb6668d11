/**
 * The approval gate (DESIGN.md, pull request conversation). A request waits when its definition asks for approval
 * or is a destructive update, until a reviewer other than the requester, with write permission (and in one of the
 * definition's approver teams, when it names any), approves the request content as it is now. Pure: the adapter
 * looks up what GitHub knows (reviews, permissions, team memberships, the file at each review's commit) and this
 * module judges it.
 */
import type { AnyDefinition, Catalog } from "../catalog/model.js";
import { bundleItems, type BundleSelection } from "./plan.js";

export interface ApprovalNeed {
  /** The catalog definition (or an item the bundle orders) asks for approval, or the update is destructive. */
  reason: "item" | "destructive";
  /** Every approver team named (org/team-slug), for display; empty: anyone with write permission may approve. */
  teams: string[];
  /** The approver must belong to one team of every group (a bundle has a group per item that names teams). */
  groups: string[][];
}

/** The approval a request needs, if any: from its definition, and for a bundle from every item it will fulfil. */
export function approvalNeed(definition: AnyDefinition, catalog: Catalog, selections: readonly BundleSelection[] = []): ApprovalNeed | null {
  const asking = [definition, ...(definition.kind === "CatalogBundle" ? bundleItems(definition, catalog, selections) : [])].filter((d) => d.body.approval?.required);
  const destructive = (definition.kind === "UpdateItem" || definition.kind === "UpdateOperation") && definition.body.targets.destructive;
  if (asking.length === 0 && !destructive) return null;
  const groups = [definition, ...asking].map((d) => d.body.approval?.teams ?? []).filter((g) => g.length > 0);
  const unique = [...new Map(groups.map((g) => [JSON.stringify(g), g])).values()];
  return { reason: asking.length > 0 ? "item" : "destructive", teams: [...new Set(unique.flat())], groups: unique };
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface ReviewFact {
  id: number;
  /** The reviewer's login. */
  user: string;
  state: ReviewState;
  /** ISO 8601; reviews are judged in this order. */
  submittedAt: string;
  /** The commit the review was given on. */
  commitId: string;
}

/** What GitHub says of a reviewer: permission on the repository and membership of the teams asked about. */
export interface ReviewerAuthority {
  /** write, maintain or admin; "unknown" when the look-up failed, which denies. */
  write: boolean | "unknown";
  /** The teams (org/team-slug) among those asked about that the reviewer actively belongs to. */
  teams: ReadonlySet<string>;
}

export type NotCountedReason = "requester" | "no-write" | "not-in-team" | "older-content" | "lookup-failed";

export type ApprovalState =
  | { approved: true; by: string; reviewId: number; at: string }
  | { approved: false; notCounted: Array<{ user: string; why: NotCountedReason }> };

/**
 * Each reviewer's standing review: the latest one that approves, requests changes or was dismissed (a comment-only
 * review leaves the earlier verdict standing, as on GitHub). Returns the approving ones, oldest first.
 */
export function standingApprovals(reviews: readonly ReviewFact[]): ReviewFact[] {
  const latest = new Map<string, ReviewFact>();
  const ordered = [...reviews].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id - b.id);
  for (const review of ordered) {
    if (review.state === "COMMENTED" || review.state === "PENDING") continue;
    latest.set(review.user.toLowerCase(), review);
  }
  return [...latest.values()].filter((r) => r.state === "APPROVED").sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id - b.id);
}

/** The reviewers whose permission and teams decide an approval: every standing approver but the requester. */
export function reviewersToLookUp(reviews: readonly ReviewFact[], requester: string): string[] {
  return standingApprovals(reviews)
    .map((r) => r.user)
    .filter((user) => user.toLowerCase() !== requester.toLowerCase());
}

export interface ApprovalQuestion {
  need: ApprovalNeed;
  requester: string;
  /** The request file's blob sha now. */
  contentSha: string;
  reviews: readonly ReviewFact[];
  /** The request file's blob sha at a review's commit (null: it did not exist there; "unknown": the look-up failed). */
  contentAt: (review: ReviewFact) => string | null | "unknown";
  authority: (user: string) => ReviewerAuthority;
}

/** Whether the request content as it is now is approved, and if not, whose approvals did not count and why. */
export function approvalState(q: ApprovalQuestion): ApprovalState {
  const notCounted: Array<{ user: string; why: NotCountedReason }> = [];
  for (const review of standingApprovals(q.reviews)) {
    const why = disqualification(q, review);
    if (why === null) return { approved: true, by: review.user, reviewId: review.id, at: review.submittedAt };
    notCounted.push({ user: review.user, why });
  }
  return { approved: false, notCounted };
}

function disqualification(q: ApprovalQuestion, review: ReviewFact): NotCountedReason | null {
  if (review.user.toLowerCase() === q.requester.toLowerCase()) return "requester";
  const content = q.contentAt(review);
  if (content === "unknown") return "lookup-failed";
  if (content !== q.contentSha) return "older-content";
  const authority = q.authority(review.user);
  if (authority.write === "unknown") return "lookup-failed";
  if (!authority.write) return "no-write";
  if (!q.need.groups.every((group) => group.some((t) => authority.teams.has(t.toLowerCase())))) return "not-in-team";
  return null;
}
