/**
 * GitHub's published OpenAPI description (@octokit/openapi), used by the simulator as the judge of every call:
 * which operation a method and path are, whether required parameters are there, whether a request body is one
 * GitHub would accept, and whether the simulator's own answers have the shapes GitHub documents.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: Json;
  "x-multi-segment"?: boolean;
}

export interface Operation {
  operationId: string;
  method: string;
  template: string;
  parameters: Parameter[];
  requestSchema?: Json;
  responses: Record<string, { schema?: Json; example?: unknown }>;
}

export interface Match {
  operation: Operation;
  params: Record<string, string>;
}

interface Compiled {
  regex: RegExp;
  names: string[];
  literals: number;
  operation: Operation;
}

const SPEC_ID = "https://github-openapi.local/spec";

export class GitHubDescription {
  private readonly byMethod = new Map<string, Compiled[]>();
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly operations = new Map<string, Operation>();
  /** Webhook payload schemas by `event-action` (`pull-request-opened`, `push`). */
  private readonly webhookSchemas = new Map<string, Json>();

  constructor(spec: Json) {
    const components = spec["components"] as { parameters: Record<string, Parameter>; schemas: Json; responses: Record<string, Json>; examples: Record<string, Json> };
    const examples = components.examples;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
    addFormats.default(this.ajv);
    // Refs in the description point into its own components; give them a home ajv can resolve.
    this.ajv.addSchema({ $id: SPEC_ID, components: { schemas: openApi30ToJsonSchema(components.schemas) } });

    for (const [name, hook] of Object.entries((spec["x-webhooks"] as Record<string, Json> | undefined) ?? {})) {
      const schema = (((hook["post"] as Json)["requestBody"] as Json)["content"] as Record<string, { schema?: Json }>)["application/json"]?.schema;
      if (schema) this.webhookSchemas.set(name, schema);
    }

    for (const [template, item] of Object.entries(spec["paths"] as Record<string, Json>)) {
      for (const [method, raw] of Object.entries(item)) {
        if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
        const op = raw as Json;
        const parameters = ((op["parameters"] as Json[] | undefined) ?? []).map((p) => resolveParameter(p, components.parameters));
        const body = (op["requestBody"] as Json | undefined)?.["content"] as Record<string, { schema?: Json }> | undefined;
        const responses: Record<string, { schema?: Json; example?: unknown }> = {};
        for (const [status, r] of Object.entries((op["responses"] as Record<string, Json>) ?? {})) {
          const response = r["$ref"] ? components.responses[String(r["$ref"]).split("/").pop()!]! : r;
          const content = response["content"] as Record<string, { schema?: Json; examples?: Record<string, Json> }> | undefined;
          const json = content?.["application/json"];
          const example = Object.values(json?.examples ?? {})[0];
          const resolved = example?.["$ref"] ? examples[String(example["$ref"]).split("/").pop()!] : example;
          let value = (resolved as Json | undefined)?.["value"] as Json | undefined;
          // Some examples' values are themselves references to another example.
          if (value && typeof value["$ref"] === "string") value = examples[String(value["$ref"]).split("/").pop()!]?.["value"] as Json | undefined;
          responses[status] = { schema: json?.schema, example: value };
        }
        const operation: Operation = {
          operationId: String(op["operationId"]),
          method: method.toUpperCase(),
          template,
          parameters,
          requestSchema: body?.["application/json"]?.schema,
          responses,
        };
        this.operations.set(operation.operationId, operation);
        const list = this.byMethod.get(operation.method) ?? [];
        list.push(compile(template, operation));
        this.byMethod.set(operation.method, list);
      }
    }
    // The most literal template wins: /repos/{o}/{r}/git/refs/{ref} before /repos/{o}/{r}/{anything}.
    for (const list of this.byMethod.values()) list.sort((a, b) => b.literals - a.literals);
  }

  static load(): GitHubDescription {
    const path = require.resolve("@octokit/openapi/generated/api.github.com.json");
    return new GitHubDescription(JSON.parse(readFileSync(path, "utf8")) as Json);
  }

  match(method: string, path: string): Match | null {
    for (const c of this.byMethod.get(method.toUpperCase()) ?? []) {
      const m = c.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { operation: c.operation, params };
    }
    return null;
  }

  /** A deep copy of the documented example answer, the base the simulator builds GitHub-shaped answers on. */
  example(operationId: string, status = 200): Json {
    const op = this.operations.get(operationId);
    const example = op?.responses[String(status)]?.example;
    if (example === undefined) throw new Error(`the description has no example ${status} answer for ${operationId}`);
    return structuredClone(example) as Json;
  }

  /** What is wrong with a request by the description: missing required query parameters, a body it rejects. */
  checkRequest(operation: Operation, query: URLSearchParams, body: unknown): string[] {
    const problems: string[] = [];
    for (const p of operation.parameters) {
      if (p.in === "query" && p.required && !query.has(p.name)) problems.push(`missing required query parameter '${p.name}'`);
    }
    if (operation.requestSchema) {
      const validate = this.validator(`req:${operation.operationId}`, operation.requestSchema);
      if (body === undefined && !["DELETE"].includes(operation.method)) {
        if (hasRequired(operation.requestSchema)) problems.push("the request has no body but the operation requires one");
      } else if (body !== undefined && !validate(body)) {
        problems.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`));
      }
    } else if (body !== undefined && operation.method === "GET") {
      problems.push("a GET request with a body");
    }
    return problems;
  }

  /** What is wrong with an answer of the simulator by the description: an undocumented status, a wrong shape. */
  checkResponse(operation: Operation, status: number, body: unknown): string[] {
    const documented = operation.responses[String(status)];
    if (!documented) {
      // Errors like 401, 403, 404, 422 and 5xx are answered by any endpoint on GitHub, documented or not.
      if (status >= 400) return [];
      return [`status ${status} is not documented for ${operation.operationId} (documented: ${Object.keys(operation.responses).join(", ")})`];
    }
    if (!documented.schema || body === undefined) return [];
    const validate = this.validator(`res:${operation.operationId}:${status}`, documented.schema);
    return validate(body) ? [] : (validate.errors ?? []).slice(0, 5).map((e) => `response${e.instancePath} ${e.message}`);
  }

  /** What is wrong with a webhook payload by GitHub's webhook schemas (none known for the event: nothing). */
  checkWebhook(event: string, payload: Json): string[] {
    const kebab = event.replace(/_/g, "-");
    const action = typeof payload["action"] === "string" ? String(payload["action"]).replace(/_/g, "-") : undefined;
    const key = action && this.webhookSchemas.has(`${kebab}-${action}`) ? `${kebab}-${action}` : kebab;
    const schema = this.webhookSchemas.get(key);
    if (!schema) return [];
    const validate = this.validator(`hook:${key}`, schema);
    return validate(payload) ? [] : (validate.errors ?? []).slice(0, 5).map((e) => `payload${e.instancePath} ${e.message}`);
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile(rebase(openApi30ToJsonSchema(schema)) as Json);
      this.validators.set(key, v);
    }
    return v;
  }
}

function resolveParameter(p: Json, shared: Record<string, Parameter>): Parameter {
  return p["$ref"] ? shared[String(p["$ref"]).split("/").pop()!]! : (p as unknown as Parameter);
}

function compile(template: string, operation: Operation): Compiled {
  const names: string[] = [];
  let literals = 0;
  const multi = new Set(operation.parameters.filter((p) => p["x-multi-segment"]).map((p) => p.name));
  const pattern = template
    .split("/")
    .map((segment) =>
      segment.replace(/\{([^}]+)\}|([^{]+)/g, (_all, name: string | undefined, literal: string | undefined) => {
        if (name) {
          names.push(name);
          return multi.has(name) ? "(.+)" : "([^/]+)";
        }
        literals++;
        return literal!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }),
    )
    .join("/");
  return { regex: new RegExp(`^${pattern}$`), names, literals, operation };
}

function hasRequired(schema: Json): boolean {
  return Array.isArray(schema["required"]) && (schema["required"] as unknown[]).length > 0;
}

/** OpenAPI 3.0's `nullable: true` is JSON Schema's `type: [T, "null"]` (or anyOf with null). */
export function openApi30ToJsonSchema<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n) => openApi30ToJsonSchema(n)) as T;
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = k === "example" || k === "examples" ? v : openApi30ToJsonSchema(v);
  if (out["nullable"] === true) {
    delete out["nullable"];
    if (typeof out["type"] === "string") out["type"] = [out["type"], "null"];
    else if (Array.isArray(out["enum"])) out["enum"] = [...(out["enum"] as unknown[]), null];
    else if (out["$ref"] || out["allOf"] || out["oneOf"] || out["anyOf"]) return { anyOf: [out, { type: "null" }] } as T;
    if (Array.isArray(out["enum"]) && !(out["enum"] as unknown[]).includes(null)) out["enum"] = [...(out["enum"] as unknown[]), null];
  }
  return out as T;
}

/** Points `#/components/...` refs at the shared document registered with ajv. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${SPEC_ID}${v}` : rebase(v);
  }
  return out;
}
