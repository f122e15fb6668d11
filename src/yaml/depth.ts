/**
 * A pre-scan that bounds how deeply a YAML text nests, run before the parser sees it: the parser recurses per level,
 * so a small file of a thousand `[` could exhaust the stack. It reads the tokens of yaml's own lexer, which does not
 * recurse and already knows quoted strings, plain scalars, comments and block scalars apart, so a bracket inside any
 * of those never counts. Depth is the block levels (indentation, `-` and `?` indicators) plus the open `[` and `{`.
 */
import { CST, Lexer } from "yaml";
import type { Position } from "../diagnostics.js";

export interface DepthReport {
  depth: number;
  /** Where the deepest point was first reached (or where `stopAt` was passed). */
  at: Position;
}

/**
 * A bound that is cheap to compute and never below the true depth: every `[` and `{` in the text (as if none were
 * ever closed or quoted) plus the deepest indentation stack (as if every line were structure). Most files come out
 * far below any limit, and only those that do not need the exact scan below.
 */
export function depthUpperBound(text: string): number {
  let brackets = 0;
  let deepest = 0;
  const indents: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let indent = 0;
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) {
      indent++;
      i++;
    }
    const lineStart = i;
    while (i < n && text.charCodeAt(i) !== 10) {
      const c = text.charCodeAt(i);
      if (c === 91 || c === 123) brackets++;
      i++;
    }
    if (i > lineStart) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // `- - - x` and `? ? x`: every indicator may open a level.
      let dashes = 0;
      for (let j = lineStart; j < i; j++) {
        const c = text.charCodeAt(j);
        if (c === 45 || c === 63) dashes++;
      }
      if (indents.length + dashes > deepest) deepest = indents.length + dashes;
    }
    i++;
  }
  return brackets + deepest;
}

export function measureDepth(text: string, stopAt = Infinity): DepthReport {
  const indents: number[] = [];
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let offset = 0;
  let atLineStart = true;
  let indent = 0;
  let scalarNext = false;
  let best: DepthReport = { depth: 0, at: { line: 1, column: 1 } };

  const reach = (depth: number, column: number): boolean => {
    if (depth > best.depth) best = { depth, at: { line, column } };
    return depth > stopAt;
  };
  const advance = (token: string) => {
    for (let i = token.indexOf("\n"); i !== -1; i = token.indexOf("\n", i + 1)) {
      line++;
      lineStart = offset + i + 1;
    }
    offset += token.length;
  };

  for (const token of new Lexer().lex(text)) {
    if (token === CST.SCALAR) {
      scalarNext = true;
      continue;
    }
    if (token.length === 1 && (token === CST.DOCUMENT || token === CST.FLOW_END || token === CST.BOM)) continue;
    const type = scalarNext ? "scalar" : CST.tokenType(token);
    scalarNext = false;
    const column = offset - lineStart + 1;

    if (type === "newline") {
      advance(token);
      atLineStart = true;
      indent = 0;
      continue;
    }
    if (type === "space" && atLineStart) {
      indent = token.length;
      advance(token);
      continue;
    }
    if (type === "space" || type === "comment") {
      advance(token);
      continue;
    }
    if (atLineStart && flow === 0) {
      // The first thing on a line closes every block level indented as deep or deeper, and opens its own.
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      if (reach(indents.length, column)) return best;
    }
    atLineStart = false;

    if (flow === 0 && (type === "seq-item-ind" || type === "explicit-key-ind")) {
      // `- - - x` opens a level per indicator without new indentation.
      indents.push(column);
      if (reach(indents.length, column)) return best;
    } else if (type === "flow-seq-start" || type === "flow-map-start") {
      flow++;
      if (reach(flow + indents.length, column)) return best;
    } else if (type === "flow-seq-end" || type === "flow-map-end") {
      if (flow > 0) flow--;
    }
    const endsLine = token.endsWith("\n");
    advance(token);
    if (endsLine) {
      atLineStart = true;
      indent = 0;
    }
  }
  return best;
}
