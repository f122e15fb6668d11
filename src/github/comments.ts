/** Comments of issues and pull requests. */
import { allPages, PAGE_SIZE, type GitHubContext } from "./client.js";

export interface CommentInfo {
  id: number;
  author: string;
  body: string;
}

export function commentsArea({ octokit, owner, repo }: GitHubContext) {
  return {
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
  };
}

export type CommentsArea = ReturnType<typeof commentsArea>;
