/** The work queue behind the webhooks: one task at a time per key, keys side by side, failures contained, coalescing. */
import { describe, expect, it } from "vitest";
import { WorkQueue } from "../../src/app/work-queue.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("the work queue", () => {
  it("runs the tasks of one key one at a time, in order, and other keys beside them", async () => {
    const log: string[] = [];
    const queue = new WorkQueue(() => undefined);
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    void queue.enqueue("a", task("a1"));
    void queue.enqueue("a", task("a2"));
    void queue.enqueue("b", task("b1"));
    await queue.idle();
    expect(log.indexOf("end a1")).toBeLessThan(log.indexOf("start a2"));
    expect(log.indexOf("start b1")).toBeLessThan(log.indexOf("end a1"));
  });

  it("reports a failed task and goes on with the next", async () => {
    const errors: Array<[string, unknown]> = [];
    const queue = new WorkQueue((key, error) => errors.push([key, error]));
    let ran = false;
    void queue.enqueue("a", async () => {
      throw new Error("boom");
    });
    void queue.enqueue("a", async () => {
      ran = true;
    });
    await queue.idle();
    expect(errors).toEqual([["a", new Error("boom")]]);
    expect(ran).toBe(true);
  });

  it("coalesces a task into one of its key that is waiting to start, but not into one already running", async () => {
    const queue = new WorkQueue(() => undefined);
    let runs = 0;
    let release!: () => void;
    const blocker = new Promise<void>((r) => (release = r));
    void queue.enqueue("pull/1", () => blocker);
    const work = async () => {
      runs++;
    };
    queue.coalesce("pull/1", work);
    queue.coalesce("pull/1", work);
    queue.coalesce("pull/1", work);
    release();
    await queue.idle();
    expect(runs).toBe(1);

    // Once a task has started, a new one is queued behind it: it may read state the running one did not see.
    let second!: () => void;
    const running = new Promise<void>((r) => (second = r));
    queue.coalesce("pull/1", async () => {
      runs++;
      await running;
    });
    await tick();
    queue.coalesce("pull/1", work);
    second();
    await queue.idle();
    expect(runs).toBe(3);
  });
});
