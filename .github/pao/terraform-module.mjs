// The TerraformFile executor's work (run by .github/workflows/pao-terraform.yml on the default branch), in two parts:
//
//   node terraform-module.mjs write <dir>     writes <dir>/main.tf.json calling the payload's module
//   node terraform-module.mjs collect <dir>   turns `terraform output -json` and the state into <dir>/outputs.json
//
// PAO_PAYLOAD (JSON) holds `module_source` and `variables`. The source is a folder of this repository (`./...`,
// never above it) or a Terraform registry, git:: or https:// source. Variables are request text, so:
//   - names must be plain identifiers and not Terraform's meta-arguments (source, count, providers, ...), which
//     would let a value change what the module call does;
//   - every string is written with `${` and `%{` escaped, since Terraform's JSON syntax evaluates them as
//     templates (`${file("/etc/passwd")}` stays that text).
// Plain Node (the runner has it), no dependencies, so the same file is tested as it runs.
import { readFileSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { pathToFileURL } from "node:url";
import { commandData, readPayloadObject } from "./workflow-io.mjs";

const META_ARGUMENTS = new Set(["source", "version", "count", "for_each", "providers", "depends_on", "lifecycle", "provider"]);
const REMOTE_SOURCE = /^(?:git::https:\/\/[^\s"]+|https:\/\/[^\s"]+|[a-z0-9][a-z0-9-]{0,63}\/[a-z0-9][a-z0-9_-]{0,63}\/[a-z0-9]{1,64}(?:\/\/[A-Za-z0-9_./-]+)?)$/;

/** A value as Terraform's JSON syntax must see it to take it literally. */
export function literal(value) {
  if (typeof value === "string") return value.replace(/\$\{/g, "$$${").replace(/%\{/g, "%%{");
  if (Array.isArray(value)) return value.map(literal);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [literal(k), literal(v)]));
  return value;
}

/** The module source as Terraform is given it, relative to <dir> (one level below the repository root), or why not. */
export function moduleSource(source) {
  if (typeof source !== "string" || source.length === 0) return { problem: "the payload has no module_source" };
  if (source.startsWith("./")) {
    const normal = posix.normalize(source);
    if (normal.startsWith("../") || normal === ".." || posix.isAbsolute(normal) || source.includes("\\")) return { problem: `module_source ${JSON.stringify(source)} leaves the repository` };
    return { source: `../${normal}` };
  }
  if (REMOTE_SOURCE.test(source)) return { source };
  return { problem: `module_source ${JSON.stringify(source.slice(0, 200))} is neither a ./folder of this repository nor a registry, git:: or https:// source` };
}

/** main.tf.json for the payload, or why it cannot be written. */
export function moduleCall(payloadText) {
  const { payload, problem } = readPayloadObject(payloadText);
  if (problem) return { problem };
  const source = moduleSource(payload.module_source);
  if (source.problem) return source;
  const variables = payload.variables ?? {};
  if (variables === null || typeof variables !== "object" || Array.isArray(variables)) return { problem: "the payload's variables are not an object" };
  for (const name of Object.keys(variables)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name) || META_ARGUMENTS.has(name)) return { problem: `${JSON.stringify(name.slice(0, 64))} cannot be a module variable` };
  }
  return {
    config: {
      module: { step: { source: source.source, ...literal(variables) } },
      // Marked sensitive so plan and apply never print it; `terraform output -json` gives the values to collect.
      output: { outputs: { value: "${module.step}", sensitive: true } },
    },
  };
}

/** outputs.json: the module's outputs, and how many resources the state holds (for terraform_state verification). */
export function collectOutputs(outputJson, stateList) {
  const outputs = outputJson.trim() === "" ? {} : JSON.parse(outputJson);
  const flat = outputs !== null && typeof outputs === "object" && !Array.isArray(outputs) ? outputs : {};
  return { ...flat, resource_count: stateList.split("\n").filter((line) => line.trim() !== "").length };
}

function main([command, dir]) {
  if (command === "write") {
    const call = moduleCall(process.env.PAO_PAYLOAD ?? "");
    if (call.problem) {
      console.log(`::error::${commandData(call.problem)}`);
      return 1;
    }
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(call.config, null, 2));
    return 0;
  }
  if (command === "collect") {
    const outputs = collectOutputs(readFileSync(join(dir, "output.json"), "utf8"), readFileSync(join(dir, "state-list.txt"), "utf8"));
    writeFileSync(join(dir, "outputs.json"), JSON.stringify(outputs));
    return 0;
  }
  console.log("usage: terraform-module.mjs write|collect <dir>");
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
