/**
 * The executor workflows pao dispatches (.github/workflows/pao-http.yml, pao-terraform.yml, configure-monitoring.yml)
 * and the scripts they run (.github/pao/*.mjs). The scripts are run here as the runner runs them — `node <script>`
 * with PAO_PAYLOAD in the environment, against a real HTTP server — and the workflows are read as the catalog
 * validator reads them.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyseWorkflow, checkExecutorWorkflow } from "../../src/catalog/workflows.js";
import { REPO_ROOT } from "./harness.js";

const HTTP_CALL = join(REPO_ROOT, ".github", "pao", "http-call.mjs");
const TERRAFORM_MODULE = join(REPO_ROOT, ".github", "pao", "terraform-module.mjs");
const WORKFLOWS = join(REPO_ROOT, ".github", "workflows");
const EXECUTORS = ["pao-http.yml", "pao-terraform.yml", "configure-monitoring.yml"];

interface Ran {
  code: number | null;
  stdout: string;
  dir: string;
}

function runScript(script: string, args: string[], env: Record<string, string>): Promise<Ran> {
  const dir = mkdtempSync(join(tmpdir(), "pao-executor-"));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args.map((a) => a.replace("<dir>", dir))], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", ...env } });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, dir }));
  });
}

/** Lines the runner would take as workflow commands. */
const commands = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("::"));

describe("pao-http's script", () => {
  let origin = "";
  const seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }> = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const status = Number(/status=(\d{3})/.exec(req.url!)?.[1] ?? 201);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ id: "topic-7", echo: req.url }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const call = (payload: unknown, env: Record<string, string> = {}) => runScript(HTTP_CALL, [], { PAO_PAYLOAD: typeof payload === "string" ? payload : JSON.stringify(payload), ...env });

  it("sends the method, JSON body and token, and publishes the status and the JSON answer as outputs", async () => {
    const ran = await call({ url: `${origin}/api/topics/orders`, method: "PUT", body: { partitions: 3 } }, { PAO_TOKEN: "tok-123" });
    expect(ran.code).toBe(0);
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: "PUT", url: "/api/topics/orders", body: '{"partitions":3}' });
    expect(request.headers).toMatchObject({ authorization: "Bearer tok-123", "content-type": "application/json" });
    expect(JSON.parse(readFileSync(join(ran.dir, "outputs.json"), "utf8"))).toEqual({ http_status: 201, response: { id: "topic-7", echo: "/api/topics/orders" } });
    expect(ran.stdout).not.toContain("tok-123");
  });

  it("fails the step when the answer is not the expected status, and still publishes it", async () => {
    const wrong = await call({ url: `${origin}/x?status=200`, method: "POST", expected_status: 201 });
    expect(wrong.code).toBe(1);
    expect(commands(wrong.stdout)).toEqual([`::error::POST ${origin}/x answered 200; expected 201`]);
    expect(JSON.parse(readFileSync(join(wrong.dir, "outputs.json"), "utf8"))).toMatchObject({ http_status: 200 });
    expect((await call({ url: `${origin}/x?status=500` })).code).toBe(1);
    expect((await call({ url: `${origin}/x?status=204`, expected_status: [200, 204] })).code).toBe(0);
  });

  it("prints no payload value as a workflow command, however it is written", async () => {
    const hostile = "\n::add-mask::x\r\n::set-output name=pwned::1\n%0A::warning::y";
    const runs = [
      await call({ url: `${origin}/x?status=500`, method: "POST", headers: { "x-note": "fine" }, body: hostile }),
      await call({ url: `${origin}/x?status=500&q=${encodeURIComponent(hostile)}` }),
      await call({ url: `ftp://example.test/${hostile}` }),
      await call({ url: `${origin}/x`, method: `POST${hostile}` }),
      await call({ url: `${origin}/x`, headers: { [`x${hostile}`]: "v" } }),
      await call(`{"url": "${hostile}`),
    ];
    for (const ran of runs) {
      expect(ran.code).toBe(1);
      // One error command each, and nothing a payload smuggled in.
      expect(commands(ran.stdout), ran.stdout).toHaveLength(1);
      expect(commands(ran.stdout)[0]).toMatch(/^::error::[^\r\n]*$/);
    }
  });

  it("refuses what is not plain HTTP: other schemes, other methods, header injection", async () => {
    const file = await call({ url: "file:///etc/passwd" });
    expect(commands(file.stdout)[0]).toBe("::error::the payload's url uses file:; only http and https are sent");
    expect(existsSync(join(file.dir, "outputs.json"))).toBe(false);
    expect(commands((await call({ url: `${origin}/x`, method: "CONNECT" })).stdout)[0]).toContain("CONNECT is not one of");
    const before = seen.length;
    expect((await call({ url: `${origin}/x`, headers: { "x-a": "b\r\nx-admin: 1" } })).code).toBe(1);
    expect(seen.length).toBe(before);
  });
});

