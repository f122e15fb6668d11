/**
 * Issue 9, items 3 and 9: pao refuses to start, in one line and with exit code 1, when what it is told to serve or
 * where it is told to listen cannot be had — never a stack trace, in local mode and in GitHub App mode alike.
 */
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runUntilExit } from "./server.js";

let taken: Server;
let port: number;
let scratch: string;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  port = (taken.address() as { port: number }).port;
  scratch = mkdtempSync(join(tmpdir(), "pao-start-"));
});

afterAll(async () => {
  await new Promise((resolve) => taken?.close(resolve));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// Refusing takes a moment (Node loads pao first); on a busy machine more than the harness's default.
const LIMIT_MS = 45_000;

const lines = (output: string) => output.split("\n").filter((l) => l.trim() !== "");

function expectOneLine(result: { code: number | null; output: string }): string {
  expect(result.code, result.output).toBe(1);
  expect(lines(result.output), result.output).toHaveLength(1);
  expect(result.output).not.toMatch(/TypeError|\n\s+at /);
  return lines(result.output)[0]!;
}

const APP = {
  APP_ID: "1",
  PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----",
  WEBHOOK_SECRET: "a-long-enough-random-webhook-secret-0123",
  PAO_REPOSITORY: "acme/catalog",
  // Nothing listens here: the port is checked before GitHub is asked anything.
  GHE_HOST: "127.0.0.1:9",
  GHE_PROTOCOL: "http",
};

describe("a port already in use (item 9)", () => {
  it("local mode says the port is taken and how to choose another", async () => {
    const line = expectOneLine(await runUntilExit({ PORT: String(port), HOST: "127.0.0.1", PAO_POLL_INTERVAL_MS: "0" }, LIMIT_MS));
    expect(line).toContain(String(port));
    expect(line).toMatch(/in use/);
    expect(line).toContain("PORT");
  });

  it("GitHub App mode says the same", async () => {
    const line = expectOneLine(await runUntilExit({ ...APP, PORT: String(port), HOST: "127.0.0.1" }, LIMIT_MS));
    expect(line).toContain(String(port));
    expect(line).toMatch(/in use/);
    expect(line).toContain("PORT");
  });
});

describe("a repository that is not there (item 3)", () => {
  it("PAO_LOCAL_REPO naming a folder that does not exist: one line, exit 1", async () => {
    const missing = join(scratch, "does-not-exist");
    const line = expectOneLine(await runUntilExit({ PAO_LOCAL_REPO: missing }, LIMIT_MS));
    expect(line).toContain("PAO_LOCAL_REPO");
    expect(line).toContain(missing);
    expect(line).toMatch(/does not exist/);
  });

  it("PAO_LOCAL_REPO naming a file, not a folder: one line, exit 1", async () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "not a repository\n");
    const line = expectOneLine(await runUntilExit({ PAO_LOCAL_REPO: file }, LIMIT_MS));
    expect(line).toContain(file);
    expect(line).toMatch(/not a folder/);
  });
});
