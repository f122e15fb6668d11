/**
 * A linear pre-scan that bounds how deeply a YAML text nests, run before the parser sees it. The parser recurses
 * per level, so a small file of a thousand `[` could exhaust the stack; this scan cannot, and it is cheap enough to
 * run on every file. It over-approximates (a `[` inside a plain scalar counts), which only matters for texts that
 * are pathological anyway.
 */
import type { Position } from "../diagnostics.js";

export interface DepthReport {
  depth: number;
  /** Where the deepest point was first reached. */
  at: Position;
}

const SPACE = 32;
const TAB = 9;

export function measureDepth(text: string, stopAt = Infinity): DepthReport {
  const lines = text.split(/\r?\n/);
  const indents: number[] = [];
  let flow = 0;
  let best: DepthReport = { depth: 0, at: { line: 1, column: 1 } };
  // Inside a block scalar (`|` or `>`), lines indented deeper than its parent are content, not structure.
  let blockScalarParent = -1;
  let quote: "'" | '"' | null = null;

  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    let i = 0;
    while (i < line.length && (line.charCodeAt(i) === SPACE || line.charCodeAt(i) === TAB)) i++;
    const blank = i === line.length || line[i] === "#";

    if (blockScalarParent >= 0) {
      if (blank || i > blockScalarParent) continue;
      blockScalarParent = -1;
    }
    if (quote === null && flow === 0) {
      if (blank) continue;
      while (indents.length > 0 && indents[indents.length - 1]! >= i) indents.pop();
      indents.push(i);
      // Compact nested sequences and complex keys (`- - - x`, `? x`) open a level each without new indentation.
      while ((line[i] === "-" || line[i] === "?") && (i + 1 === line.length || line[i + 1] === " ")) {
        i++;
        while (line[i] === " ") i++;
        indents.push(i);
      }
    }

    let sawBlockIndicator = false;
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (quote !== null) {
        if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = null;
        } else if (c === "\\" && quote === '"') i++;
        continue;
      }
      if (c === "#" && (i === 0 || line[i - 1] === " " || line[i - 1] === "\t")) break;
      if ((c === '"' || c === "'") && startsScalar(line, i)) {
        quote = c;
      } else if (c === "[" || c === "{") {
        flow++;
        const depth = flow + indents.length;
        if (depth > best.depth) {
          best = { depth, at: { line: n + 1, column: i + 1 } };
          if (depth > stopAt) return best;
        }
      } else if (c === "]" || c === "}") {
        if (flow > 0) flow--;
      } else if ((c === "|" || c === ">") && flow === 0 && startsScalar(line, i)) {
        sawBlockIndicator = true;
      }
    }
    const depth = flow + indents.length;
    if (depth > best.depth) {
      best = { depth, at: { line: n + 1, column: 1 } };
      if (depth > stopAt) return best;
    }
    if (sawBlockIndicator && quote === null) blockScalarParent = currentIndent(line);
  }
  return best;
}

/** A quote or block indicator only starts a scalar where a value may begin. */
function startsScalar(line: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (line[j] === " " || line[j] === "\t")) j--;
  if (j < 0) return true;
  const prev = line[j];
  return prev === ":" || prev === "-" || prev === "," || prev === "[" || prev === "{" || prev === "?";
}

function currentIndent(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === SPACE) i++;
  return i;
}
