/** A small HTTP client for end-to-end tests: fetch, with the body read once and parsed when it is JSON. */
import { expect } from "vitest";

export interface Answer {
  status: number;
  headers: Headers;
  /** The raw body text ("" when there is none). */
  text: string;
  /** The parsed body when it is JSON (or problem+json), else undefined. */
  body: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { redirect: "manual", ...init });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  let body: unknown;
  if (/json/.test(type) && text !== "") body = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, body };
}

/** GET that must answer 200 with JSON; returns the body. */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<any> {
  const answer = await call(url, { headers });
  expect(answer.status, `${url}: ${answer.text}`).toBe(200);
  expect(answer.headers.get("content-type")).toMatch(/^application\/json\b/);
  return answer.body;
}

/** POSTs JSON (or the given raw body and content type). */
export function post(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return call(url, {
    method: "POST",
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

/** Asserts an RFC 7807 problem with every member the seed names; returns the body for further checks. */
export function expectProblem(answer: Answer, status: number, instance: string): any {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json\b/);
  const p = answer.body;
  expect(typeof p.type).toBe("string");
  expect(p.type.length).toBeGreaterThan(0);
  expect(typeof p.title).toBe("string");
  expect(p.title.length).toBeGreaterThan(0);
  expect(p.status).toBe(status);
  expect(typeof p.detail).toBe("string");
  expect(p.detail.length).toBeGreaterThan(0);
  expect(p.instance).toBe(instance);
  return p;
}

/** ISO 8601 with seconds and an explicit offset, as seed 000 section 2.3 writes datetimes. */
export const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

/** Polls until `check` passes or the time is up; the last failure is thrown. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 8000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
