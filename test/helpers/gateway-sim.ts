/**
 * For tests of the GitHub gateway and what sits directly on it (status writer, check runs): one simulator per test
 * file, checked after each test for calls GitHub would refuse, and a fresh repository per test with a gateway
 * acting as the app's installation on it.
 */
import { Octokit } from "octokit";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createGitHubGateway, type GitHubGateway } from "../../src/github/gateway.js";
import { createRepository, startSimulator, type Simulator } from "../sim/index.js";
import type { CreateRepositoryOptions } from "../sim/repo-state.js";
import type { SimRepo } from "../sim/state.js";

export interface GatewayWorld {
  repo: SimRepo;
  /** Authenticated as the installation, as pao is. */
  octokit: Octokit;
  gateway: GitHubGateway;
}

export function useGatewaySimulator(): { sim: () => Simulator; world: (options?: Partial<CreateRepositoryOptions>) => GatewayWorld } {
  let sim: Simulator;
  let counter = 0;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.stop();
  });
  afterEach(() => {
    expect(sim.violations).toEqual([]);
  });
  return {
    sim: () => sim,
    world(options = {}) {
      const repo = createRepository(sim, { owner: "acme", name: `repo-${++counter}`, ...options });
      const { token } = sim.issueInstallationToken(repo.installationId);
      const octokit = new Octokit({ auth: token, baseUrl: sim.apiUrl, retry: { enabled: false }, throttle: { enabled: false } });
      return { repo, octokit, gateway: createGitHubGateway(octokit, repo.owner, repo.name, { appId: sim.app.id }) };
    },
  };
}
