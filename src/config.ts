/**
 * The only reader of process.env. Everything configurable is read, checked and defaulted here, once, so the rest
 * of pao takes a typed Config and a mistake in the environment is reported at start-up, all at once.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { isTimeZone, systemTimeZone } from "./time.js";

export interface RateLimitConfig {
  /** Requests each caller may make per window. */
  limit: number;
  windowSeconds: number;
}

export interface GitHubConfig {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  owner: string;
  repo: string;
  webhookPath: string;
  /** Set for GitHub Enterprise Server (and the simulator): `GHE_PROTOCOL://GHE_HOST/api/v3`. */
  baseUrl?: string;
}

export interface Config {
  mode: "local" | "github";
  port: number;
  host: string;
  timeZone: string;
  localRepo: string;
  /** How often local mode looks for changed files, in milliseconds (0: never; refresh by POST only). */
  pollInterval: number;
  rateLimit: RateLimitConfig;
  /** How many reverse proxies in front of pao may set X-Forwarded-For (0: trust none). */
  trustProxyHops: number;
  bodyLimitBytes: number;
  logLevel: string;
  /** How long a dispatched attempt may go without a run before it fails as `dispatch_lost`. */
  dispatchGraceSeconds: number;
  /** How long pao waits for GitHub to answer a dispatch before it looks the run up by its title instead. */
  dispatchTimeoutSeconds: number;
  /** How often the app makes a pass over every request not ended (and once at start). */
  reconcileIntervalSeconds: number;
  /**
   * The least time between two writes to GitHub, in milliseconds (writes that notify people, such as comments and
   * merges: three times it). GitHub asks integrations to wait a second between content-creating requests (its
   * secondary limits); only a server without those limits (GitHub Enterprise Server with rate limiting off, or the
   * test simulator) should go lower.
   */
  writeIntervalMs: number;
  /** Browser origins allowed to call the API (CORS); empty: none, `*`: any. */
  corsOrigins: string[];
  github?: GitHubConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One problem is one line; several are listed, each on its own line.
    super(problems.length === 1 ? `pao cannot start: ${problems[0]}` : `pao cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const WEAK_SECRETS = new Set(["development", "secret", "changeme", "test"]);
const MIN_SECRET_LENGTH = 20;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw} is not a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };

  const timeZone = env["PAO_TIMEZONE"] || systemTimeZone();
  if (!isTimeZone(timeZone)) problems.push(`PAO_TIMEZONE=${timeZone} is not a time zone name such as America/Chicago`);

  const mode = env["APP_ID"] ? "github" : "local";
  const config: Config = {
    mode,
    port: int("PORT", 3000, 0, 65535),
    // Local mode serves a working tree without authentication, so it listens on loopback unless told otherwise.
    host: env["HOST"] || (mode === "local" ? "127.0.0.1" : "0.0.0.0"),
    timeZone,
    localRepo: resolve(cwd, env["PAO_LOCAL_REPO"] || "."),
    pollInterval: int("PAO_POLL_INTERVAL_MS", 2000, 0, 3_600_000),
    rateLimit: {
      limit: int("PAO_RATE_LIMIT", 600, 1, 1_000_000),
      windowSeconds: int("PAO_RATE_LIMIT_WINDOW_SECONDS", 60, 1, 86_400),
    },
    trustProxyHops: int("PAO_TRUST_PROXY_HOPS", 0, 0, 10),
    bodyLimitBytes: int("PAO_BODY_LIMIT_BYTES", 256 * 1024, 1024, 10 * 1024 * 1024),
    logLevel: env["LOG_LEVEL"] || "info",
    dispatchGraceSeconds: int("PAO_DISPATCH_GRACE_SECONDS", 600, 1, 86_400),
    dispatchTimeoutSeconds: int("PAO_DISPATCH_TIMEOUT_SECONDS", 30, 1, 600),
    reconcileIntervalSeconds: int("PAO_RECONCILE_INTERVAL_SECONDS", 300, 1, 86_400),
    writeIntervalMs: int("PAO_WRITE_INTERVAL_MS", 1000, 0, 60_000),
    corsOrigins: readCorsOrigins(env["PAO_CORS_ORIGINS"], problems),
  };

  if (mode === "local") {
    // Serving a folder that is not there would look like an empty, healthy catalog: refuse instead.
    const given = env["PAO_LOCAL_REPO"] ? `PAO_LOCAL_REPO=${env["PAO_LOCAL_REPO"]}` : "the current directory";
    const stat = statOrNull(config.localRepo);
    if (!stat) problems.push(`${given}: the folder ${config.localRepo} does not exist; set PAO_LOCAL_REPO to the catalog repository's folder`);
    else if (!stat.isDirectory()) problems.push(`${given}: ${config.localRepo} is not a folder; set PAO_LOCAL_REPO to the catalog repository's folder`);
  }

