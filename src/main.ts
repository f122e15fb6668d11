/**
 * `npm start`: reads the configuration and starts pao. Without APP_ID it runs in local mode, serving the
 * repository on disk; with it, as the GitHub App.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLocalSource } from "./repo/local-source.js";
import { createServer } from "./server.js";

const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

async function start(config: Config): Promise<void> {
  if (config.mode === "github") {
    throw new ConfigError(["GitHub App mode is not wired yet in this build; unset APP_ID to run in local mode"]);
  }
  const source = await createLocalSource({
    root: config.localRepo,
    pollInterval: config.pollInterval,
    onError: (error) => console.error(`pao: reading ${config.localRepo} failed: ${String(error)}`),
  });
  const app = createServer({
    config,
    source,
    version,
    onError: (error, req) => console.error(`pao: ${req.method} ${req.originalUrl} failed:`, error),
  });
  const server = app.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    const snapshot = source.current();
    const errors = snapshot.diagnostics.filter((d) => d.severity === "error").length;
    console.log(
      `pao ${version}: local mode (no APP_ID, webhooks off), serving ${config.localRepo} at http://${host}:${port}/api/v1` +
        (errors > 0 ? ` — the catalog has ${errors} error(s); run npx pao validate` : ""),
    );
  });
  const stop = () => {
    source.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

try {
  await start(loadConfig());
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
