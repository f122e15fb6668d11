/**
 * Reads the commands of a pull request comment. A command is a line that starts with `/` and a name of the command
 * table, exactly as written (case counts), at the very start of the line: so quoted lines (`> /retry`) and indented
 * code blocks are never commands. Lines inside fenced code blocks and HTML comments are skipped too. One command a
 * line; at most MAX_COMMANDS a comment, the rest counted and left.
 *
 * What is not a command is data: a line that looks like one but names no command is reported with the nearest
 * name, and a command with the wrong arguments with what was wrong. Nothing here trusts or echoes the text.
 */
import { COMMANDS, MAX_REASON_LENGTH, type CommandName, type CommandSpec } from "./table.js";

/** Commands run from one comment at most; a comment with more runs these and says how many it left. */
export const MAX_COMMANDS = 10;

/** A step id as commands take it. */
const STEP_ID = /^step-\d{3}$/;
/** `/word` at the start of a line, the word ending at whitespace or the end of the line (`/usr/bin` is no command). */
const COMMAND_LINE = /^\/([A-Za-z][A-Za-z0-9_-]{0,31})(?:[ \t]+(.*))?$/;

/** A command as written: its name, the step it names (if its arguments take one), its text (a reason). */
export interface ParsedCommand {
  name: CommandName;
  line: number;
  step: string | null;
  text: string | null;
}

export type CommandProblem =
  | { type: "unknown-command"; line: number; nearest: CommandName | null }
  | { type: "bad-arguments"; line: number; name: CommandName; expected: string };

export interface ParsedComment {
  commands: ParsedCommand[];
  problems: CommandProblem[];
  /** Commands past MAX_COMMANDS, not run. */
  leftOut: number;
}

export function parseComment(body: string): ParsedComment {
  const out: ParsedComment = { commands: [], problems: [], leftOut: 0 };
  let fence: { char: string; length: number } | null = null;
  let inHtmlComment = false;
  const lines = body.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (fence) {
      const closing = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (closing && closing[1]![0] === fence.char && closing[1]!.length >= fence.length) fence = null;
      continue;
    }
    if (inHtmlComment) {
      if (line.includes("-->")) inHtmlComment = false;
      continue;
    }
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (opening) {
      fence = { char: opening[1]![0]!, length: opening[1]!.length };
      continue;
    }
    if (/^ {0,3}<!--/.test(line)) {
      inHtmlComment = !line.includes("-->", line.indexOf("<!--") + 4);
      continue;
    }
    const match = COMMAND_LINE.exec(line.trimEnd());
    if (!match) continue;
    const word = match[1]!;
    const rest = (match[2] ?? "").trim();
    const spec = COMMANDS.find((c) => c.name === word);
    const lineNumber = index + 1;
    if (!spec) {
      out.problems.push({ type: "unknown-command", line: lineNumber, nearest: nearestCommand(word) });
      continue;
    }
    const parsed = withArguments(spec, rest, lineNumber);
    if ("expected" in parsed) {
      out.problems.push(parsed);
      continue;
    }
    if (out.commands.length >= MAX_COMMANDS) out.leftOut++;
    else out.commands.push(parsed);
  }
  return out;
}

function withArguments(spec: CommandSpec, rest: string, line: number): ParsedCommand | Extract<CommandProblem, { type: "bad-arguments" }> {
  const words = rest === "" ? [] : rest.split(/[ \t]+/);
  const bad = { type: "bad-arguments" as const, line, name: spec.name, expected: spec.usage };
  const command = { name: spec.name, line, step: null, text: null };
  const oneStep = words.length === 1 && STEP_ID.test(words[0]!);
  switch (spec.args) {
    case "none":
      return words.length === 0 ? command : bad;
    case "step":
      return oneStep ? { ...command, step: words[0]! } : bad;
    case "optional-step":
      if (words.length === 0) return command;
      return oneStep ? { ...command, step: words[0]! } : bad;
    case "text":
      return rest === "" ? command : { ...command, text: rest.slice(0, MAX_REASON_LENGTH) };
  }
}

/** The command a mistyped name most likely meant (`/Retry`, `/rety`), if one is close. */
export function nearestCommand(word: string): CommandName | null {
  const lower = word.toLowerCase();
  let best: { name: CommandName; distance: number } | null = null;
  for (const { name } of COMMANDS) {
    const distance = editDistance(lower, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
