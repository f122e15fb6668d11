/**
 * The simulator's state: repositories made of git objects and refs, plus the GitHub things around them (pulls,
 * issues, comments, reviews, reactions, labels, check runs, workflow runs, artifacts, collaborators, teams).
 * Handler groups read and change it; tests drive it through the group modules' helper functions.
 */
import type { ObjectStore } from "./git-objects.js";
import type { Json, Permission } from "./types.js";

export interface SimUser {
  id: number;
  login: string;
  type: "User" | "Bot";
  /** A personal token for this user (for the REST API's Bearer checks). */
  token: string;
}

export interface SimIssue {
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: "open" | "closed";
  state_reason: "completed" | "not_planned" | "reopened" | null;
  labels: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Set when this issue number is a pull request. */
  pull?: boolean;
}

export interface SimPull {
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: "open" | "closed";
  /** Branch names; a fork's head lives in another repository. */
  head: { ref: string; sha: string; repo: string };
  base: { ref: string; sha: string };
  merged: boolean;
  merge_commit_sha: string | null;
  merged_by: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  draft: boolean;
}

export interface SimComment {
  id: number;
  issue: number;
  user: string;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface SimReview {
  id: number;
  pull: number;
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  body: string | null;
  commit_id: string;
  submitted_at: string;
}

export interface SimReaction {
  id: number;
  user: string;
  content: "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";
  created_at: string;
}

export interface SimLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface SimCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  started_at: string | null;
  completed_at: string | null;
  external_id: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: Json[] };
  actions: Json[];
  app: "pao" | string;
}

export interface SimRun {
  id: number;
  workflow: string;
  name: string;
  display_title: string;
  head_branch: string;
  head_sha: string;
  event: "workflow_dispatch" | string;
  status: "requested" | "queued" | "in_progress" | "completed";
  // As GitHub reports a run: `startup_failure` when the workflow could not even start (a bad file, a refused runner).
  conclusion: "success" | "failure" | "cancelled" | "skipped" | "timed_out" | "startup_failure" | null;
  inputs: Record<string, string>;
  run_attempt: number;
  actor: string;
  /** Who started the latest attempt: the actor, or whoever re-ran the run. */
  triggering_actor?: string;
  created_at: string;
  updated_at: string;
  run_started_at: string;
}

export interface SimArtifact {
  id: number;
  run: number;
  name: string;
  /** Files inside the artifact's zip. */
  files: Record<string, string>;
  /** The zip's exact bytes, when a test hands a hostile one; otherwise it is made from `files`. */
  zip?: Buffer;
  created_at: string;
  expired: boolean;
}

export interface SimRepo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  store: ObjectStore;
  /** `heads/main` → commit sha. */
  refs: Map<string, string>;
  collaborators: Map<string, Permission>;
  /** `org/team-slug` → member logins. */
  teams: Map<string, Set<string>>;
  issues: Map<number, SimIssue>;
  pulls: Map<number, SimPull>;
  comments: Map<number, SimComment>;
  reviews: SimReview[];
  /** `issue_comment:<id>` or `issue:<number>` → reactions. */
  reactions: Map<string, SimReaction[]>;
  labels: Map<string, SimLabel>;
  checkRuns: Map<number, SimCheckRun>;
  runs: Map<number, SimRun>;
  artifacts: Map<number, SimArtifact>;
  /** Issue and pull request numbers share one sequence, as on GitHub. */
  nextNumber: number;
  /** The installation of the app on this repository (0: not installed). */
  installationId: number;
}

export interface SimInstallation {
  id: number;
  account: string;
  repositories: string[];
}
