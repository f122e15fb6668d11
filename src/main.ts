/**
 * `npm start`: reads the configuration and starts pao. Without APP_ID it runs in local mode, serving the
 * repository on disk; with it, as the GitHub App.
 */
import { readFileSync } from "node:fs";
import { errorCount } from "./diagnostics.js";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createNodeMiddleware, createProbot } from "probot";
import { createPaoApp } from "./app/app.js";
import { StatusWriter } from "./app/status-writer.js";
import { WorkQueue } from "./app/work-queue.js";
import { DispatchAnswers } from "./app/dispatch-answers.js";
import { Timers } from "./app/timers.js";
import { createTokenAuthorizer } from "./github/api-auth.js";
import { createGitHubGateway } from "./github/gateway.js";
import { paoOctokit } from "./github/probot-octokit.js";
import { createGitHubSource, type GitHubSource } from "./repo/github-source.js";
import { createLocalSource } from "./repo/local-source.js";
import { diagnosticsLogger } from "./repo/log-diagnostics.js";
import type { SnapshotSource } from "./repo/snapshot.js";
import { createServer } from "./server.js";

const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

async function start(config: Config): Promise<void> {
  // The port is taken first: a port in use is said at once, before any repository is read or GitHub is asked.
  const server = createHttpServer();
  await listen(server, config);
  const starting = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(503, { "content-type": "application/problem+json", "retry-after": "1" });
    res.end(JSON.stringify({ type: "urn:pao:problem:unavailable", title: "Service unavailable", status: 503, detail: "pao is starting; try again in a moment", instance: "" }));
  };
  server.on("request", starting);
  const running = config.mode === "github" ? await githubMode(config) : await localMode(config);
  server.off("request", starting);
  server.on("request", running.app);
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  console.log("pao %s: %s at http://%s:%d/api/v1%s", version, running.describe, host, port, running.warning());
  const stop = () => {
    running.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** Listens, or says in one line why it cannot and how to choose otherwise. */
function listen(server: HttpServer, config: Config): Promise<void> {
  return new Promise((resolve) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const where = `${config.host}:${config.port}`;
      const reasons: Record<string, string> = {
        EADDRINUSE: `port ${config.port} is already in use on ${config.host}; stop what uses it or choose another port with PORT (PORT=0 picks a free one)`,
        EACCES: `port ${config.port} needs privileges this user does not have; choose a port above 1023 with PORT`,
        EADDRNOTAVAIL: `${config.host} is not an address of this machine; set HOST to one that is (127.0.0.1, or 0.0.0.0 for all)`,
        ENOTFOUND: `HOST=${config.host} is not a host name this machine can resolve; set HOST to an address such as 127.0.0.1`,
      };
      console.error("pao cannot start: %s", reasons[error.code ?? ""] ?? `cannot listen on ${where}: ${error.message}; check HOST and PORT`);
      process.exit(1);
    };
    server.once("error", fail);
    server.listen(config.port, config.host, () => {
      server.off("error", fail);
      resolve();
    });
  });
}

interface Running {
  app: ReturnType<typeof createServer>;
  describe: string;
  warning(): string;
  close(): void;
}

// The method and URL are the caller's text: passed as arguments, never as the format string.
const onError = (error: unknown, req: { method: string; originalUrl: string }) => console.error("pao: %s %s failed:", req.method, req.originalUrl.slice(0, 2000), error);

function catalogWarning(source: SnapshotSource): string {
  const errors = errorCount(source.current().diagnostics);
  return errors > 0 ? ` — the catalog has ${errors} error(s); run npx pao validate` : "";
}

async function localMode(config: Config): Promise<Running> {
  const source = await createLocalSource({
    root: config.localRepo,
    pollInterval: config.pollInterval,
    onError: (error) => console.error("pao: reading %s failed: %s", config.localRepo, String(error)),
    onSnapshot: diagnosticsLogger((line) => console.error("%s", line)),
  });
  return {
    app: createServer({ config, source, version, onError }),
    describe: `local mode (no APP_ID, webhooks off), serving ${config.localRepo}`,
    warning: () => catalogWarning(source),
    close: () => source.close(),
  };
}

async function githubMode(config: Config): Promise<Running> {
  const gh = config.github!;
  // Probot reads no environment of its own here: config.ts has read and checked it, and overrides say it all.
  const probot = createProbot({
    env: {},
    overrides: {
      Octokit: paoOctokit({ writeIntervalMs: config.writeIntervalMs }),
      appId: gh.appId,
      privateKey: gh.privateKey,
      secret: gh.webhookSecret,
      webhookPath: gh.webhookPath,
      logLevel: config.logLevel as "info",
      ...(gh.baseUrl ? { baseUrl: gh.baseUrl } : {}),
    },
  });
  const appOctokit = await probot.auth();
  const { data: installation } = await appOctokit.request("GET /repos/{owner}/{repo}/installation", { owner: gh.owner, repo: gh.repo });
  const octokit = await probot.auth(installation.id);
  const { data: self } = await appOctokit.request("GET /app");
  const gateway = createGitHubGateway(octokit, gh.owner, gh.repo, { appId: self?.id, dispatchTimeoutMs: config.dispatchTimeoutSeconds * 1000 });
  // The writer reports its commits to the source, which applies them without reading the branch back.
  let source: GitHubSource | undefined;
  const writer = new StatusWriter(gateway, () => source!.current().catalog.config.status_branch, { onCommitted: (commit) => source!.applyOwnCommit(commit) });
  source = await createGitHubSource(gateway, { onSnapshot: diagnosticsLogger((line) => console.error("%s", line)), ownWriteSettled: () => writer.settled() });
  const queue = new WorkQueue((key, error) => probot.log.error({ err: error, key }, "pao: queued work failed"));
  const timers = new Timers();
  const pao = createPaoApp({
    owner: gh.owner,
    repo: gh.repo,
    source,
    gateway,
    queue,
    writer,
    botLogin: `${self?.slug ?? "pao"}[bot]`,
    now: () => new Date(),
    log: probot.log,
    answers: new DispatchAnswers(),
    timers,
    dispatchGraceMs: config.dispatchGraceSeconds * 1000,
  });
  // Recovery: every request not ended gets a pass at start and now and then, so a lost webhook, a run that never
  // started or a crash between an intent and its dispatch is settled, and the timers are rebuilt from the records.
  pao.reconcile();
  const reconciling = setInterval(() => pao.reconcile(), config.reconcileIntervalSeconds * 1000);
  reconciling.unref();
  const webhooks = await createNodeMiddleware(pao.app, {
    probot,
    webhooksPath: gh.webhookPath,
  });
  const authorize = createTokenAuthorizer({ owner: gh.owner, repo: gh.repo, ...(gh.baseUrl ? { baseUrl: gh.baseUrl } : {}) });
  return {
    app: createServer({ config, source, version, authorize, webhooks: (req, res, next) => void webhooks(req, res, next), onError }),
    describe: `GitHub App mode for ${gh.owner}/${gh.repo} (webhooks at ${gh.webhookPath}), serving`,
    warning: () => catalogWarning(source),
    close: () => {
      clearInterval(reconciling);
      timers.clear();
      void queue.idle();
    },
  };
}

try {
  await start(loadConfig());
} catch (error) {
  if (error instanceof ConfigError) {
    console.error("%s", error.message);
    process.exit(1);
  }
  throw error;
}
