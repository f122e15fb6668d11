// The HttpPost / HttpPut executor's work (run by .github/workflows/pao-http.yml on the default branch):
// send the request the step's rendered template describes and publish what came back as outputs.json.
//
// PAO_PAYLOAD (JSON) holds:
//   url              http:// or https:// only (curl-like tools would also read file:// and worse)
//   method           POST, PUT, PATCH or DELETE (pao sets it from the step type unless the template does)
//   headers          optional object of header names to strings
//   body             optional; an object or array is sent as JSON, a string as it is
//   expected_status  optional number or list of numbers; by default any 2xx
// PAO_TOKEN, when set and no authorization header is given, is sent as a bearer token.
//
// The payload is request text, so nothing of it is printed where the runner reads workflow commands: a value
// holding a newline and `::set-output` or `::add-mask::` must stay text. Messages are escaped as GitHub
// documents for command data, and header values (which may hold secrets) are never printed.
// Plain Node (the runner has it), no dependencies, so the same file is tested as it runs.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { commandData, readPayloadObject } from "./workflow-io.mjs";

const METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const MAX_RESPONSE_BYTES = 64 * 1024;

/** What the payload asks for, or why it cannot be sent. */
export function readPayload(text) {
  const { payload, problem } = readPayloadObject(text);
  if (problem) return { problem };
  let url;
  try {
    url = new URL(String(payload.url ?? ""));
  } catch {
    return { problem: "the payload's url is not a URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { problem: `the payload's url uses ${url.protocol}; only http and https are sent` };
  const method = String(payload.method ?? "POST").toUpperCase();
  if (!METHODS.has(method)) return { problem: `the method ${method} is not one of ${[...METHODS].join(", ")}` };
  const headers = {};
  if (payload.headers !== undefined) {
    if (payload.headers === null || typeof payload.headers !== "object" || Array.isArray(payload.headers)) return { problem: "the payload's headers are not an object" };
    for (const [name, value] of Object.entries(payload.headers)) {
      if (!/^[A-Za-z0-9-]{1,64}$/.test(name) || typeof value !== "string" || /[\r\n]/.test(value)) return { problem: `the header ${JSON.stringify(name.slice(0, 64))} is not a plain name with a one-line string value` };
      headers[name.toLowerCase()] = value;
    }
  }
  const expected = payload.expected_status === undefined ? null : [payload.expected_status].flat();
  if (expected && !expected.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) return { problem: "expected_status is not an HTTP status or a list of them" };
  let body;
  if (payload.body !== undefined && method !== "DELETE") {
    if (typeof payload.body === "string") body = payload.body;
    else {
      body = JSON.stringify(payload.body);
      headers["content-type"] ??= "application/json";
    }
  }
  return { url, method, headers, body, expected };
}

/** Sends it; the outputs to publish and, when the answer is not the expected one, why the step fails. */
export async function call(request, { token, timeoutMs = 60_000 } = {}) {
  const headers = { ...request.headers };
  if (token && !headers.authorization) headers.authorization = `Bearer ${token}`;
  const response = await fetch(request.url, { method: request.method, headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  const outputs = { http_status: response.status };
  if (text.length <= MAX_RESPONSE_BYTES && /json/i.test(response.headers.get("content-type") ?? "")) {
    try {
      outputs.response = JSON.parse(text);
    } catch {
      // Not JSON after all: the status is what the step publishes.
    }
  }
  const ok = request.expected ? request.expected.includes(response.status) : response.status >= 200 && response.status < 300;
  const where = `${request.method} ${request.url.origin}${request.url.pathname}`;
  return { outputs, failure: ok ? null : `${where} answered ${response.status}; expected ${request.expected ? request.expected.join(" or ") : "a 2xx status"}` };
}

async function main() {
  const request = readPayload(process.env.PAO_PAYLOAD ?? "");
  if (request.problem) {
    console.log(`::error::${commandData(request.problem)}`);
    return 1;
  }
  try {
    const timeoutMs = Number(process.env.PAO_HTTP_TIMEOUT_SECONDS ?? 60) * 1000;
    const { outputs, failure } = await call(request, { token: process.env.PAO_TOKEN, timeoutMs });
    writeFileSync("outputs.json", JSON.stringify(outputs));
    if (failure) {
      console.log(`::error::${commandData(failure)}`);
      return 1;
    }
    console.log(`answered ${outputs.http_status}`);
    return 0;
  } catch (error) {
    console.log(`::error::${commandData(`${request.method} ${request.url.origin}${request.url.pathname} failed: ${error?.message ?? error}`)}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
