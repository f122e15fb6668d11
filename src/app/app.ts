/**
 * The Probot app: unpacks webhook events for PAO_REPOSITORY, queues the work, and returns at once so GitHub gets
 * its answer within a second. Work for one pull request runs one task at a time.
 */
import type { Probot } from "probot";
import { DEFAULT_LAYOUT, isYamlUnder } from "../catalog/paths.js";
import { validateRequestFile } from "../requests/validate.js";
import type { GitHubGateway } from "../github/gateway.js";
import type { GitHubSource } from "../repo/github-source.js";
import { checkNote, validationCheck, type FileVerdict } from "./render/check-run.js";
import { WorkQueue } from "./work-queue.js";

export interface AppDeps {
  owner: string;
  repo: string;
  source: GitHubSource;
  gateway: GitHubGateway;
  queue: WorkQueue;
}

const isRequestFile = (path: string) => isYamlUnder(path, DEFAULT_LAYOUT.requestsDir);

export function createPaoApp(deps: AppDeps) {
  const ours = (full: string | undefined) => full?.toLowerCase() === `${deps.owner}/${deps.repo}`.toLowerCase();
  return (app: Probot) => {
    app.on("push", async (context) => {
      if (!ours(context.payload.repository.full_name)) return;
      void deps.queue.enqueue("snapshot", () => deps.source.onPush(context.payload.ref));
    });

    app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"], async (context) => {
      const pr = context.payload.pull_request;
      if (!ours(context.payload.repository.full_name)) return;
      const fork = pr.head.repo?.full_name !== pr.base.repo.full_name;
      void deps.queue.enqueue(`pull/${pr.number}`, () =>
        validatePullRequest(deps, { number: pr.number, headSha: pr.head.sha, author: pr.user?.login ?? "", fork }),
      );
    });
  };
}

export async function validatePullRequest(
  deps: Pick<AppDeps, "gateway" | "source">,
  pr: { number: number; headSha: string; author: string; fork: boolean },
): Promise<void> {
  const snapshot = deps.source.current();
  const changed = await deps.gateway.pullRequestFiles(pr.number);
  const requests = changed.filter((f) => f.status !== "removed" && isRequestFile(f.path));
  const sources = await Promise.all(requests.map(async (f) => ({ path: f.path, sha: f.sha, text: await deps.gateway.blob(f.sha) })));
  const known = new Set([...snapshot.requestFiles.map((f) => f.path), ...sources.map((s) => s.path)]);
  const verdicts: FileVerdict[] = sources.map((source) => {
    const result = validateRequestFile(source, snapshot.catalog, { knownRequestPaths: known, author: pr.author });
    return {
      path: source.path,
      diagnostics: result.diagnostics,
      ...(result.request ? { orders: `${result.request.definition.name} ${result.request.definition.version}` } : {}),
    };
  });
  const notes: string[] = [];
  if (changed.some((f) => f.path.startsWith(`${DEFAULT_LAYOUT.catalogDir}/`))) {
    notes.push(checkNote("catalog-changed"));
  }
  if (pr.fork) notes.push(checkNote("fork"));
  await deps.gateway.publishCheckRun(pr.headSha, validationCheck(verdicts, notes));
}
