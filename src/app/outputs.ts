/**
 * Reads the `pao-outputs` artifact of a successful run: a zip holding `outputs.json`, a JSON object. The zip is
 * read with yauzl (which checks each entry's real decompressed size against its header, so a lying header is caught),
 * and the decompressed text is capped: a zip bomb, a huge file, text that is not JSON or not an object, or keys such
 * as `__proto__` fail the attempt with a clear error; they never crash pao or fill its memory.
 */
import yauzl from "yauzl";
import type { OutputsReading } from "../fulfillment/run-facts.js";
import { loadYaml } from "../yaml/load.js";

export const OUTPUTS_ARTIFACT = "pao-outputs";
export const OUTPUTS_FILE = "outputs.json";
/** Largest zip pao downloads, and largest outputs.json it reads once decompressed. */
export const MAX_ARTIFACT_BYTES = 1024 * 1024;
export const MAX_OUTPUTS_BYTES = 256 * 1024;

const fail = (type: string, message: string): OutputsReading => ({ ok: false, type, message });

export async function readOutputs(zip: Buffer): Promise<OutputsReading> {
  let text: string | OutputsReading;
  try {
    text = await extract(zip);
  } catch (error) {
    return fail("outputs_invalid", `the ${OUTPUTS_ARTIFACT} artifact is not a readable zip: ${(error as Error).message}`);
  }
  if (typeof text !== "string") return text;
  return parseOutputs(text);
}

/** outputs.json's text: a JSON object with plain keys. JSON is YAML, so pao's safe loader (limits, forbidden keys) reads it. */
export function parseOutputs(text: string): OutputsReading {
  try {
    JSON.parse(text);
  } catch {
    return fail("outputs_invalid", `${OUTPUTS_FILE} is not JSON`);
  }
  const loaded = loadYaml(text, OUTPUTS_FILE);
  if (!loaded.ok) return fail("outputs_invalid", `${OUTPUTS_FILE} was refused: ${loaded.diagnostics[0]?.message ?? "it does not parse"}`);
  const value = loaded.doc.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("outputs_invalid", `${OUTPUTS_FILE} must hold a JSON object`);
  return { ok: true, values: value as Record<string, unknown> };
}

function extract(zip: Buffer): Promise<string | OutputsReading> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (error, archive) => {
      if (error || !archive) return reject(error ?? new Error("no archive"));
      let settled = false;
      const finish = (value: string | OutputsReading | Error) => {
        if (settled) return;
        settled = true;
        archive.close();
        value instanceof Error ? reject(value) : resolve(value);
      };
      archive.on("error", (e: Error) => finish(e));
      archive.on("end", () => finish(fail("outputs_missing", `the ${OUTPUTS_ARTIFACT} artifact holds no ${OUTPUTS_FILE}`)));
      archive.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== OUTPUTS_FILE) return archive.readEntry();
        if (entry.uncompressedSize > MAX_OUTPUTS_BYTES) return finish(fail("outputs_too_large", `${OUTPUTS_FILE} is ${entry.uncompressedSize} bytes; at most ${MAX_OUTPUTS_BYTES} are read`));
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return finish(streamError ?? new Error("no stream"));
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on("data", (chunk: Buffer) => {
            size += chunk.length;
            // The header may lie; the stream is cut as soon as the real size passes the cap.
            if (size > MAX_OUTPUTS_BYTES) {
              stream.destroy();
              finish(fail("outputs_too_large", `${OUTPUTS_FILE} decompresses to more than ${MAX_OUTPUTS_BYTES} bytes`));
            } else chunks.push(chunk);
          });
          stream.on("error", (e: Error) => finish(e));
          stream.on("end", () => {
            const bytes = Buffer.concat(chunks);
            const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
            finish(text);
          });
        });
      });
      archive.readEntry();
    });
  });
}
