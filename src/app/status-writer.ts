/**
 * Writes status records to the status branch. A change is a decision function from the record as the branch has it
 * to the record it should be and the effects that go with it (the state machine's `decide`), so it is always applied
 * to fresh state: changes wait in a queue and go out together as one commit; a write that loses a race (the branch
 * moved, or for a lone record its file) re-reads the records and decides again, never forcing; a record whose
 * content did not change is never committed. The writer assumes the branch is where its own last commit left it,
 * so a write costs no reads unless another writer came between. Callers learn the record as it stands afterwards, the commit that holds it, and the effects of the
 * decision that was committed: only those may be performed, since only they are backed by a recorded intent.
 */
import { stringify } from "yaml";
import type { Decision } from "../fulfillment/decide.js";
import type { Effect } from "../fulfillment/effects.js";
import { StatusRecord } from "../fulfillment/status-record.js";
import type { GitHubGateway } from "../github/gateway.js";
import { gitBlobSha, type FileCommitted } from "../github/git-data.js";
import type { OwnCommit } from "../repo/github-source.js";
import { parseStatusRecords } from "../repo/snapshot.js";

const MAX_ATTEMPTS = 5;

/** From the record on the branch (null: none) to the record it should be and its effects; a null or equal record: no change. */
export type RecordDecision = (current: StatusRecord | null) => Decision;

export interface WriteResult {
  /** The record as the branch holds it after the write; null when there is none. */
  record: StatusRecord | null;
  /** The commit that holds the change; null when nothing had changed. */
  commit: string | null;
  /**
   * Another writer moved the branch while this one wrote, so the update ran again on its records: whatever the
   * caller decided from may be older than what that writer knew, and is worth looking at again.
   */
  raced: boolean;
  /**
   * The effects of this caller's decision on the record the write was made from. They are the caller's to perform:
   * the record they go with is on the branch now (committed by this write, or already there).
   */
  effects: Effect[];
}

export function recordPath(requestId: string): string {
  return `status/${requestId}.yaml`;
}

/**
 * The file of a record. Keys go in the schema's order, whatever order the code that built the record used: the same
 * record is always the same text, so a record that did not change is never committed again.
 */
export function recordText(record: StatusRecord): string {
  return `# Written by pao; do not edit. The request's status, served by /api/v1/requests/${record.request_id}.\n${stringify(StatusRecord.parse(record), { lineWidth: 0 })}`;
}

export { gitBlobSha };

/**
 * The branch as this writer last left it. The next write assumes it is still so — no reads before the swap — and the
 * swap itself checks: if the branch moved, GitHub refuses it and the write starts again on what the branch holds.
 */
interface KnownHead {
  branch: string;
  head: string;
  tree: string;
  shas: ReadonlyMap<string, string>;
}

/** The branch a batch is decided on: read just now, or assumed from this writer's last commit. */
interface BranchState {
  head: string | null;
  tree: string | undefined;
  shas: ReadonlyMap<string, string>;
  assumed: boolean;
}

/** A record on the branch that does not parse: left untouched, for a person to look at. */
export class UnreadableRecordError extends Error {
  constructor(readonly path: string, readonly details: string) {
    super(`${path} on the status branch does not parse, so pao leaves it alone: ${details}`);
    this.name = "UnreadableRecordError";
  }
}

/** A batch entry once applied: the write's outcome, and the effects of each queued decision in order. */
interface Applied {
  write: Omit<WriteResult, "effects">;
  effects: Effect[][];
}

interface Pending {
  updates: RecordDecision[];
  waiting: Array<{ resolve: (result: WriteResult) => void; reject: (e: unknown) => void }>;
}

export class StatusWriter {
  private pending = new Map<string, Pending>();
  private running: Promise<void> | undefined;
  private inFlight: Promise<unknown> | undefined;
  private known: KnownHead | undefined;

  constructor(
    private readonly gateway: Pick<GitHubGateway, "branchCommit" | "tree" | "blob" | "commitFiles" | "commitFile" | "rememberBlob">,
    /** A function when the branch is a setting that may change (`.github/pao.yml` on the default branch). */
    private readonly branchName: string | (() => string),
    private readonly options: { onCommitted?: (commit: OwnCommit) => void } = {},
  ) {}

  private get branch(): string {
    return typeof this.branchName === "string" ? this.branchName : this.branchName();
  }

  /** Queues a decision on one request's record. */
  update(requestId: string, update: RecordDecision): Promise<WriteResult> {
    const path = recordPath(requestId);
    let entry = this.pending.get(path);
    if (!entry) this.pending.set(path, (entry = { updates: [], waiting: [] }));
    entry.updates.push(update);
    const done = new Promise<WriteResult>((resolve, reject) => entry.waiting.push({ resolve, reject }));
    this.running ??= this.drain();
    return done;
  }

