/** Durations as catalog files write them (`30s`, `45m`, `1h30m`, `2d`), in milliseconds. Pure. */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The length of a duration the catalog schema accepted; throws on anything else (a bug, not user input). */
export function durationMs(text: string): number {
  if (!/^(?:\d+[smhd])+$/.test(text)) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}

export const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
export const isPast = (iso: string, now: string): boolean => Date.parse(iso) <= Date.parse(now);
