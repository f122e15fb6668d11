/**
 * `pao new <catalog-item>`: writes a request file for a catalog item from its fields, ready to fill in and open a
 * pull request with. The text is built by `requestTemplate` (pure); the command finds the item in the repository's
 * catalog (the same loader `pao validate` and the app use) and writes the file, never over an existing one.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { resolveDefinition, type CatalogItemDefinition } from "../catalog/model.js";
import type { Field } from "../catalog/schema.js";
import { loadRepository } from "../repo/validate-repository.js";
import { suggestion } from "../schema-diagnostics.js";

export interface NewIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

export const NEW_USAGE = "usage: pao new <catalog-item> --team <team> [--version V] [--name N] [--dir repo]";

/** A path segment of requests/<team>/<name>.yaml: no separators, no dot-dot, nothing a shell would read twice. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const scalar = (value: unknown): string => stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
const comment = (indent: string, text: string): string[] => text.split(/\r?\n/).map((line) => `${indent}# ${line}`.trimEnd());

/**
 * The request file for one version of a catalog item: the `$schema` line, `catalog_item`, `version`, and a
 * parameter for every field a request may set. Defaults are filled in; a required field without a default is
 * written with an empty value and `# required`; a field that applies only under a condition, and an optional field
 * without a default, are written commented out. Hidden and read-only fields are left out (read-only fields may
 * not be set by a request). Help texts (and the choices of a selection) become comments.
 */
export function requestTemplate(item: CatalogItemDefinition, team: string): { text: string; required: string[] } {
  const lines = [
    "# yaml-language-server: $schema=../../schemas/request.schema.json",
    ...comment("", `${item.name} ${item.version}: ${item.body.description}`),
    '# Fill in the values marked "# required", then open a pull request that adds this file.',
    `catalog_item: ${scalar(item.name)}`,
    `version: ${scalar(item.version)}`,
  ];
  const params: string[] = [];
  const required: string[] = [];
  let active = 0;
  for (const field of item.body.presentation.fields) {
    if (field.hidden || field.readonly) continue;
    const choices = field.oneof ? `one of: ${field.oneof.join(", ")}` : undefined;
    const help = field.help_text && choices ? `${field.help_text} (${choices})` : (field.help_text ?? choices);
    if (help) params.push(...comment("  ", help));
    params.push(parameterLine(field));
    if (!field.conditional && field.default === undefined && field.required) required.push(field.name);
    if (!field.conditional && (field.default !== undefined || field.required)) active++;
  }
  if (params.length === 0) lines.push("parameters: {}");
  else if (active === 0) lines.push("parameters: {}", ...params);
  else lines.push("parameters:", ...params);
  lines.push("requester:", `  team: ${scalar(team)}`);
  return { text: lines.join("\n") + "\n", required };
}

function parameterLine(field: Field): string {
  const value = field.default === undefined ? "" : ` ${scalar(field.default)}`;
  if (field.conditional) {
    const when = `when ${field.conditional.field} is ${scalar(field.conditional.value)}`;
    return `  # ${field.name}:${value}  # ${field.required ? `required ${when}` : `applies ${when}`}`;
  }
  if (field.default !== undefined) return `  ${field.name}:${value}`;
  if (field.required) return `  ${field.name}:  # required`;
  return `  # ${field.name}:  # optional`;
}

export function runNew(args: readonly string[], io: NewIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { version: { type: "string" }, team: { type: "string" }, name: { type: "string" }, dir: { type: "string" } },
    });
  } catch (e) {
    io.stderr(`pao new: ${(e as Error).message}\n\n${NEW_USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr(`pao new: name one catalog item\n\n${NEW_USAGE}`);
    return EXIT.usage;
  }
  const itemName = positionals[0]!;
  if (values.team === undefined) {
    io.stderr(`pao new: --team is needed: requests are filed as requests/<team>/<name>.yaml\n\n${NEW_USAGE}`);
    return EXIT.usage;
  }
  const name = values.name ?? itemName;
  for (const [option, value] of [["--team", values.team], ["--name", name]] as const) {
    if (!SEGMENT.test(value) || value.includes("..")) {
      io.stderr(`pao new: ${option} '${value}' is not a file name; use letters, digits, '.', '_' and '-'`);
      return EXIT.usage;
    }
  }

  const root = resolve(io.cwd, values.dir ?? ".");
  const { catalog } = loadRepository(root);
  const versions = catalog.items.get(itemName);
  if (!versions) {
    const otherKind = catalog.bundles.has(itemName) ? "a bundle" : catalog.updateItems.has(itemName) ? "an update item" : catalog.updateOperations.has(itemName) ? "an update operation" : undefined;
    if (otherKind) {
      io.stderr(`pao new: '${itemName}' is ${otherKind}; pao new writes requests for catalog items`);
      return EXIT.invalid;
    }
    const guess = suggestion(itemName, [...catalog.items.keys()]);
    io.stderr(`pao new: the catalog has no catalog item named '${itemName}'`);
    io.stderr(guess ? `    hint: did you mean '${guess}'?` : `    hint: on offer: ${[...catalog.items.keys()].join(", ") || "nothing yet"}`);
    return EXIT.invalid;
  }
  const item = resolveDefinition(versions, values.version);
  if (!item) {
    io.stderr(`pao new: no version of '${itemName}' satisfies ${values.version ?? "the latest release"}`);
    io.stderr(`    hint: versions on offer: ${versions.map((v) => v.version).join(", ")}`);
    return EXIT.invalid;
  }

  const path = `requests/${values.team}/${name}.yaml`;
  const { text, required } = requestTemplate(item, values.team);
  const abs = join(root, path);
  mkdirSync(dirname(abs), { recursive: true });
  try {
    writeFileSync(abs, text, { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      io.stderr(`pao new: ${path} exists already; choose another --name, or edit that file`);
      return EXIT.invalid;
    }
    throw e;
  }
  io.stdout(path);
  if (required.length > 0) io.stderr(`fill in: ${required.join(", ")}`);
  return EXIT.ok;
}
