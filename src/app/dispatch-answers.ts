/**
 * What GitHub answered to recent dispatches, by attempt key, kept in memory for a while: the run id of a 200, or
 * the reason of a refusal. The next pass records it. Nothing depends on it surviving a restart: an attempt whose
 * answer was lost is found by its run's display title, or fails as `dispatch_lost` after the grace period.
 */
export type DispatchAnswer = { runId: number } | { refused: string };

const KEEP_MS = 3_600_000;

export class DispatchAnswers {
  private readonly answers = new Map<string, { answer: DispatchAnswer; until: number }>();

  set(key: string, answer: DispatchAnswer): void {
    const now = Date.now();
    for (const [k, v] of this.answers) if (v.until < now) this.answers.delete(k);
    this.answers.set(key, { answer, until: now + KEEP_MS });
  }

  get(key: string): DispatchAnswer | undefined {
    return this.answers.get(key)?.answer;
  }
}