  if (mode === "github") {
    const github = readGitHub(env, cwd, problems);
    if (github) config.github = github;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** `https://portal.example.com, http://localhost:5173`: origins as browsers send them (scheme, host, port). */
function readCorsOrigins(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || raw.trim() === "") return [];
  const origins: string[] = [];
  for (const entry of raw.split(",").map((o) => o.trim()).filter(Boolean)) {
    if (entry === "*") {
      origins.push(entry);
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "") {
      const shown = entry.length > 100 ? `${entry.slice(0, 100)}…` : entry;
      problems.push(`PAO_CORS_ORIGINS: '${shown}' is not an origin; write scheme://host[:port] with no path, e.g. https://portal.example.com (or * for any)`);
      continue;
    }
    origins.push(url.origin);
  }
  return origins;
}

function readGitHub(env: Env, cwd: string, problems: string[]): GitHubConfig | undefined {
  let privateKey = env["PRIVATE_KEY"]?.replace(/\\n/g, "\n");
  if (!privateKey && env["PRIVATE_KEY_PATH"]) {
    try {
      privateKey = readFileSync(resolve(cwd, env["PRIVATE_KEY_PATH"]), "utf8");
    } catch {
      problems.push(`PRIVATE_KEY_PATH=${env["PRIVATE_KEY_PATH"]} cannot be read`);
    }
  }
  if (!privateKey && !env["PRIVATE_KEY_PATH"]) problems.push("APP_ID is set, so PRIVATE_KEY or PRIVATE_KEY_PATH is needed (the GitHub App's private key)");

  // The secret is what tells a real webhook from a forged one; a guessable one is as good as none.
  const secret = env["WEBHOOK_SECRET"] ?? "";
  if (secret === "") problems.push("WEBHOOK_SECRET is required in GitHub App mode");
  else if (WEAK_SECRETS.has(secret.toLowerCase()) || secret.length < MIN_SECRET_LENGTH) {
    problems.push(`WEBHOOK_SECRET is too weak: use at least ${MIN_SECRET_LENGTH} random characters (e.g. openssl rand -hex 32)`);
  }

  const repository = env["PAO_REPOSITORY"] ?? "";
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(repository);
  if (!match) problems.push(`PAO_REPOSITORY must name the catalog repository as owner/name${repository ? `, not '${repository}'` : ""}`);

  const host = env["GHE_HOST"];
  const protocol = env["GHE_PROTOCOL"] || "https";
  if (protocol !== "https" && protocol !== "http") problems.push(`GHE_PROTOCOL must be https or http, not '${protocol}'`);

  if (!privateKey || !match || problems.length > 0) return undefined;
  return {
    appId: env["APP_ID"]!,
    privateKey,
    webhookSecret: secret,
    owner: match[1]!,
    repo: match[2]!,
    webhookPath: env["WEBHOOK_PATH"] || "/api/github/webhooks",
    ...(host ? { baseUrl: `${protocol}://${host}/api/v3` } : {}),
  };
}
