/**
 * Reading the `pao-outputs` artifact: a good one gives its object; every hostile or broken one is an error of the
 * attempt with a type and a sentence, read within bounded memory and never thrown.
 */
import { describe, expect, it } from "vitest";
import { MAX_OUTPUTS_BYTES, readOutputs } from "../../src/app/outputs.js";
import { zipStored } from "../sim/zip.js";

describe("reading a run's outputs", () => {
  it("reads outputs.json from a stored or a deflated zip", async () => {
    const text = JSON.stringify({ endpoint: "db.example.test", port: 5432, tags: ["a"] });
    for (const deflate of [false, true]) {
      expect(await readOutputs(zipStored({ "outputs.json": text }, undefined, { deflate }))).toEqual({ ok: true, values: { endpoint: "db.example.test", port: 5432, tags: ["a"] } });
    }
  });

  it("refuses a zip bomb: 50 MB of spaces deflated to a few kilobytes, with an honest header or a lying one", async () => {
    const bomb = Buffer.alloc(50 * 1024 * 1024, 0x20);
    for (const declaredSize of [undefined, 100]) {
      const zip = zipStored({ "outputs.json": bomb }, undefined, { deflate: true, ...(declaredSize ? { declaredSize } : {}) });
      expect(zip.length).toBeLessThan(100 * 1024);
      const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      const before = used();
      const read = await readOutputs(zip);
      expect(read).toMatchObject({ ok: false });
      expect(["outputs_too_large", "outputs_invalid"]).toContain((read as { type: string }).type);
      // The cap holds: far less than the 50 MB the archive would expand to was kept.
      expect(used() - before).toBeLessThan(20 * 1024 * 1024);
    }
  });

  it("refuses outputs over the cap, text that is not JSON or not an object, and keys that could alter objects", async () => {
    const cases: Array<[string, string]> = [
      [JSON.stringify({ big: "x".repeat(MAX_OUTPUTS_BYTES) }), "outputs_too_large"],
      ["not json at all", "outputs_invalid"],
      ["[1, 2, 3]", "outputs_invalid"],
      ['"a string"', "outputs_invalid"],
      ['{"__proto__": {"polluted": true}}', "outputs_invalid"],
      ['{"constructor": {"prototype": {"polluted": true}}}', "outputs_invalid"],
    ];
    for (const [text, type] of cases) {
      const read = await readOutputs(zipStored({ "outputs.json": text }));
      expect(read, text.slice(0, 40)).toMatchObject({ ok: false, type });
      expect((read as { message: string }).message.length).toBeLessThan(300);
    }
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("says so when the artifact has no outputs.json, or is not a zip", async () => {
    expect(await readOutputs(zipStored({ "other.txt": "hello" }))).toMatchObject({ ok: false, type: "outputs_missing" });
    expect(await readOutputs(Buffer.from("PK\u0003\u0004 garbage that is not a zip"))).toMatchObject({ ok: false, type: "outputs_invalid" });
    expect(await readOutputs(Buffer.alloc(0))).toMatchObject({ ok: false, type: "outputs_invalid" });
  });
});
