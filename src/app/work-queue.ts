/**
 * Webhooks are answered at once and the work goes on after the answer. Work for the same key (a request, a pull
 * request) runs one task at a time in arrival order, so two events about one request never race; different keys
 * run side by side. A failed task is reported and does not stop the ones after it. `coalesce` is for work that
 * reads the present state: a task already waiting to start will see whatever a second one would, so it is not
 * queued twice.
 */
export class WorkQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly all = new Set<Promise<void>>();
  private readonly waiting = new Set<string>();

  constructor(private readonly onError: (key: string, error: unknown) => void) {}

  enqueue(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(task).catch((error: unknown) => this.onError(key, error));
    this.tails.set(key, run);
    this.all.add(run);
    void run.finally(() => {
      this.all.delete(run);
      if (this.tails.get(key) === run) this.tails.delete(key);
    });
    return run;
  }

  /** Queues the task unless one for this key is queued and has not started yet. */
  coalesce(key: string, task: () => Promise<void>): void {
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    void this.enqueue(key, () => {
      this.waiting.delete(key);
      return task();
    });
  }

  /** Resolves when every task queued so far has finished (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.all.size > 0) await Promise.allSettled([...this.all]);
  }
}
