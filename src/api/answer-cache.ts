/**
 * GET answers are pure functions of the snapshot and the URL (views read nothing else), so once computed they are
 * kept, serialised, until the snapshot changes: a repeated request costs a map look-up and a write. Bounded by
 * count and bytes; the oldest answers go first.
 */
export interface CachedAnswer {
  etag: string;
  body: Buffer;
  /** The body gzip-compressed, made the first time a client asks for it (compressible routes only). */
  gzip?: Buffer;
}

export class AnswerCache {
  private snapshotId = "";
  private readonly answers = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 5000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  get(snapshotId: string, url: string): CachedAnswer | undefined {
    if (snapshotId !== this.snapshotId) return undefined;
    return this.answers.get(url);
  }

  set(snapshotId: string, url: string, answer: CachedAnswer): void {
    if (snapshotId !== this.snapshotId) {
      this.answers.clear();
      this.bytes = 0;
      this.snapshotId = snapshotId;
    }
    if (answer.body.length > this.maxBytes / 8) return;
    this.answers.set(url, answer);
    this.bytes += answer.body.length;
    while (this.answers.size > this.maxEntries || this.bytes > this.maxBytes) {
      const [oldest, value] = this.answers.entries().next().value!;
      this.answers.delete(oldest);
      this.bytes -= value.body.length;
    }
  }
}
