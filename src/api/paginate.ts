import { createHash } from "node:crypto";
import { ApiProblem } from "./problem.js";
import type { CursorCodec } from "./cursor.js";

export interface Page<T> {
  page: T[];
  pagination: { next_cursor: string | null; has_more: boolean; total_count: number };
}

/**
 * One page of a list sorted by `key`, after the cursor's key. `filters` names the list the cursor belongs to: a
 * cursor from another list, with other filters, or edited by hand is a 400, never a silently wrong page.
 */
export function paginate<T>(
  sorted: readonly T[],
  key: (item: T) => string,
  options: { limit: number; cursor: string | undefined; filters: unknown; cursors: CursorCodec },
): Page<T> {
  const scope = createHash("sha256").update(JSON.stringify(options.filters)).digest("base64url").slice(0, 12);
  let start = 0;
  if (options.cursor !== undefined) {
    const content = options.cursor === "" ? null : options.cursors.decode(options.cursor, scope);
    if (!content) {
      throw new ApiProblem("bad-request", "the cursor is not one this list handed out (it may be from another list or have been altered)", {
        validation_errors: [{ field: "cursor", error: "invalid", message: "pass next_cursor from the previous page unchanged, with the same filters" }],
      });
    }
    start = sorted.findIndex((item) => key(item) > content.after);
    if (start === -1) start = sorted.length;
  }
  const page = sorted.slice(start, start + options.limit);
  const hasMore = start + options.limit < sorted.length;
  return {
    page,
    pagination: {
      next_cursor: hasMore && page.length > 0 ? options.cursors.encode({ after: key(page[page.length - 1]!), scope }) : null,
      has_more: hasMore,
      total_count: sorted.length,
    },
  };
}
