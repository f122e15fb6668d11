/**
 * Writes status records to the status branch. Changes wait in a queue and go out together as one commit; a write
 * that loses a race (the branch moved) is redone on fresh state, never forced; a record whose content did not
 * change is never committed. Callers learn when the commit holding their change has landed.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import type { StatusRecord } from "../fulfillment/status-record.js";
import type { GitHubGateway } from "../github/gateway.js";

const MAX_ATTEMPTS = 5;

export function recordPath(requestId: string): string {
  return `status/${requestId}.yaml`;
}

export function recordText(record: StatusRecord): string {
  return `# Written by pao; do not edit. The request's status, served by /api/v1/requests/${record.request_id}.\n${stringify(record, { lineWidth: 0 })}`;
}

/** The sha git gives a blob with this content: equal shas, equal content. */
export function gitBlobSha(text: string): string {
  const body = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${body.length}\0`).update(body).digest("hex");
}

export class StatusWriter {
  private pending = new Map<string, string>();
  private waiting: Array<{ resolve: (sha: string | null) => void; reject: (e: unknown) => void }> = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly gateway: Pick<GitHubGateway, "branchCommit" | "tree" | "commitFiles">,
    private readonly branch: string,
  ) {}

  /** Queues a record; resolves with the sha of the commit that holds it (null when nothing had changed). */
  write(record: StatusRecord): Promise<string | null> {
    this.pending.set(recordPath(record.request_id), recordText(record));
    const done = new Promise<string | null>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.running ??= this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = this.pending;
      const waiting = this.waiting;
      this.pending = new Map();
      this.waiting = [];
      try {
        const sha = await this.commit(batch);
        for (const w of waiting) w.resolve(sha);
      } catch (error) {
        for (const w of waiting) w.reject(error);
      }
    }
    this.running = undefined;
  }

  private async commit(files: ReadonlyMap<string, string>): Promise<string | null> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const head = await this.gateway.branchCommit(this.branch);
      const current = head ? await this.gateway.tree(head, ["status"]) : [];
      const shas = new Map(current.map((e) => [e.path, e.sha]));
      const changed = new Map([...files].filter(([path, text]) => shas.get(path) !== gitBlobSha(text)));
      if (changed.size === 0) return null;
      const message = changed.size === 1 ? `pao: ${[...changed.keys()][0]}` : `pao: ${changed.size} status records`;
      const sha = await this.gateway.commitFiles(this.branch, head, changed, message);
      if (sha !== "conflict") return sha;
    }
    throw new Error(`the ${this.branch} branch kept moving; gave up after ${MAX_ATTEMPTS} attempts`);
  }
}