describe("pao-terraform's script", () => {
  const write = (payload: unknown) => runScript(TERRAFORM_MODULE, ["write", "<dir>"], { PAO_PAYLOAD: JSON.stringify(payload) });

  it("calls the payload's module with its variables, taken literally, never as Terraform templates", async () => {
    const ran = await write({ module_source: "./modules/namespace", variables: { name: 'orders ${file("/etc/passwd")}', tags: { "%{if true}x": ["${var.secret}"] }, replicas: 3 } });
    expect(ran.code).toBe(0);
    expect(JSON.parse(readFileSync(join(ran.dir, "main.tf.json"), "utf8"))).toEqual({
      module: { step: { source: "../modules/namespace", name: 'orders $${file("/etc/passwd")}', tags: { "%%{if true}x": ["$${var.secret}"] }, replicas: 3 } },
      output: { outputs: { value: "${module.step}", sensitive: true } },
    });
  });

  it("refuses a source outside the repository, and variables that are Terraform's meta-arguments", async () => {
    for (const [payload, message] of [
      [{ module_source: "./modules/../../etc" }, "leaves the repository"],
      [{ module_source: "/etc/terraform" }, "is neither a ./folder"],
      [{ module_source: "./m", variables: { count: 100 } }, '"count" cannot be a module variable'],
      [{ module_source: "./m", variables: { source: "git::https://evil.test/x" } }, '"source" cannot be a module variable'],
      [{ module_source: "./m", variables: { "a b": 1 } }, "cannot be a module variable"],
    ] as const) {
      const ran = await write(payload);
      expect(ran.code, message).toBe(1);
      expect(commands(ran.stdout)).toEqual([expect.stringContaining(message)]);
      expect(readdirSync(ran.dir)).toEqual([]);
    }
    expect((await write({ module_source: "git::https://github.com/acme/modules.git//bucket?ref=v1" })).code).toBe(0);
    expect((await write({ module_source: "terraform-aws-modules/s3-bucket/aws" })).code).toBe(0);
  });

  it("collects the module's outputs and the resource count for terraform_state verification", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pao-collect-"));
    writeFileSync(join(dir, "output.json"), JSON.stringify({ endpoint: "db.internal:5432", port: 5432 }));
    writeFileSync(join(dir, "state-list.txt"), "module.step.aws_db_instance.this\nmodule.step.aws_security_group.db\n");
    const ran = await runScript(TERRAFORM_MODULE, ["collect", dir], {});
    expect(ran.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "outputs.json"), "utf8"))).toEqual({ endpoint: "db.internal:5432", port: 5432, resource_count: 2 });
  });
});

describe("the executor workflows", () => {
  for (const name of EXECUTORS) {
    it(`${name} keeps the executor contract: dispatched with pao_step and pao_payload, titled by pao_step, bounded in time, outputs overwritten`, () => {
      const text = readFileSync(join(WORKFLOWS, name), "utf8");
      const { workflow, diagnostics } = analyseWorkflow(`.github/workflows/${name}`, text);
      expect(diagnostics).toEqual([]);
      expect(checkExecutorWorkflow(workflow!)).toEqual([]);
      const doc = parse(text) as { "run-name": string; jobs: Record<string, { "timeout-minutes"?: number; steps: Array<{ uses?: string; with?: Record<string, unknown>; run?: string }> }> };
      expect(doc["run-name"]).toBe("pao ${{ inputs.pao_step }}");
      for (const job of Object.values(doc.jobs)) {
        expect(job["timeout-minutes"]).toBeGreaterThan(0);
        const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
        expect(upload?.with).toMatchObject({ name: "pao-outputs", overwrite: true });
      }
    });
  }

  it("the validator warns, on the job's line, about an executor job with no timeout", () => {
    const text = readFileSync(join(WORKFLOWS, "pao-http.yml"), "utf8").replace("    timeout-minutes: 10\n", "");
    const { workflow } = analyseWorkflow(".github/workflows/pao-http.yml", text);
    const line = text.split("\n").findIndex((l) => l === "  call:") + 1;
    expect(checkExecutorWorkflow(workflow!)).toEqual([
      expect.objectContaining({ code: "workflow-no-timeout", severity: "warning", file: ".github/workflows/pao-http.yml", line, column: 3, message: expect.stringContaining("job call") }),
    ]);
  });
});
