/**
 * Every diagnostic code pao can report, declared once. Codes are stable: tools and people match on them, so a code
 * is never renamed or reused for another meaning. The summary documents the code (`pao validate --codes`).
 */
export const DIAGNOSTIC_CODES = {
  // Reading files
  "yaml-syntax": "the file is not valid YAML",
  "yaml-too-large": "the file is larger than the size limit",
  "yaml-too-deep": "the file nests deeper than the depth limit",
  "yaml-alias": "YAML aliases are not accepted",
  "yaml-duplicate-key": "a mapping has the same key twice",
  "yaml-multiple-documents": "the file holds more than one YAML document",
  "yaml-forbidden-key": "a key such as __proto__ that could alter objects",
  "yaml-complex-key": "a mapping key that is not a plain scalar",
  // Shape of a definition
  "schema-invalid-type": "a value has the wrong type",
  "schema-missing-field": "a required field is missing",
  "schema-unknown-field": "a field that the kind does not have",
  "schema-invalid-value": "a value outside what the field accepts",
  "kind-unknown": "the kind is not one pao knows",
  "kind-folder-mismatch": "the kind does not belong in the file's folder",
  "category-unknown": "a catalog item sits in a folder that is not a category",
  "file-outside-folders": "a definition file is not inside a known folder",
  "version-invalid": "a version is not semantic versioning",
  "range-invalid": "a version range cannot be parsed",
  // Definitions and their parts
  "definition-duplicate": "two files define the same kind, name and version",
  "field-duplicate": "two fields have the same name",
  "field-property-not-applicable": "a validation property that does not apply to the field's type",
  "field-min-greater-than-max": "a minimum above its maximum",
  "field-default-invalid": "a default that its own field would reject",
  "field-oneof-empty": "a selection with no options",
  "field-conditional-unknown": "a conditional that names no field of the definition",
  "field-conditional-value-invalid": "a conditional value that its field would never hold",
  "field-readonly-without-default": "a required read-only field that no one could fill",
  "regexp-invalid": "a regular expression that does not compile",
  "regexp-unsafe": "a regular expression that can backtrack catastrophically or uses unsupported features",
  "regexp-slow": "a regular expression that may take quadratic time on long input",
  "template-invalid": "a template that does not parse",
  "template-unknown-field": "a template that references a field the definition does not declare",
  "template-unknown-helper": "a template that calls a helper pao does not provide",
  "template-not-allowed": "a template feature pao does not allow (partials, decorators)",
  "action-duplicate": "two actions of one definition have the same name",
  "action-template-invalid": "an action template without what its type needs",
  "depends-on-unknown": "depends_on names an action that does not exist",
  "depends-on-cycle": "actions that depend on each other in a cycle",
  "no-actions": "a definition that fulfils nothing",
  "bundle-item-unknown": "a bundle names a catalog item that does not exist",
  "bundle-item-no-version": "no version of a bundled item satisfies the bundle's range",
  "bundle-parameter-unknown": "a bundle sets a parameter that the item does not have",
  "update-target-unknown": "an update targets a catalog item that does not exist",
  "update-target-no-version": "no version of the target satisfies the update's version_range",
  "update-required-parameter-unknown": "a required parameter that the target item does not have",
  "workflow-missing": "an executor workflow that is not in the workflows folder",
  "workflow-inputs": "an executor workflow that does not declare the executor contract's inputs",
  "workflow-inputs-in-run": "an executor workflow that expands inputs inside a run: script",
  "config-invalid": "the repository configuration .github/pao.yml is not valid",
  // Requests
  "request-unknown-item": "a request names something the catalog does not offer",
  "request-no-version": "no version of the item satisfies the requested version",
  "request-parameter-invalid": "a request parameter that the item's fields reject",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
