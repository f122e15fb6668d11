/**
 * The request an update targets, as its templates see it: the catalog item it ordered and the parameters it was
 * ordered with (defaults applied). Updates read the target's parameters (`{{ database_name }}`) beside their own,
 * so `pao plan`, `pao validate` and the app must find the same target the same way: this module is that one way.
 * Pure: the caller hands over the request files (and, where it has them, the status records).
 */
import type { Catalog } from "../catalog/model.js";
import type { SourceFile } from "../catalog/load.js";

export interface TargetRequest {
  /** The catalog item the target ordered (for an update of an update, the item at the end of the chain). */
  item: { name: string; version: string } | null;
  /** What the target was ordered with: its parameters with defaults, under those of any update it is itself. */
  parameters: Record<string, unknown>;
  /** The target's file, when it was found by path. */
  file?: string;
}

export interface TargetLookup {
  /** The request `target` names (a request file path or a request id), or undefined when it cannot be found. */
  find(target: string): TargetRequest | undefined;
  /** Whether request ids can be looked up (status records were given); without them an id target is not checked. */
  knowsIds: boolean;
}

/** What a status record says of the request it records; only what a target needs. */
export interface TargetRecord {
  kind: string;
  name: string;
  version: string;
  parameters: Record<string, unknown>;
  request_path: string;
}

/** How deep updates of updates are followed; a real chain is one or two long. */
const MAX_CHAIN = 8;

type Validate = (file: SourceFile, catalog: Catalog, context: { knownRequestPaths: ReadonlySet<string>; targets: TargetLookup }) => {
  request?: { shape: string; definition: { kind: string; name: string; version: string }; parameters: Record<string, unknown>; targetRequest?: TargetRequest };
};

/**
 * Targets among `files` (by path) and `records` (by request id). A target file is validated as a request on its own
 * (updates of updates followed, cycles and chains longer than MAX_CHAIN cut); results are memoised per lookup.
 * `validate` is validateRequestFile, passed in to keep the module graph acyclic.
 */
export function targetLookup(
  validate: Validate,
  catalog: Catalog,
  files: readonly SourceFile[],
  records?: ReadonlyMap<string, TargetRecord>,
): TargetLookup {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const paths = new Set(byPath.keys());
  const memo = new Map<string, TargetRequest | undefined>();
  const resolving: string[] = [];

  const lookup: TargetLookup = {
    knowsIds: records !== undefined,
    find(target) {
      if (memo.has(target)) return memo.get(target);
      if (resolving.includes(target) || resolving.length >= MAX_CHAIN) return undefined;
      resolving.push(target);
      try {
        const found = byPath.has(target) ? fromFile(byPath.get(target)!) : fromRecord(target);
        memo.set(target, found);
        return found;
      } finally {
        resolving.pop();
      }
    },
  };

  function fromFile(file: SourceFile): TargetRequest | undefined {
    const request = validate(file, catalog, { knownRequestPaths: paths, targets: lookup }).request;
    if (!request) return undefined;
    if (request.shape === "catalog_item") {
      return { item: { name: request.definition.name, version: request.definition.version }, parameters: request.parameters, file: file.path };
    }
    if (request.shape === "update_item" || request.shape === "update_operation") {
      const inner = request.targetRequest;
      return { item: inner?.item ?? null, parameters: { ...(inner?.parameters ?? {}), ...request.parameters }, file: file.path };
    }
    return { item: null, parameters: request.parameters, file: file.path };
  }

  function fromRecord(id: string): TargetRequest | undefined {
    const record = records?.get(id);
    if (!record) return undefined;
    // The record holds the parameters the request was fulfilled with (defaults applied), whatever its file says now.
    return { item: record.kind === "catalog_item" ? { name: record.name, version: record.version } : null, parameters: record.parameters };
  }

  return lookup;
}
