/** Paths into a document: `["presentation", "fields", 2, "max_length"]`, shown as `presentation.fields[2].max_length`. */
export type PathSegment = string | number;

export function dottedPath(path: readonly PathSegment[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? p : `.${p}`;
  return s;
}
