/**
 * `pao new <name>`: writes a request file for a catalog item, a bundle, an update item or an update operation from
 * its fields, ready to fill in and open a pull request with. The text is built by `requestTemplate` (pure); the
 * command finds the definition in the repository's catalog (the same loader `pao validate` and the app use) and
 * writes the file, never over an existing one.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { resolveDefinition, resolveItem, type AnyDefinition, type Catalog } from "../catalog/model.js";
import type { Field } from "../catalog/schema.js";
import { loadRepository } from "../repo/validate-repository.js";
import { suggestion } from "../schema-diagnostics.js";
import { EXIT, readCommand, type CommandSpec } from "./usage.js";

export interface NewIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}


export const NEW_COMMAND: CommandSpec = {
  name: "new",
  synopsis: "<name> --team TEAM [options]",
  summary: "write a request file to fill in, for a catalog item, a bundle or an update",
  description: [
    "Writes requests/<TEAM>/<name>.yaml for the catalog item, bundle, update item or update operation called " +
      "<name> in the repository's catalog: every field a request may set, defaults filled in, required ones " +
      "marked '# required', help texts as comments. A bundle's file lists each item it orders with the fields " +
      "the bundle leaves to the request; an update's file has the target to update. It never overwrites a file, " +
      "and prints the path it wrote.",
    "Fill in the values, check the file with pao validate (or pao plan <file>), then open a pull request that adds it.",
  ],
  options: {
    team: { type: "string", value: "TEAM", help: "the requesting team: the file goes to requests/<TEAM>/ (required)" },
    version: { type: "string", value: "V", help: "a version or range of the definition (default: its highest release)" },
    name: { type: "string", value: "N", help: "the file's name, requests/<TEAM>/<N>.yaml (default: the definition's name)" },
    target: { type: "string", value: "REQUEST", help: "for an update: the request it updates, as its file path or request_id (default: left to fill in)" },
    dir: { type: "string", value: "DIR", help: "the catalog repository to read the catalog from and write into (default: the current directory)" },
  },
  examples: [
    "pao new redis-cache --team web-team",
    "pao new eks-container-app --team web-team --version 1.1.0 --name shop-web",
    "pao new full-stack-web-app --team product-team --name shop",
    "pao new postgres-scale-update --team data-team --target requests/data-team/orders-db.yaml",
  ],
};

/** A path segment of requests/<team>/<name>.yaml: no separators, no dot-dot, nothing a shell would read twice. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const scalar = (value: unknown): string => stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
const comment = (indent: string, text: string): string[] => text.split(/\r?\n/).map((line) => `${indent}# ${line}`.trimEnd());

type Kind = AnyDefinition["kind"];
const KEYS: Record<Kind, string> = { CatalogItem: "catalog_item", CatalogBundle: "catalog_bundle", UpdateItem: "update_item", UpdateOperation: "update_operation" };

/**
 * The request file for one version of a definition: the `$schema` line, what it orders, its version, and a
 * parameter for every field a request may set. Defaults are filled in; a required field without a default is
 * written with an empty value and `# required`; a field that applies only under a condition, and an optional field
 * without a default, are written commented out. Hidden and read-only fields are left out (read-only fields may
 * not be set by a request). Help texts (and the choices of a selection) become comments. A bundle's file lists
 * every item it orders (optional ones with their default switch) with the fields the bundle does not fix; an
 * update's file names its target.
 */
export function requestTemplate(definition: AnyDefinition, team: string, options: { catalog?: Catalog; target?: string } = {}): { text: string; required: string[] } {
  const lines = [
    "# yaml-language-server: $schema=../../schemas/request.schema.json",
    ...comment("", `${definition.name} ${definition.version}: ${definition.body.description}`),
    '# Fill in the values marked "# required", then open a pull request that adds this file.',
    `${KEYS[definition.kind]}: ${scalar(definition.name)}`,
    `version: ${scalar(definition.version)}`,
  ];
  const required: string[] = [];
  switch (definition.kind) {
    case "CatalogItem":
      lines.push(...parameterBlock("parameters", "", definition.body.presentation.fields, required));
      break;
    case "CatalogBundle": {
      lines.push(...parameterBlock("bundle_parameters", "", definition.body.presentation.bundle_fields, required));
      const { required_items, optional_items } = definition.body.bundle;
      lines.push("item_selections:");
      for (const [list, entries] of [["required_items", required_items], ["optional_items", optional_items]] as const) {
        if (entries.length === 0) {
          lines.push(`  ${list}: []`);
          continue;
        }
        lines.push(`  ${list}:`);
        for (const entry of entries) {
          lines.push(`    - catalog_item: ${scalar(entry.catalog_item)}`);
          if ("default_enabled" in entry) lines.push(`      enabled: ${entry.default_enabled}  # the bundle's default; true to order it`);
          const item = options.catalog ? resolveItem(options.catalog, entry.catalog_item, entry.version) : undefined;
          const fixed = new Set(Object.keys(entry.parameters ?? {}));
          const fields = (item?.body.presentation.fields ?? []).filter((f) => !fixed.has(f.name));
          const own: string[] = [];
          lines.push(...parameterBlock("parameters", "      ", fields, own));
          // An optional item left off needs nothing filled in.
          if (!("default_enabled" in entry) || entry.default_enabled) required.push(...own.map((name) => `${entry.catalog_item}.${name}`));
        }
      }
      break;
    }
    case "UpdateItem":
    case "UpdateOperation": {
      const targets = definition.body.targets.catalog_items.map((t) => `${t.name} ${t.version_range}`).join(", ");
      lines.push(...comment("", `The request to update (a request for ${targets}): its file path (requests/<team>/<name>.yaml) or its request_id.`));
      if (options.target !== undefined) lines.push(`target: ${scalar(options.target)}`);
      else {
        lines.push("target:  # required");
        required.push("target");
      }
      lines.push(...parameterBlock("parameters", "", definition.body.presentation.fields, required));
      break;
    }
  }
  lines.push("requester:", `  team: ${scalar(team)}`);
  return { text: lines.join("\n") + "\n", required };
}

