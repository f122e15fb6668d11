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
