/**
 * Opaque pagination cursors. A cursor says where the previous page ended (the last name served) and which filters
 * it belongs to, and carries an HMAC so a forged or edited cursor is refused rather than silently misread. Lists are
 * ordered by name and a page starts after the cursor's name, so walking every page serves each item exactly once
 * even if the catalog changes in between.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface CursorContent {
  /** The last name on the previous page. */
  after: string;
  /** A digest of the list's filters; a cursor is valid only for the list it came from. */
  scope: string;
}

export class CursorCodec {
  constructor(private readonly key: Buffer = randomBytes(32)) {}

  encode(content: CursorContent): string {
    const payload = Buffer.from(JSON.stringify([content.after, content.scope]), "utf8").toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  /** The content, or null when the cursor was not made by this codec for this scope. */
  decode(cursor: string, scope: string): CursorContent | null {
    const [payload, signature, extra] = cursor.split(".");
    if (!payload || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const [after, cursorScope] = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as [unknown, unknown];
      if (typeof after !== "string" || cursorScope !== scope) return null;
      return { after, scope };
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url").slice(0, 22);
  }
}
