/**
 * The one ajv set-up that checks parameters against field schemas, so every caller agrees on formats and keywords.
 * Compiled validators are cached per schema object: a definition compiles once, however many requests use it.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { PAO_KEYWORDS } from "./json-schema.js";
import { patternEngine } from "./pattern-engine.js";

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTuples: true,
    // `then: { required: [x] }` names a property declared outside the `then`, which is the point of it.
    strictRequired: false,
    strictTypes: false,
    useDefaults: true,
    unicodeRegExp: true,
    code: { regExp: patternEngine },
  });
  addFormats.default(ajv, ["date", "date-time"]);
  ajv.addVocabulary([...PAO_KEYWORDS]);
  return ajv;
}

let shared: Ajv2020 | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    shared ??= createAjv();
    validate = shared.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}