  /** Queues a whole record; resolves with the sha of the commit that holds it (null when nothing had changed). */
  async write(record: StatusRecord): Promise<string | null> {
    return (await this.update(record.request_id, () => ({ record, effects: [] }))).commit;
  }

  /** Settles when the commit being made now, if any, has been made or refused (and reported to `onCommitted`). */
  async settled(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = this.pending;
      this.pending = new Map();
      try {
        const committing = this.commit(batch);
        this.inFlight = committing;
        const results = await committing;
        for (const [path, entry] of batch) {
          const result = results.get(path)!;
          entry.waiting.forEach((w, i) => (result instanceof Error ? w.reject(result) : w.resolve({ ...result.write, effects: result.effects[i] ?? [] })));
        }
      } catch (error) {
        // The swap's outcome is unknown: the next write reads the branch.
        this.known = undefined;
        for (const entry of batch.values()) for (const w of entry.waiting) w.reject(error);
      }
    }
    this.running = undefined;
  }

  private async commit(batch: ReadonlyMap<string, Pending>): Promise<Map<string, Applied | Error>> {
    const branch = this.branch;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const state = await this.stateOf(branch, attempt === 1);
      const results = new Map<string, Applied | Error>();
      const changed = new Map<string, string>();
      for (const [path, entry] of batch) {
        try {
          let record = await this.read(path, state.shas.get(path));
          // Each decision sees the record the ones queued before it left; each caller gets its own effects.
          const effects = entry.updates.map((decide) => {
            const decision = decide(record);
            record = decision.record ?? record;
            return decision.effects;
          });
          const text = record === null ? null : recordText(record);
          if (text !== null && gitBlobSha(text) !== state.shas.get(path)) changed.set(path, text);
          results.set(path, { write: { record, commit: null, raced: attempt > 1 }, effects });
        } catch (error) {
          results.set(path, error instanceof Error ? error : new Error(String(error)));
        }
      }
      if (changed.size === 0) {
        // Nothing to swap, so nothing checked the assumption: the branch is asked (one read, not three).
        if (state.assumed && (await this.gateway.branchCommit(branch)) !== state.head) {
          this.known = undefined;
          continue;
        }
        return results;
      }
      const made = await this.swap(branch, state, batch.size, changed);
      if (made === "conflict") {
        this.known = undefined;
        continue;
      }
      const shas = new Map(state.shas);
      for (const [path, text] of changed) shas.set(path, this.gateway.rememberBlob(text));
      // A single-file commit may have gone on top of another writer's: then this writer no longer knows the branch.
      this.known = made.tree !== null && made.parent === state.head ? { branch, head: made.commit, tree: made.tree, shas } : undefined;
      if (made.tree !== null) this.options.onCommitted?.({ branch, parent: made.parent, commit: made.commit, files: changed });
      for (const path of changed.keys()) {
        const applied = results.get(path) as Applied;
        results.set(path, { ...applied, write: { ...applied.write, commit: made.commit } });
      }
      return results;
    }
    throw new Error(`the ${branch} branch kept moving; gave up after ${MAX_ATTEMPTS} attempts`);
  }

  /**
   * A batch of one record on an existing branch: one call, compare-and-swap on that record's file (other records may
   * move meanwhile; no decision here read them). Otherwise one commit of the changed records, compare-and-swap on the
   * branch, which also holds the records that were decided on and did not change.
   */
  private async swap(branch: string, state: BranchState, batchSize: number, changed: ReadonlyMap<string, string>): Promise<FileCommitted | "conflict"> {
    if (batchSize === 1 && changed.size === 1 && state.head !== null) {
      const [path, text] = [...changed][0]!;
      return this.gateway.commitFile(branch, path, text, state.shas.get(path) ?? null, `pao: ${path}`);
    }
    const made = await this.gateway.commitFiles(branch, state.head, changed, `pao: ${changed.size} status records`, state.tree);
    return made === "conflict" ? made : { ...made, parent: state.head };
  }

  /** The branch as this writer last left it when it may assume so, else as GitHub has it now. */
  private async stateOf(branch: string, mayAssume: boolean): Promise<BranchState> {
    const known = this.known;
    if (mayAssume && known?.branch === branch) return { head: known.head, tree: known.tree, shas: known.shas, assumed: true };
    const head = await this.gateway.branchCommit(branch);
    const current = head ? await this.gateway.tree(head, ["status"]) : [];
    return { head, tree: undefined, shas: new Map(current.map((e) => [e.path, e.sha])), assumed: false };
  }

  private async read(path: string, sha: string | undefined): Promise<StatusRecord | null> {
    if (sha === undefined) return null;
    const { records, diagnostics } = parseStatusRecords([{ path, text: await this.gateway.blob(sha) }]);
    const record = [...records.values()][0];
    if (!record) throw new UnreadableRecordError(path, diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("; "));
    return record;
  }
}
