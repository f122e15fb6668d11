/** Comments of issues and pull requests. */
import { allPages, PAGE_SIZE, statusOf, type GitHubContext } from "./client.js";

export interface CommentInfo {
  id: number;
  author: string;
  body: string;
}

/** How many pull requests' sticky comments are remembered. */
const MAX_KEPT_STICKIES = 1_000;

export function commentsArea({ octokit, owner, repo }: GitHubContext) {
  // The sticky comment of each pull request as pao last found or wrote it: an unchanged comment costs no call, a
  // changed one a single edit. Forgotten when an edit fails, so the next publication looks again.
  const stickies = new Map<number, { id: number; body: string }>();
  const remember = (issueNumber: number, sticky: { id: number; body: string }) => {
    stickies.delete(issueNumber);
    if (stickies.size >= MAX_KEPT_STICKIES) stickies.delete(stickies.keys().next().value!);
    stickies.set(issueNumber, sticky);
  };
  const area = {
    /** The comments of an issue or pull request, oldest first. */
    async issueComments(issueNumber: number): Promise<CommentInfo[]> {
      const comments = await allPages((page) => octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner, repo, issue_number: issueNumber, per_page: PAGE_SIZE, page }));
      return comments.map((c) => ({ id: Number(c.id), author: c.user?.login ?? "", body: c.body ?? "" }));
    },

    async createComment(issueNumber: number, body: string): Promise<number> {
      const { data } = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner, repo, issue_number: issueNumber, body });
      return Number(data.id);
    },

    async updateComment(commentId: number, body: string): Promise<void> {
      await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner, repo, comment_id: commentId, body });
    },

    async deleteComment(commentId: number): Promise<void> {
      await octokit.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner, repo, comment_id: commentId });
    },

    /**
     * The one comment of `author` starting with `marker` on a pull request, made to say `body`: edited only when it
     * says something else, created when there is none and `create` asks for it. Two replicas that both found none
     * may each have created one: the oldest is kept, the others deleted (seen at the next look after a creation).
     */
    async publishStickyComment(issueNumber: number, marker: string, author: string, body: string, create: boolean): Promise<void> {
      const same = (a: string) => a.trimEnd() === body.trimEnd();
      const known = stickies.get(issueNumber);
      if (known) {
        if (same(known.body)) return;
        try {
          await area.updateComment(known.id, body);
          remember(issueNumber, { id: known.id, body });
          return;
        } catch (error) {
          stickies.delete(issueNumber);
          // Deleted by someone: look again. Anything else is GitHub failing, for the caller to see.
          if (statusOf(error) !== 404) throw error;
        }
      }
      const ours = (await area.issueComments(issueNumber)).filter((c) => c.author === author && c.body.startsWith(marker));
      const [first, ...extra] = ours;
      if (!first) {
        if (create) await area.createComment(issueNumber, body);
        return;
      }
      if (!same(first.body)) await area.updateComment(first.id, body);
      for (const comment of extra) await area.deleteComment(comment.id);
      remember(issueNumber, { id: first.id, body });
    },
  };
  return area;
}

export type CommentsArea = ReturnType<typeof commentsArea>;
