/**
 * Request files (`requests/<team>/<name>.yaml`): the bodies of seed 000 section 4.1, one request per file. The
 * requester is the pull request's author; `requester` here only adds the team (and, if given, must agree).
 */
import { z } from "zod";
import { DefinitionName, FieldName } from "../catalog/schema.js";
import { versionField } from "../schema-diagnostics.js";

const VersionSpec = versionField(
  z
    .string()
    .min(1)
    .describe("Exact version (1.2.0) or a range ('>=1.2.0', '>=2.0.0, <3.0.0'); the resolved version is recorded"),
  "either",
);

const Parameters = z.record(FieldName, z.unknown()).default({}).describe("Values for the item's fields");

const Requester = z
  .strictObject({
    user_id: z.string().min(1).optional().describe("Must be the pull request's author, if given"),
    team: z.string().min(1).optional(),
  })
  .optional();

export const ItemRequest = z.strictObject({
  catalog_item: DefinitionName,
  version: VersionSpec,
  parameters: Parameters,
  requester: Requester,
});

export const BundleRequest = z.strictObject({
  catalog_bundle: DefinitionName,
  version: VersionSpec,
  bundle_parameters: Parameters,
  item_selections: z
    .strictObject({
      required_items: z.array(z.strictObject({ catalog_item: DefinitionName, parameters: Parameters })).default([]),
      optional_items: z
        .array(z.strictObject({ catalog_item: DefinitionName, enabled: z.boolean(), parameters: Parameters }))
        .default([]),
    })
    .default({ required_items: [], optional_items: [] }),
  requester: Requester,
});

const updateRequest = <K extends "update_item" | "update_operation">(key: K) =>
  z.strictObject({
    [key]: DefinitionName,
    version: VersionSpec.optional(),
    target: z
      .string()
      .min(1)
      .describe("The request being updated: its file path (requests/<team>/<name>.yaml) or its request_id"),
    parameters: Parameters,
    requester: Requester,
  } as { [P in K]: typeof DefinitionName } & {
    version: z.ZodOptional<typeof VersionSpec>;
    target: z.ZodString;
    parameters: typeof Parameters;
    requester: typeof Requester;
  });

export const UpdateItemRequest = updateRequest("update_item");
export const UpdateOperationRequest = updateRequest("update_operation");

/** One schema for editors: exactly one of the four shapes. */
export const RequestFile = z.union([ItemRequest, BundleRequest, UpdateItemRequest, UpdateOperationRequest]);

export const REQUEST_SHAPES = {
  catalog_item: ItemRequest,
  catalog_bundle: BundleRequest,
  update_item: UpdateItemRequest,
  update_operation: UpdateOperationRequest,
} as const;

export type RequestShape = keyof typeof REQUEST_SHAPES;
export type ItemRequest = z.infer<typeof ItemRequest>;
export type BundleRequest = z.infer<typeof BundleRequest>;
export type UpdateRequest = z.infer<typeof UpdateItemRequest> | z.infer<typeof UpdateOperationRequest>;
