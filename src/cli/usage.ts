/**
 * Each subcommand's options, declared once: the parser is built from the declaration and so is `--help`, so an
 * option cannot be accepted without being documented.
 */
import { parseArgs } from "node:util";

export interface OptionSpec {
  type: "string" | "boolean";
  /** What the value is, shown as `--name VALUE`. */
  value?: string;
  default?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** The arguments after `pao <name>`, without options. */
  synopsis: string;
  /** One line for the list of commands. */
  summary: string;
  /** Paragraphs for the command's own help. */
  description: string[];
  options: Record<string, OptionSpec>;
  examples: string[];
}

/** The CLI's exit codes, for every command. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

const HELP: OptionSpec = { type: "boolean", help: "show this text and exit" };

export function optionsOf(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, help: HELP };
}

export function commandHelp(spec: CommandSpec): string {
  const options = Object.entries(optionsOf(spec)).map(([name, o]) => {
    const left = `  --${name}${o.value ? ` ${o.value}` : ""}${name === "help" ? ", -h" : ""}`;
    const help = `${o.help}${o.default !== undefined ? ` (default: ${o.default})` : ""}`;
    return `${left.padEnd(24)}${left.length >= 24 ? `\n${" ".repeat(24)}` : ""}${help}`;
  });
  return [
    `usage: pao ${spec.name} ${spec.synopsis}`,
    "",
    ...spec.description.flatMap((p, i) => (i === 0 ? wrap(p) : ["", ...wrap(p)])),
    "",
    "options:",
    ...options,
    "",
    "examples:",
    ...spec.examples.map((e) => `  ${e}`),
    "",
    "exit codes: 0 all is well, 1 problems found (each printed as file:line:col  code  message, with a hint), 2 usage mistake",
  ].join("\n");
}

export type Parsed = { help: true } | { help: false; values: Record<string, string | boolean | undefined>; positionals: string[] } | { help: false; error: string };

/** Parses a subcommand's arguments by its declaration; `--help` anywhere wins over everything else. */
export function parseCommand(spec: CommandSpec, args: readonly string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries(optionsOf(spec)).map(([name, o]) => [name, { type: o.type, ...(name === "help" ? { short: "h" } : {}), ...(o.default !== undefined ? { default: o.default } : {}) }]),
  );
  const end = args.indexOf("--");
  if ((end === -1 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h")) return { help: true };
  try {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options });
    return { help: false, values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    return { help: false, error: (e as Error).message };
  }
}

/**
 * A subcommand's arguments, read by its declaration: its option values and positionals, or the exit code once
 * `--help` was printed or a usage mistake was said (with where to look).
 */
export function readCommand(
  spec: CommandSpec,
  args: readonly string[],
  io: { stdout(text: string): void; stderr(text: string): void },
): { values: Record<string, string | boolean | undefined>; positionals: string[] } | { exit: number } {
  const parsed = parseCommand(spec, args);
  if (parsed.help) {
    io.stdout(commandHelp(spec));
    return { exit: EXIT.ok };
  }
  if ("error" in parsed) {
    io.stderr(`pao ${spec.name}: ${parsed.error}\n    hint: pao ${spec.name} --help lists the options`);
    return { exit: EXIT.usage };
  }
  return parsed;
}

/** Breaks a paragraph into lines of at most `width` characters, at spaces. */
function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
