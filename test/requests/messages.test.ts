/**
 * Request messages a developer can act on, not raw validator or parser text: allowed values named with the nearest
 * suggested, an empty required field called required, YAML mistakes explained once with a hint, and nothing
 * unprintable from a file of random bytes echoed back.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { readTree } from "../../src/repo/fs-files.js";
import { validateRequestFile } from "../../src/requests/validate.js";
import { REPO_ROOT } from "../helpers/repo-copy.js";

const { catalog } = loadCatalog(readTree(REPO_ROOT, ["catalog", ".github"]));
const validate = (text: string) => validateRequestFile({ path: "requests/t/r.yaml", text }, catalog, { author: "dev-user" }).diagnostics;
const pg = (params: string) => `catalog_item: postgres-database\nversion: 2.1.0\nparameters:\n  database_name: orders\n${params}`;

describe("a value outside a field's choices", () => {
  it("names the allowed values and suggests the nearest", () => {
    const [d, ...rest] = validate(pg("  instance_class: db.t3.medum\n"));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "request-parameter-invalid", line: 5 });
    expect(d!.message).not.toContain("must be equal to one of the allowed values");
    expect(d!.message).toContain("db.t3.micro, db.t3.small, db.t3.medium, db.t3.large");
    expect(d!.hint).toBe("did you mean 'db.t3.medium'?");
  });

  it("in a multiselect too", () => {
    const text = "catalog_item: application-monitoring\nversion: 1.0.0\nparameters:\n  app_name: shop\n";
    const fields = catalog.items.get("application-monitoring")![0]!.body.presentation.fields;
    const multi = fields.find((f) => f.type === "multiselect" || f.type === "selection")!;
    const choice = multi.oneof![0]!;
    const value = multi.type === "multiselect" ? `[${choice}x]` : `${choice}x`;
    const [d] = validate(`${text}  ${multi.name}: ${value}\n`);
    expect(d!.message).toContain(multi.oneof!.join(", "));
    expect(d!.hint).toBe(`did you mean '${choice}'?`);
  });
});

describe("a required field left empty", () => {
  for (const [written, how] of [['""', "an empty string"], ["", "nothing"], ["null", "null"]]) {
    it(`says required, with the field's name (${how})`, () => {
      const text = `catalog_item: postgres-database\nversion: 2.1.0\nparameters:\n  database_name: ${written}\n`;
      const [d, ...rest] = validate(text);
      expect(rest).toEqual([]);
      expect(d).toMatchObject({ code: "request-parameter-invalid", line: 4 });
      expect(d!.message).toMatch(/'database_name' is required/);
      expect(d!.hint).toBeTruthy();
    });
  }
});

describe("YAML mistakes", () => {
  it("one tab gives one diagnostic, with a hint, wherever it is", () => {
    const lines = pg("  instance_class: db.t3.small\n  allocated_storage: 50\n").split("\n");
    for (let i = 3; i < lines.length - 1; i++) {
      const broken = [...lines];
      broken[i] = broken[i]!.replace(/^ {2}/, "\t");
      const found = validate(broken.join("\n"));
      expect(found.map((d) => [d.code, d.line]), `tab on line ${i + 1}`).toEqual([["yaml-syntax", i + 1]]);
      expect(found[0]!.hint).toMatch(/spaces/);
    }
  });

  it("an alias bomb gives one diagnostic", () => {
    const bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
    const started = Date.now();
    const found = validate(`catalog_item: postgres-database\nversion: 2.1.0\nparameters:\n${bomb.replace(/^/gm, "  ")}`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(found.map((d) => d.code)).toEqual(["yaml-alias"]);
    expect(found[0]!.hint).toBeTruthy();
  });

  it("a syntax error has a hint", () => {
    const found = validate("catalog_item: postgres-database\nversion: 2.1.0\n  parameters:\n    database_name: orders\n");
    expect(found.map((d) => d.code)).toEqual(["yaml-syntax"]);
    expect(found[0]!.hint).toMatch(/indentation/);
  });
});

describe("binary garbage", () => {
  it("is never echoed back: messages are short and printable", () => {
    const unprintable = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/;
    // Seeded, so a failure replays: the same 1,000 files every run.
    let seed = 20261207;
    const randomBytes = (n: number) =>
      Buffer.from(
        Array.from({ length: n }, () => {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
          return seed >>> 24;
        }),
      );
    for (let i = 0; i < 1000; i++) {
      const bytes = randomBytes(400);
      const text =
        i % 5 === 0 ? "\0".repeat(400) : i % 5 === 1 ? `catalog_item: x\n${bytes.toString("latin1")}: 1\n` : i % 5 === 2 ? `catalog_item: x\nversion: 1.0.0\ntarget: ${bytes.toString("latin1").replace(/\n/g, "")}\n` : bytes.toString(i % 2 ? "utf8" : "latin1");
      const all = [...validate(text), ...loadCatalog([{ path: "catalog/compute/x.yaml", text }]).diagnostics];
      for (const d of all) {
        const said = `${d.message} ${d.hint ?? ""}`;
        expect(said, JSON.stringify(d)).not.toMatch(unprintable);
        expect(said.length, JSON.stringify(d)).toBeLessThan(400);
      }
    }
  });
});
