/**
 * The helpers a catalog template may call, declared once: the catalog check refuses any other name, and rendering
 * registers exactly these. Handlebars' own `log` and partials are left out on purpose: a template only shapes data.
 */
export interface HelperSpec {
  summary: string;
  /** Whether the helper takes a block (`{{#name}}...{{/name}}`). */
  block: boolean;
}

export const BUILTIN_HELPERS: Record<string, HelperSpec> = {
  if: { summary: "render the block when the value is truthy", block: true },
  unless: { summary: "render the block when the value is falsy", block: true },
  each: { summary: "render the block for each entry of a list or mapping", block: true },
  with: { summary: "render the block with the value as context", block: true },
  lookup: { summary: "look up a key or index in a value", block: false },
};

export const PAO_HELPERS: Record<string, HelperSpec> = {
  json: { summary: "the value as JSON", block: false },
  default: { summary: "the first argument that is not empty", block: false },
  lower: { summary: "the text in lowercase", block: false },
  upper: { summary: "the text in uppercase", block: false },
  join: { summary: "a list joined with a separator (default ', ')", block: false },
  eq: { summary: "whether two values are equal, for use inside #if", block: false },
};

export const KNOWN_HELPERS: ReadonlySet<string> = new Set([...Object.keys(BUILTIN_HELPERS), ...Object.keys(PAO_HELPERS)]);

/** Helpers whose block changes the context, so names inside it are not the definition's fields. */
export const SCOPING_HELPERS: ReadonlySet<string> = new Set(["each", "with"]);
