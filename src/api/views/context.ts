import type { Snapshot } from "../../repo/snapshot.js";
import { formatInZone } from "../../time.js";
import type { CursorCodec } from "../cursor.js";

/** What every view needs besides its own arguments. Views are pure functions of it. */
export interface ViewContext {
  snapshot: Snapshot;
  timeZone: string;
  cursors: CursorCodec;
  /** `/api/v1`, for hrefs. */
  base: string;
  /** The version of pao, from package.json. */
  version: string;
}

export function time(ctx: ViewContext, instant: Date | string): string {
  return formatInZone(instant, ctx.timeZone);
}

export function timeOrNull(ctx: ViewContext, instant: Date | string | null | undefined): string | null {
  return instant ? formatInZone(instant, ctx.timeZone) : null;
}
