/**
 * Wake-ups asked for by decisions (a backoff, a grace period or a timeout ending), kept in memory by key: asking
 * again for a key moves its time. Nothing is lost with them on a restart: every time is in a record, and the
 * recovery pass at start rebuilds them by deciding again.
 */
const MAX_DELAY_MS = 2_147_483_647;

export class Timers {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Runs `wake` at `at` (at once if it has passed); one timer per key, the latest ask wins. */
  wakeAt(key: string, at: string, wake: () => void): void {
    const when = Date.parse(at);
    const existing = this.timers.get(key);
    if (existing?.at === when) return;
    if (existing) clearTimeout(existing.timer);
    const arm = (): NodeJS.Timeout => {
      const delay = Math.max(0, Math.min(MAX_DELAY_MS, when - this.now().getTime()));
      const timer = setTimeout(() => {
        if (when > this.now().getTime()) {
          this.timers.set(key, { at: when, timer: arm() });
          return;
        }
        this.timers.delete(key);
        wake();
      }, delay);
      timer.unref();
      return timer;
    };
    this.timers.set(key, { at: when, timer: arm() });
  }

  get size(): number {
    return this.timers.size;
  }

  clear(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
