/**
 * Versions are semver with pre-release and build metadata. Ranges are npm's, plus the catalog convention that a
 * comma means "and" (`">=2.0.0, <3.0.0"`), as seed 000 writes them.
 */
import semver from "semver";

/** Strict: semver's parser forgives a leading `v` or `=` and surrounding spaces; a catalog version may not have them. */
export function isVersion(text: string): boolean {
  return semver.valid(text) !== null && /^\d/.test(text) && text.trim() === text;
}

/** The range in npm's syntax, or null when it cannot be parsed. */
export function parseRange(text: string): semver.Range | null {
  const normalised = text
    .split("||")
    .map((alternative) => alternative.split(",").map((part) => part.trim()).join(" "))
    .join(" || ");
  if (normalised.trim() === "") return null;
  try {
    return new semver.Range(normalised);
  } catch {
    return null;
  }
}

export function satisfies(version: string, range: semver.Range, includePrerelease = false): boolean {
  return semver.satisfies(version, range, { includePrerelease });
}

/** Highest first. Build metadata does not order versions (semver 10), so it does not here either. */
export function compareDescending(a: string, b: string): number {
  return semver.rcompare(a, b);
}

export function isPrerelease(version: string): boolean {
  return semver.prerelease(version) !== null;
}

/**
 * Resolves an exact version or a range against the versions on offer: the exact one, or the highest that satisfies
 * the range. Pre-releases are chosen only when asked for by name or by a range that names one.
 */
export function resolveVersion(available: readonly string[], wanted: string | undefined): string | null {
  const sorted = [...available].sort(compareDescending);
  if (wanted === undefined || wanted === "" || wanted === "latest") {
    return sorted.find((v) => !isPrerelease(v)) ?? null;
  }
  if (isVersion(wanted)) return sorted.find((v) => semver.eq(v, wanted)) ?? null;
  const range = parseRange(wanted);
  if (!range) return null;
  return sorted.find((v) => satisfies(v, range)) ?? null;
}
