/**
 * The `pao` command line. Each subcommand unpacks its arguments, calls the same core the app uses, and maps the
 * result to output and an exit code: 0 when all is well, 1 when the input has errors, 2 when the command was
 * used wrongly.
 */
import { resolve } from "node:path";
import { DIAGNOSTIC_CODES } from "../diagnostic-codes.js";
import { hasErrors } from "../diagnostics.js";
import { pathInsideRepository } from "../repo/inside-repository.js";
import { validateRepository } from "../repo/validate-repository.js";
import { formatJson, formatText, summary } from "./format.js";
import { NEW_COMMAND, runNew } from "./new.js";
import { PLAN_COMMAND, runPlan } from "./plan.js";
import { commandHelp, EXIT, readCommand, type CommandSpec } from "./usage.js";

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const VALIDATE_COMMAND: CommandSpec = {
  name: "validate",
  synopsis: "[dir] [options]",
  summary: "check the catalog, its executor workflows and every request in a repository",
  description: [
    "Checks every definition under the catalog folder, the executor workflows it dispatches and every request file " +
      "against the catalog, in the repository at dir (default: the current directory). Each problem is one line, " +
      "file:line:col  code  message, with a hint on how to fix it where there is one. Exit 1 when there is any error.",
    "The folder options are relative to dir and must stay inside it.",
  ],
  options: {
    format: { type: "string", value: "text|json", default: "text", help: "text: one line per problem and a tally; json: an array of {code, severity, message, file, line, column, hint}" },
    catalog: { type: "string", value: "DIR", default: "catalog", help: "the folder of catalog definitions" },
    requests: { type: "string", value: "DIR", default: "requests", help: "the folder of request files" },
    workflows: { type: "string", value: "DIR", default: ".github/workflows", help: "the folder of the executor workflows the catalog dispatches" },
    codes: { type: "boolean", help: "list every diagnostic code with what it means, and exit" },
  },
  examples: ["pao validate", "pao validate ../platform-catalog --format json", "pao validate --catalog platform/services --requests orders", "pao validate | head -5"],
};

export const COMMANDS: readonly CommandSpec[] = [VALIDATE_COMMAND, NEW_COMMAND, PLAN_COMMAND];

const USAGE = [
  "usage: pao <command> [options]",
  "",
  "commands:",
  ...COMMANDS.map((c) => `  ${c.name.padEnd(10)}${c.summary}`),
  `  ${"help".padEnd(10)}show this text; pao help <command> (or pao <command> --help) shows a command's options`,
  "",
  "exit codes: 0 all is well, 1 problems found, 2 usage mistake",
].join("\n");

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "validate":
      return validate(rest, io);
    case "new":
      return runNew(rest, io);
    case "plan":
      return runPlan(rest, io);
    case undefined:
    case "help":
    case "--help":
    case "-h": {
      const topic = command === "help" ? rest[0] : undefined;
      const spec = COMMANDS.find((c) => c.name === topic);
      if (topic !== undefined && !spec) {
        io.stderr(`pao help: there is no command '${topic}'\n\n${USAGE}`);
        return EXIT.usage;
      }
      io.stdout(spec ? commandHelp(spec) : USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    default:
      io.stderr(`pao: unknown command '${command}'\n\n${USAGE}`);
      return EXIT.usage;
  }
}

function validate(args: readonly string[], io: CliIO): number {
  const parsed = readCommand(VALIDATE_COMMAND, args, io);
  if ("exit" in parsed) return parsed.exit;
  const values = parsed.values as { format: string; catalog?: string; requests?: string; workflows?: string; codes?: boolean };
  const { positionals } = parsed;
  if (values.codes) {
    for (const [code, summary] of Object.entries(DIAGNOSTIC_CODES)) io.stdout(`${code.padEnd(36)} ${summary}`);
    return EXIT.ok;
  }
  if (values.format !== "text" && values.format !== "json") {
    io.stderr(`pao validate: --format is text or json, not '${values.format}'`);
    return EXIT.usage;
  }
  if (positionals.length > 1) {
    io.stderr(`pao validate: one directory at most, got ${positionals.length}`);
    return EXIT.usage;
  }
  const root = resolve(io.cwd, positionals[0] ?? ".");
  // The folder options stay inside the repository, as the Action's inputs do.
  const paths: { catalogDir?: string; requestsDir?: string; workflowsDir?: string } = {};
  for (const [key, option] of [["catalogDir", "catalog"], ["requestsDir", "requests"], ["workflowsDir", "workflows"]] as const) {
    const given = values[option];
    if (given === undefined) continue;
    const checked = pathInsideRepository(root, given, `--${option}`);
    if (!checked.ok) {
      io.stderr(`pao validate: ${checked.message}\n    hint: ${checked.hint}`);
      return EXIT.usage;
    }
    paths[key] = checked.path;
  }
  const report = validateRepository(root, paths);
  if (values.format === "json") {
    io.stdout(formatJson(report.diagnostics));
  } else {
    if (report.diagnostics.length > 0) io.stdout(formatText(report.diagnostics));
    io.stdout(summary(report.diagnostics, report.files));
  }
  return hasErrors(report.diagnostics) ? EXIT.invalid : EXIT.ok;
}
