/**
 * The OpenAPI 3.1 description of /api/v1, generated from the route table and the zod schemas the handlers use.
 */
import { z } from "zod";
import type { Route } from "./route.js";
import { Problem } from "./schemas.js";

let cached: Record<string, unknown> | undefined;

const toSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<string, unknown>;

function strip(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** The description of the given route table (computed once: the table never changes while pao runs). */
export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
  const errors = (codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: DESCRIPTIONS[c] ?? "Problem", content: problem }]));

  for (const route of routes) {
    const path = route.path.replace(/:([a-z_]+)/g, "{$1}");
    const params = [...route.path.matchAll(/:([a-z_]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const item: Record<string, unknown> = {};
    for (const method of ["get", "post"] as const) {
      const op = route[method];
      if (!op) continue;
      const id = operationId(method, route.path);
      if (op.gitops) {
        item[method] = {
          operationId: id,
          summary: op.summary,
          description: `Not available: pao is GitOps. ${op.gitops}`,
          parameters: params,
          responses: errors([405]),
        };
        continue;
      }
      const query = toSchema(op.query, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
      const parameters = [
        ...params,
        ...Object.entries(query.properties ?? {}).map(([name, schema]) => ({
          name,
          in: "query",
          required: (query.required ?? []).includes(name) && !("default" in schema),
          schema: strip(schema),
        })),
      ];
      item[method] = {
        operationId: id,
        summary: op.summary,
        parameters,
        ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: strip(toSchema(op.body, "input")) } } } } : {}),
        responses: {
          "200": { description: "OK", content: { "application/json": { schema: strip(toSchema(op.response, "output")) } } },
          ...(method === "get" ? { "304": { description: "Not modified: the ETag sent in If-None-Match still holds" } } : {}),
          ...errors(route.open ? [405] : [400, 401, 404, 405, 429]),
        },
        ...(route.open ? { security: [] } : {}),
      };
    }
    item["options"] = {
      operationId: operationId("options", route.path),
      summary: "The methods this resource allows",
      parameters: params,
      security: [],
      responses: {
        "204": { description: "No content; the Allow header lists the methods", headers: { Allow: { schema: { type: "string" } } } },
        ...errors([429]),
      },
    };
    paths[path] = item;
  }

  cached = {
    openapi: "3.1.0",
    info: {
      title: "pao REST API",
      version: "1.0.0",
      description:
        "Read side of the Platform Automation Orchestrator (seed 000), computed from the repository: the default branch and the pao-status branch. Writes happen by pull request and pull request comments.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/api/v1" }],
    security: [{ githubToken: [] }],
    tags: [],
    paths,
    components: {
      schemas: { Problem: strip(toSchema(Problem, "output")) },
      securitySchemes: {
        githubToken: {
          type: "http",
          scheme: "bearer",
          description: "In GitHub App mode: a GitHub token of someone who can read the catalog repository. Local mode needs none.",
        },
      },
    },
  };
  return cached;
}

const DESCRIPTIONS: Record<number, string> = {
  400: "Bad request: an unknown or invalid query parameter, or an invalid body",
  401: "No valid GitHub token (GitHub App mode)",
  404: "Not found, or the token cannot read the repository",
  405: "Method not allowed; the Allow header lists those that are",
  429: "Too many requests; see Retry-After and X-RateLimit-Reset",
};

function operationId(method: string, path: string): string {
  const words = path
    .replace(/:([a-z_]+)/g, "by-$1")
    .split(/[/_.-]/)
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}
