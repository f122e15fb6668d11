/**
 * Whether each request that needs approval has it: the standing approvals of the pull request's reviewers, judged
 * with what GitHub says of each reviewer. A look-up that fails denies (and is logged), it never approves.
 */
import { approvalState, reviewersToLookUp, standingApprovals, type ApprovalState, type ReviewerAuthority } from "../fulfillment/approval.js";
import type { RequestAssessment } from "../fulfillment/assess.js";
import type { GitHubGateway, PullRequestInfo, ReviewInfo } from "../github/gateway.js";
import { statusOf } from "../github/client.js";

export type ApprovalsPort = Pick<GitHubGateway, "reviews" | "canWrite" | "inTeam" | "fileShaAt">;

interface ApprovalDeps {
  gateway: ApprovalsPort;
  log: { warn(details: object, message: string): void };
}

/** The approval state of each request (by path) that needs one. */
export async function judgeApprovals(deps: ApprovalDeps, pr: PullRequestInfo, assessments: readonly RequestAssessment[]): Promise<Map<string, ApprovalState>> {
  const out = new Map<string, ApprovalState>();
  const needing = assessments.filter((a) => a.valid?.need);
  if (needing.length === 0) return out;
  const reviews = await deps.gateway.reviews(pr.number);
  const teams = [...new Set(needing.flatMap((a) => a.valid!.need!.teams))];
  const authority = new Map<string, ReviewerAuthority>();
  for (const user of reviewersToLookUp(reviews, pr.author)) authority.set(user.toLowerCase(), await lookUpAuthority(deps, user, teams));

  const contentAt = new Map<string, string | null | "unknown">();
  const key = (review: ReviewInfo, path: string) => `${review.id}\0${path}`;
  for (const review of standingApprovals(reviews)) {
    for (const a of needing) {
      if (review.commitId === pr.headSha) contentAt.set(key(review, a.path), a.sha);
      else contentAt.set(key(review, a.path), await deps.gateway.fileShaAt(review.commitId, a.path).catch((error: unknown) => lookUpFailed(deps, error, "file at review commit")));
    }
  }
  for (const a of needing) {
    out.set(
      a.path,
      approvalState({
        need: a.valid!.need!,
        requester: pr.author,
        contentSha: a.sha,
        reviews,
        contentAt: (review) => contentAt.get(key(review as ReviewInfo, a.path)) ?? "unknown",
        authority: (user) => authority.get(user.toLowerCase()) ?? { write: "unknown", teams: new Set() },
      }),
    );
  }
  return out;
}

async function lookUpAuthority(deps: ApprovalDeps, user: string, teams: readonly string[]): Promise<ReviewerAuthority> {
  try {
    const write = await deps.gateway.canWrite(user);
    const member = new Set<string>();
    if (write) for (const team of teams) if (await deps.gateway.inTeam(team, user)) member.add(team.toLowerCase());
    return { write, teams: member };
  } catch (error) {
    lookUpFailed(deps, error, `permission of ${user}`);
    return { write: "unknown", teams: new Set() };
  }
}

function lookUpFailed(deps: ApprovalDeps, error: unknown, what: string): "unknown" {
  deps.log.warn({ status: statusOf(error), what }, "pao: a GitHub look-up for an approval failed; the approval does not count for now");
  return "unknown";
}
