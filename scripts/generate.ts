/** Writes the generated files that are committed: the editor JSON Schemas in schemas/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { editorSchemas } from "../src/editor-schemas.js";

const root = resolve(import.meta.dirname, "..");
mkdirSync(join(root, "schemas"), { recursive: true });
for (const [file, text] of Object.entries(editorSchemas())) {
  writeFileSync(join(root, "schemas", file), text);
  console.log(`wrote schemas/${file}`);
}
