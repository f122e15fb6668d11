/**
 * A simulator with every handler group registered and wired together: a branch that moves (by commit, contents
 * API or ref update) moves the pull requests whose head it is.
 */
import { actionsGroup } from "./groups/actions.js";
import { conversationGroup, headMoved } from "./groups/conversation.js";
import { reposGroup } from "./groups/repos.js";
import { Simulator, type SimulatorOptions } from "./simulator.js";

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new Simulator(options).register(reposGroup).register(conversationGroup).register(actionsGroup);
  sim.onRefMoved((repo, ref, before, after, sender) => {
    if (ref.startsWith("heads/")) headMoved(sim, repo, ref.slice("heads/".length), before, after, sender);
  });
  return sim.start();
}

export { Simulator } from "./simulator.js";
export * from "./repo-state.js";
export { openPullRequest, pushToPullRequest, submitReview, commentOnPullRequest, editComment, closePullRequest, reopenPullRequest, mergePullRequest, closeIssue, setDraft } from "./groups/conversation.js";
export { completeRun, startRun, requestCheckRunAction, rerequestCheckRun, actionsSettings, addArtifact } from "./groups/actions.js";
