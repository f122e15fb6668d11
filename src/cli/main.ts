/**
 * The `pao` command line. Each subcommand unpacks its arguments, calls the same core the app uses, and maps the
 * result to output and an exit code: 0 when all is well, 1 when the input has errors, 2 when the command was
 * used wrongly.
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { DIAGNOSTIC_CODES } from "../diagnostic-codes.js";
import { hasErrors } from "../diagnostics.js";
import { validateRepository } from "../repo/validate-repository.js";
import { formatJson, formatText, summary } from "./format.js";
import { runNew } from "./new.js";
import { runPlan } from "./plan.js";

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

const USAGE = `usage: pao <command> [options]

commands:
  validate [dir] [--format text|json]   check the catalog, its executor workflows and the requests in dir
                                        (default: the current directory); exit 1 on any error
  validate --codes                      list every diagnostic code with what it means
  new <catalog-item> --team T           write requests/<T>/<name>.yaml for the item: defaults filled in,
      [--version V] [--name N]          required fields marked (default: the highest release, named
      [--dir repo]                      after the item); never overwrites a file
  plan <request-file> [--dir repo]      validate a request file against the catalog in repo (default: the
      [--format text|json]              current directory) and print the steps it would run, each with
                                        its executor workflow and rendered payload; exit 1 if invalid
  help                                  show this text`;

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
    case "-h":
      io.stdout(USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      io.stderr(`pao: unknown command '${command}'\n\n${USAGE}`);
      return EXIT.usage;
  }
}

function validate(args: readonly string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: "string", default: "text" },
        catalog: { type: "string" },
        requests: { type: "string" },
        workflows: { type: "string" },
        codes: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    io.stderr(`pao validate: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
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
  const report = validateRepository(root, {
    ...(values.catalog ? { catalogDir: values.catalog } : {}),
    ...(values.requests ? { requestsDir: values.requests } : {}),
    ...(values.workflows ? { workflowsDir: values.workflows } : {}),
  });
  if (values.format === "json") {
    io.stdout(formatJson(report.diagnostics));
  } else {
    if (report.diagnostics.length > 0) io.stdout(formatText(report.diagnostics));
    io.stdout(summary(report.diagnostics, report.files));
  }
  return hasErrors(report.diagnostics) ? EXIT.invalid : EXIT.ok;
}