/** `key:` and a line (with its help as comments) for each field a request may set, indented under `indent`. */
function parameterBlock(key: string, indent: string, fields: readonly Field[], required: string[]): string[] {
  const params: string[] = [];
  let active = 0;
  for (const field of fields) {
    if (field.hidden || field.readonly) continue;
    const choices = field.oneof ? `one of: ${field.oneof.join(", ")}` : undefined;
    const help = field.help_text && choices ? `${field.help_text} (${choices})` : (field.help_text ?? choices);
    if (help) params.push(...comment(`${indent}  `, help));
    params.push(indent + parameterLine(field));
    if (!field.conditional && field.default === undefined && field.required) required.push(field.name);
    if (!field.conditional && (field.default !== undefined || field.required)) active++;
  }
  if (params.length === 0) return [`${indent}${key}: {}`];
  if (active === 0) return [`${indent}${key}: {}`, ...params];
  return [`${indent}${key}:`, ...params];
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
  const parsed = readCommand(NEW_COMMAND, args, io);
  if ("exit" in parsed) return parsed.exit;
  const { positionals } = parsed;
  const values = parsed.values as { team?: string; version?: string; name?: string; target?: string; dir?: string };
  if (positionals.length !== 1) {
    io.stderr(`pao new: name one catalog item, bundle or update\n    hint: ${NEW_COMMAND.examples[0]}; pao new --help says more`);
    return EXIT.usage;
  }
  const wanted = positionals[0]!;
  if (values.team === undefined) {
    io.stderr(`pao new: --team is needed: requests are filed as requests/<team>/<name>.yaml\n    hint: pao new ${wanted} --team <your-team>`);
    return EXIT.usage;
  }
  const name = values.name ?? wanted;
  for (const [option, value] of [["--team", values.team], ["--name", name]] as const) {
    if (!SEGMENT.test(value) || value.includes("..")) {
      io.stderr(`pao new: ${option} '${value}' is not a file name; use letters, digits, '.', '_' and '-'`);
      return EXIT.usage;
    }
  }

  const root = resolve(io.cwd, values.dir ?? ".");
  const { catalog } = loadRepository(root);
  const indexes = [catalog.items, catalog.bundles, catalog.updateItems, catalog.updateOperations] as ReadonlyArray<ReadonlyMap<string, readonly AnyDefinition[]>>;
  const versions = indexes.map((index) => index.get(wanted)).find((v) => v !== undefined);
  if (!versions) {
    const names = indexes.flatMap((index) => [...index.keys()]);
    const guess = suggestion(wanted, names);
    io.stderr(`pao new: the catalog has no catalog item named '${wanted}', nor a bundle or an update`);
    io.stderr(guess ? `    hint: did you mean '${guess}'?` : `    hint: on offer: ${names.join(", ") || "nothing yet"}`);
    return EXIT.invalid;
  }
  const definition = resolveDefinition(versions, values.version);
  if (!definition) {
    io.stderr(`pao new: no version of '${wanted}' satisfies ${values.version ?? "the latest release"}`);
    io.stderr(`    hint: versions on offer: ${versions.map((v) => v.version).join(", ")}`);
    return EXIT.invalid;
  }
  if (values.target !== undefined && definition.kind !== "UpdateItem" && definition.kind !== "UpdateOperation") {
    io.stderr(`pao new: --target is for updates; '${wanted}' is a ${definition.kind === "CatalogBundle" ? "bundle" : "catalog item"}`);
    return EXIT.usage;
  }

  const path = `requests/${values.team}/${name}.yaml`;
  const { text, required } = requestTemplate(definition, values.team, { catalog, ...(values.target !== undefined ? { target: values.target } : {}) });
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
