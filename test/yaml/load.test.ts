import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES } from "../../src/diagnostic-codes.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { DEFAULT_LIMITS, loadYaml, type LoadedYaml, type YamlResult } from "../../src/yaml/load.js";
import { EKS } from "./fixtures.js";

const FILE = "catalog/compute/test.yaml";

function load(text: string, limits = DEFAULT_LIMITS): YamlResult {
  return loadYaml(text, FILE, limits);
}

/** The document of an accepted file; fails the test with the diagnostics otherwise. */
function accepted(text: string, limits = DEFAULT_LIMITS): LoadedYaml {
  const result = load(text, limits);
  if (!result.ok) throw new Error(`expected the file to load, got ${JSON.stringify(result.diagnostics, null, 2)}`);
  return result.doc;
}

/** The diagnostics of a rejected file; fails the test if it loaded. */
function rejected(text: string, limits = DEFAULT_LIMITS): Diagnostic[] {
  const result = load(text, limits);
  if (result.ok) throw new Error(`expected the file to be rejected, got ${JSON.stringify(result.doc.value)}`);
  expect(result.diagnostics.length).toBeGreaterThan(0);
  for (const d of result.diagnostics) {
    expect(d.severity).toBe("error");
    expect(d.file).toBe(FILE);
    expect(d.code in DIAGNOSTIC_CODES).toBe(true);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
  return result.diagnostics;
}

/** The single diagnostic of a rejected file, which must have the given code and position. */
function rejectedWith(text: string, code: Diagnostic["code"], line: number, column?: number, limits = DEFAULT_LIMITS): Diagnostic {
  const diagnostics = rejected(text, limits);
  const first = diagnostics[0]!;
  expect({ code: first.code, line: first.line }).toEqual({ code, line });
  if (column !== undefined) expect(first.column).toBe(column);
  return first;
}

function blockMappings(levels: number, indent = 2): string {
  let text = "";
  for (let k = 0; k < levels; k++) text += `${" ".repeat(k * indent)}k${k}:\n`;
  return `${text}${" ".repeat(levels * indent)}leaf\n`;
}

describe("accepted files", () => {
  it("loads a realistic catalog file to plain data", () => {
    const doc = accepted(EKS);
    expect(doc.file).toBe(FILE);
    const value = doc.value as Record<string, any>;
    expect(value.kind).toBe("CatalogItem");
    expect(value.version).toBe("1.2.0");
    expect(value.tags).toEqual(["containers", "kubernetes", "compute"]);
    expect(value.presentation.fields).toHaveLength(5);
    expect(value.presentation.fields[0]).toEqual({
      name: "app_name",
      type: "string",
      required: true,
      max_length: 50,
      min_length: 3,
      regexp: "^[a-z][a-z0-9-]*$",
      help_text: "Application name (lowercase alphanumeric with hyphens)",
    });
    expect(value.presentation.fields[2].default).toBe(2);
    expect(value.fulfillment.retry_policy.initial_delay).toBe("30s");
    expect(value.fulfillment.actions[0].template.variables.app_name).toBe("{{ app_name }}");
    expect(value.fulfillment.actions[0].verification.expected.required_outputs).toEqual(["service_url"]);
    // Plain data: ordinary objects and arrays only.
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });

  it("loads the same catalog file with CRLF line endings", () => {
    expect(accepted(EKS.replace(/\n/g, "\r\n")).value).toEqual(accepted(EKS).value);
  });

  it("loads an empty file and a comment-only file as null", () => {
    expect(accepted("").value).toBeNull();
    expect(accepted("# nothing here\n").value).toBeNull();
  });

  it("accepts an explicit document start and end marker around one document", () => {
    expect(accepted("---\na: 1\n").value).toEqual({ a: 1 });
    expect(accepted("a: 1\n...\n").value).toEqual({ a: 1 });
  });

  it("accepts an anchor that is never used as an alias", () => {
    expect(accepted("a: &x 1\n").value).toEqual({ a: 1 });
  });

  it("keeps compact single-pair mappings in flow sequences", () => {
    expect(accepted("a: [x: 1, y: 2]\n").value).toEqual({ a: [{ x: 1 }, { y: 2 }] });
  });
});

describe("size cap", () => {
  const limits = { maxBytes: 10, maxDepth: DEFAULT_LIMITS.maxDepth };

  it("accepts a file of exactly the limit and rejects one byte more with yaml-too-large at 1:1", () => {
    expect(accepted("a: 1234567", limits).value).toEqual({ a: 1234567 });
    const d = rejectedWith("a: 12345678", "yaml-too-large", 1, 1, limits);
    expect(d.message).toContain("11");
    expect(d.message).toContain("10");
    expect(d.hint).toBeTruthy();
  });

  it("counts UTF-8 bytes, not characters", () => {
    // 3 + 4 two-byte characters = 11 bytes in 7 characters.
    rejectedWith("a: éééé", "yaml-too-large", 1, 1, limits);
    expect(accepted("a: ééé", limits).value).toEqual({ a: "ééé" });
  });

  it("rejects a file over the default 1 MiB limit", () => {
    expect(DEFAULT_LIMITS.maxBytes).toBe(1024 * 1024);
    const text = `a: ${"x".repeat(1024 * 1024)}\n`;
    const d = rejectedWith(text, "yaml-too-large", 1, 1);
    expect(d.message).toContain(String(Buffer.byteLength(text)));
    // Multi-byte content under a million characters but over a MiB.
    rejectedWith(`a: ${"é".repeat(512 * 1024)}\n`, "yaml-too-large", 1, 1);
  });

  it("accepts a file of exactly 1 MiB", () => {
    const text = `a: ${"x".repeat(1024 * 1024 - 4)}\n`;
    expect(Buffer.byteLength(text)).toBe(1024 * 1024);
    expect((accepted(text).value as { a: string }).a).toHaveLength(1024 * 1024 - 4);
  });

  it("checks size before anything else: an oversized deep file is too large, not too deep", () => {
    expect(rejected("[".repeat(2 * 1024 * 1024)).map((d) => d.code)).toEqual(["yaml-too-large"]);
  });
});

describe("nesting-depth limit", () => {
  const brackets = "[".repeat(1000) + "]".repeat(1000);

  it("rejects a 2 KB file of 1,000 nested `[` with yaml-too-deep where the limit was crossed", () => {
    expect(Buffer.byteLength(brackets)).toBe(2000);
    const d = rejectedWith(brackets, "yaml-too-deep", 1, 64);
    expect(d.message).toContain("64");
    expect(d.hint).toBeTruthy();
  });

  it("rejects the same file 100 times in one process without crashing", () => {
    for (let i = 0; i < 100; i++) {
      const result = load(brackets);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.diagnostics.map((d) => d.code)).toEqual(["yaml-too-deep"]);
    }
  });

  it("rejects 1,000 unclosed `[` as too deep rather than as a syntax error", () => {
    rejectedWith("[".repeat(1000), "yaml-too-deep", 1, 64);
  });

  it("rejects 1,000 nested `{` and 1,000 nested `{a: `", () => {
    rejectedWith("{".repeat(1000) + "}".repeat(1000), "yaml-too-deep", 1, 64);
    rejectedWith("{a: ".repeat(1000) + "1" + "}".repeat(1000), "yaml-too-deep", 1);
  });

  it("rejects 1,000 `[` nested under block mappings at the line where the limit was crossed", () => {
    const text = `kind: CatalogItem\nspec:\n  values: ${brackets}\n`;
    // Two block levels, so the 63rd `[` (column 11 + 62) crosses 64.
    rejectedWith(text, "yaml-too-deep", 3, 11 + 62);
  });

  it("rejects deep block-indented mappings at the line where the limit was crossed", () => {
    // The key that opens level 65, at its indentation.
    rejectedWith(blockMappings(200), "yaml-too-deep", 65, 129);
    rejectedWith(blockMappings(1000, 1), "yaml-too-deep", 65, 65);
  });

  it("accepts block mappings exactly at the limit and rejects one level more", () => {
    // 63 nested mappings plus the line of their scalar measure 64 levels.
    expect(load(blockMappings(63)).ok).toBe(true);
    rejectedWith(blockMappings(64), "yaml-too-deep", 65, 129);
  });

  it("rejects deep compact sequences `- - - -` on the line where they are", () => {
    rejectedWith("- ".repeat(1000) + "x\n", "yaml-too-deep", 1, 127);
    rejectedWith(`kind: Bundle\nitems:\n  - name: a\n  - ${"- ".repeat(200)}x\n`, "yaml-too-deep", 4, 127);
  });

  it("honours a custom depth limit", () => {
    const limits = { maxBytes: DEFAULT_LIMITS.maxBytes, maxDepth: 3 };
    expect(accepted("a:\n  b:\n    c: 1\n", limits).value).toEqual({ a: { b: { c: 1 } } });
    rejectedWith("a:\n  b:\n    c:\n      d: 1\n", "yaml-too-deep", 4, 7, limits);
    rejectedWith("a:\n  b: [[1]]\n", "yaml-too-deep", 2, 7, limits);
  });

  it("accepts a workflow whose `run: |` block holds many brackets, quotes and dashes", () => {
    const script = [
      `echo "${"[".repeat(500)}"`,
      `if [[ -n "$X" ]]; then echo ${"{".repeat(500)}; fi`,
      `echo '${"[[[[".repeat(100)}`,
      "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
      "# [[[[[[[[[[ not a comment in YAML, a line of the script",
    ];
    const text = [
      "name: provision",
      "on:",
      "  workflow_dispatch:",
      "    inputs:",
      "      request:",
      "        required: true",
      "jobs:",
      "  run:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - name: apply",
      "        run: |",
      ...script.map((line) => `          ${line}`),
      "      - name: summary",
      "        run: >",
      `          folded ${"[".repeat(300)}`,
      `          text ${"{".repeat(300)}`,
      "",
    ].join("\n");
    const value = accepted(text).value as { jobs: { run: { steps: Array<{ run?: string }> } } };
    expect(value.jobs.run.steps[1]!.run).toBe(`${script.join("\n")}\n`);
    expect(value.jobs.run.steps[2]!.run).toBe(`folded ${"[".repeat(300)} text ${"{".repeat(300)}\n`);
  });

  it("accepts brackets in quoted strings and comments", () => {
    const text = [
      `# ${"[".repeat(500)}`,
      `pattern: "${"[".repeat(500)}"`,
      `other: '${"{".repeat(500)}'`,
      `escaped: "\\"${"[".repeat(500)}\\""`,
      `doubled: 'it''s ${"[".repeat(500)}'`,
      `multi: "first`,
      `  ${"[".repeat(500)}`,
      `  last"`,
      `list: ["${"[".repeat(500)}", '${"{".repeat(500)}'] # ${"[".repeat(500)}`,
      "",
    ].join("\n");
    const value = accepted(text).value as Record<string, unknown>;
    expect(value.pattern).toBe("[".repeat(500));
    expect(value.escaped).toBe(`"${"[".repeat(500)}"`);
    expect(value.doubled).toBe(`it's ${"[".repeat(500)}`);
    expect(value.multi).toBe(`first ${"[".repeat(500)} last`);
    expect(value.list).toEqual(["[".repeat(500), "{".repeat(500)]);
  });

  // The pre-scan must not be fooled into missing nesting that the parser will then recurse into.

  it("rejects deep nesting that follows a plain scalar containing `, '` as too deep", () => {
    const text = `description: Kubernetes, 'nuff said\nvalues: ${brackets}\n`;
    rejectedWith(text, "yaml-too-deep", 2);
  });

  it("rejects deep nesting in keys that follow a `- run: |` block scalar in the same step", () => {
    const step = (brackets: number) =>
      [
        "jobs:",
        "  build:",
        "    steps:",
        "      - run: |",
        "          echo hi",
        `        env: {a: ${"[".repeat(brackets)}${"]".repeat(brackets)}}`,
        "",
      ].join("\n");
    // 100 levels: the parser would accept it, only the limit can stop it.
    rejectedWith(step(100), "yaml-too-deep", 6);
    // 1,000 levels: too deep, not a syntax error from the parser running out of stack.
    rejectedWith(step(1000), "yaml-too-deep", 6);
  });

  it("rejects deep nesting that follows a plain scalar with an unbalanced `[`", () => {
    // 100 levels: past the limit of 64 but shallow enough for the parser, so nothing else would stop it.
    const nested = blockMappings(100, 1).replace(/^/gm, " ");
    const d = rejected(`pattern: x[\nvalues:\n${nested}`)[0]!;
    expect(d.code).toBe("yaml-too-deep");
    // Somewhere in the nested mappings (line 66 with the pre-scan's way of counting).
    expect(d.line).toBeGreaterThanOrEqual(3);
    expect(d.line).toBeLessThanOrEqual(103);
  });
});

describe("aliases", () => {
  const billionLaughs = [
    'lol: &lol "lol"',
    ...Array.from({ length: 9 }, (_, i) => {
      const prev = i === 0 ? "lol" : `lol${i}`;
      return `lol${i + 1}: &lol${i + 1} [${Array(10).fill(`*${prev}`).join(", ")}]`;
    }),
    "",
  ].join("\n");

  it("rejects a billion-laughs file with yaml-alias, and returns", () => {
    expect(billionLaughs).toContain("lol9: &lol9 [*lol8, *lol8");
    const diagnostics = rejected(billionLaughs);
    expect(new Set(diagnostics.map((d) => d.code))).toEqual(new Set(["yaml-alias"]));
    expect(diagnostics[0]).toMatchObject({ code: "yaml-alias", line: 2, column: 14 });
    expect(diagnostics[0]!.message).toContain("*lol");
    expect(diagnostics[0]!.hint).toBeTruthy();
  });

  it("rejects a single alias with its line and column", () => {
    const d = rejectedWith("a: &x 1\nb: *x\n", "yaml-alias", 2, 4);
    expect(d.message).toContain("*x");
  });

  it("rejects a nested alias", () => {
    rejectedWith("defaults: &d\n  replicas: 2\nitems:\n  - name: a\n    settings: *d\n", "yaml-alias", 5, 15);
  });

  it("rejects merge keys with aliases (merge is off, the alias is refused)", () => {
    rejectedWith("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n", "yaml-alias", 3, 7);
  });

  it("rejects an alias used as a key", () => {
    const diagnostics = rejected("a: &k x\n*k : 1\n");
    expect(diagnostics[0]!.line).toBe(2);
    expect(["yaml-alias", "yaml-complex-key"]).toContain(diagnostics[0]!.code);
  });
});

describe("duplicate keys", () => {
  it("rejects a duplicate top-level key at the second key", () => {
    const d = rejectedWith("a: 1\nb: 2\na: 3\n", "yaml-duplicate-key", 3, 1);
    expect(d.hint).toBeTruthy();
  });

  it("rejects a duplicate nested key at the second key", () => {
    rejectedWith("a:\n  b: 1\n  c: 2\n  b: 3\n", "yaml-duplicate-key", 4, 3);
  });

  it("rejects a duplicate key in a flow mapping", () => {
    rejectedWith("a: {x: 1, x: 2}\n", "yaml-duplicate-key", 1, 11);
  });

  it("rejects a quoted key that repeats a plain one", () => {
    rejectedWith("a: 1\n'a': 2\n", "yaml-duplicate-key", 2, 1);
    rejectedWith('a: 1\n"a": 2\n', "yaml-duplicate-key", 2, 1);
  });

  it("rejects keys that are equal numbers written differently", () => {
    const d = rejectedWith("1: a\n1.0: b\n", "yaml-duplicate-key", 2, 1);
    // As written, and as read.
    expect(d.message).toContain("'1.0' (read as '1')");
  });

  it("rejects keys that differ in YAML type but become the same property (1 and '1', true and 'true')", () => {
    rejectedWith('1: a\n"1": b\n', "yaml-duplicate-key", 2, 1);
    rejectedWith('enabled: x\ntrue: a\n"true": b\n', "yaml-duplicate-key", 3, 1);
  });
});

describe("multiple documents", () => {
  it("rejects two documents with yaml-multiple-documents at the separator", () => {
    const d = rejectedWith("a: 1\n---\nb: 2\n", "yaml-multiple-documents", 2, 1);
    expect(d.hint).toBeTruthy();
  });

  it("rejects three documents once", () => {
    const diagnostics = rejected("a: 1\n---\nb: 2\n---\nc: 3\n");
    expect(diagnostics[0]).toMatchObject({ code: "yaml-multiple-documents", line: 2, column: 1 });
  });

  it("rejects a trailing empty document", () => {
    rejectedWith("---\na: 1\n---\n", "yaml-multiple-documents", 3, 1);
  });
});

describe("forbidden keys", () => {
  for (const key of ["__proto__", "constructor", "prototype"]) {
    it(`rejects '${key}' at the top level and nested, with the key's position`, () => {
      const top = rejectedWith(`name: x\n${key}:\n  polluted: true\n`, "yaml-forbidden-key", 2, 1);
      expect(top.message).toContain(key);
      rejectedWith(`a:\n  - b:\n      ${key}: {polluted: true}\n`, "yaml-forbidden-key", 3, 7);
      rejectedWith(`a: {x: 1, ${key}: {polluted: true}}\n`, "yaml-forbidden-key", 1, 11);
      rejectedWith(`"${key}": 1\n`, "yaml-forbidden-key", 1, 1);
    });
  }

  it("does not pollute Object.prototype", () => {
    const texts = [
      "__proto__:\n  polluted: true\n",
      '{"__proto__": {"polluted": true}}\n',
      "a:\n  __proto__: {polluted: true}\n",
      "constructor:\n  prototype:\n    polluted: true\n",
      "items:\n  - __proto__: {polluted: true}\n",
    ];
    for (const text of texts) expect(load(text).ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  });

  it("accepts keys that only contain the forbidden words", () => {
    expect(accepted("proto: 1\nconstructor_name: x\nprototypes: []\n").value).toEqual({
      proto: 1,
      constructor_name: "x",
      prototypes: [],
    });
  });
});

describe("complex keys", () => {
  it("rejects a flow-sequence key `? [a, b]: c` at the key", () => {
    const d = rejectedWith("? [a, b]: c\n", "yaml-complex-key", 1, 3);
    expect(d.message).toMatch(/plain scalar/);
  });

  it("rejects explicit and implicit collection keys", () => {
    rejectedWith("? [a, b]\n: c\n", "yaml-complex-key", 1, 3);
    rejectedWith("name: x\n[a, b]: c\n", "yaml-complex-key", 2, 1);
    rejectedWith("name: x\n{a: 1}: c\n", "yaml-complex-key", 2, 1);
  });

  it("rejects a null key", () => {
    rejectedWith("name: x\n~: c\n", "yaml-complex-key", 2, 1);
  });
});

describe("syntax errors", () => {
  it("reports yaml-syntax with the line and column of the mistake", () => {
    const d = rejectedWith("name: x\nbad: a: b\n", "yaml-syntax", 2, 6);
    expect(d.message).toMatch(/^[a-z]/);
  });

  it("reports tab indentation", () => {
    rejectedWith("a:\n\tb: 1\n", "yaml-syntax", 2, 1);
  });

  it("reports an unclosed flow sequence", () => {
    expect(rejected("a: 1\nb: [1, 2\nc: 3\n")[0]!.code).toBe("yaml-syntax");
  });

  it("reports an unterminated quoted string", () => {
    expect(rejected("a: 'unterminated\n")[0]!.code).toBe("yaml-syntax");
  });

  it("reports unknown tags and directives", () => {
    rejectedWith("a: !custom x\n", "yaml-syntax", 1, 4);
    rejectedWith("%FOO bar\n---\na: 1\n", "yaml-syntax", 1, 1);
    rejectedWith("%YAML 1.3\n---\na: 1\n", "yaml-syntax", 1);
  });

  it("reports one mistake once per line", () => {
    const diagnostics = rejected("a: [1, }\n");
    const keys = diagnostics.map((d) => `${d.code}:${d.line}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  // Like any other unresolved tag: these would give a Buffer, a Date, or lose data (an omap becomes [null, null]).
  for (const tag of ["!!binary aGVsbG8=", "!!timestamp 2025-08-16", "!!set {x, y}", "!!omap [x: 1, y: 2]", "!!pairs [x: 1]"]) {
    it(`rejects the YAML 1.1 tag in \`a: ${tag}\` as yaml-syntax at the tag`, () => {
      rejectedWith(`a: ${tag}\n`, "yaml-syntax", 1, 4);
    });
  }

  it("accepts core-schema tags", () => {
    expect(accepted("a: !!str 1\nb: !!int '3'\nc: !!map {d: 1}\n").value).toEqual({ a: "1", b: 3, c: { d: 1 } });
  });
});

describe("YAML 1.2 semantics", () => {
  it("keeps `on` as a string key and yes/no/on/off/y/n as strings", () => {
    const value = accepted("on: push\na: yes\nb: no\nc: On\nd: off\ne: y\nf: n\ng: Yes\n").value;
    expect(value).toEqual({ on: "push", a: "yes", b: "no", c: "On", d: "off", e: "y", f: "n", g: "Yes" });
    expect(Object.keys(value as object)).toContain("on");
    expect(Object.keys(value as object)).not.toContain("true");
  });

  it("keeps dates as strings", () => {
    expect(accepted("date: 2025-08-16\nstamp: 2025-08-16T10:00:00Z\n").value).toEqual({
      date: "2025-08-16",
      stamp: "2025-08-16T10:00:00Z",
    });
  });

  it("reads 1.10 as the number 1.1, so later layers can ask for quotes", () => {
    const value = accepted("version: 1.10\nquoted: '1.10'\nsemver: 1.10.0\nwhole: 1.0\n").value;
    expect(value).toEqual({ version: 1.1, quoted: "1.10", semver: "1.10.0", whole: 1 });
    expect(typeof (value as { version: unknown }).version).toBe("number");
  });

  it("reads core-schema booleans, nulls and numbers", () => {
    expect(accepted("a: true\nb: False\nc: null\nd: ~\ne:\nf: 0o17\ng: 0x1F\nh: 012\ni: 1_000\nj: 1e3\n").value).toEqual({
      a: true,
      b: false,
      c: null,
      d: null,
      e: null,
      f: 15,
      g: 31,
      h: 12,
      i: "1_000",
      j: 1000,
    });
  });

  it("stays YAML 1.2 under a %YAML 1.1 directive", () => {
    expect(accepted("%YAML 1.1\n---\non: yes\nd: 2025-08-16\n").value).toEqual({ on: "yes", d: "2025-08-16" });
  });
});

describe("locate", () => {
  const text = [
    "kind: CatalogItem", // 1
    "presentation:", // 2
    "  fields:", // 3
    "    - name: app_name", // 4
    "      type: string", // 5
    "    - name: environment", // 6
    "      oneof: [dev, staging, prod]", // 7
    "  empty:", // 8
    "meta: {a: 1, b: [x, y]}", // 9
    "",
  ].join("\n");
  const doc = accepted(text);

  it("points at values at nested paths through mapping keys and sequence indices", () => {
    expect(doc.locate(["kind"])).toEqual({ line: 1, column: 7 });
    expect(doc.locate(["presentation", "fields"])).toEqual({ line: 4, column: 5 });
    expect(doc.locate(["presentation", "fields", 0])).toEqual({ line: 4, column: 7 });
    expect(doc.locate(["presentation", "fields", 0, "type"])).toEqual({ line: 5, column: 13 });
    expect(doc.locate(["presentation", "fields", 1, "name"])).toEqual({ line: 6, column: 13 });
    expect(doc.locate(["presentation", "fields", 1, "oneof", 2])).toEqual({ line: 7, column: 29 });
    expect(doc.locate(["meta", "b", 1])).toEqual({ line: 9, column: 21 });
  });

  it("points at the root for an empty path", () => {
    expect(doc.locate([])).toEqual({ line: 1, column: 1 });
    const withComment = accepted("# header\n\nx: 1\n");
    expect(withComment.locate([])).toEqual({ line: 3, column: 1 });
  });

  it("points at keys with {key: true}", () => {
    expect(doc.locate(["kind"], { key: true })).toEqual({ line: 1, column: 1 });
    expect(doc.locate(["presentation", "fields"], { key: true })).toEqual({ line: 3, column: 3 });
    expect(doc.locate(["presentation", "fields", 1, "oneof"], { key: true })).toEqual({ line: 7, column: 7 });
    expect(doc.locate(["presentation", "empty"], { key: true })).toEqual({ line: 8, column: 3 });
    expect(doc.locate(["meta", "a"], { key: true })).toEqual({ line: 9, column: 8 });
  });

  it("points at the item itself for a sequence index with {key: true}", () => {
    expect(doc.locate(["presentation", "fields", 1], { key: true })).toEqual({ line: 6, column: 7 });
  });

  it("resolves a missing path to its deepest existing ancestor", () => {
    // A missing key points at the mapping that should hold it.
    expect(doc.locate(["presentation", "fields", 1, "missing"])).toEqual({ line: 6, column: 7 });
    expect(doc.locate(["presentation", "nope", "deeper"])).toEqual({ line: 3, column: 3 });
    expect(doc.locate(["nothing"])).toEqual({ line: 1, column: 1 });
    // A missing index points at the sequence.
    expect(doc.locate(["presentation", "fields", 5, "name"])).toEqual({ line: 4, column: 5 });
    // A path through a scalar stops at the scalar.
    expect(doc.locate(["kind", "deeper", 0])).toEqual({ line: 1, column: 7 });
    // A string segment does not index a sequence.
    expect(doc.locate(["presentation", "fields", "0"])).toEqual({ line: 4, column: 5 });
  });

  it("points at the key of the deepest existing ancestor for a missing path with {key: true}", () => {
    expect(doc.locate(["presentation", "nope"], { key: true })).toEqual({ line: 2, column: 1 });
  });

  it("locates an empty value", () => {
    expect(doc.locate(["presentation", "empty"]).line).toBe(8);
  });

  it("gives the same answer when asked again", () => {
    const first = doc.locate(["presentation", "fields", 1, "oneof", 0]);
    expect(doc.locate(["presentation", "fields", 1, "oneof", 0])).toEqual(first);
    expect(first).toEqual({ line: 7, column: 15 });
  });

  it("counts lines correctly with CRLF line endings", () => {
    const crlf = accepted(text.replace(/\n/g, "\r\n"));
    expect(crlf.locate(["presentation", "fields", 1, "oneof", 2])).toEqual({ line: 7, column: 29 });
    expect(crlf.locate(["meta", "a"], { key: true })).toEqual({ line: 9, column: 8 });
  });

  it("locates in an empty document", () => {
    expect(accepted("").locate(["a", 0])).toEqual({ line: 1, column: 1 });
  });

  it("locates in the realistic catalog file", () => {
    const eks = accepted(EKS);
    const lines = EKS.split("\n");
    const at = eks.locate(["presentation", "fields", 4, "conditional", "value"]);
    expect(lines[at.line - 1]!.slice(at.column - 1)).toBe("prod");
    const key = eks.locate(["fulfillment", "actions", 0, "verification", "expected", "required_outputs"], { key: true });
    expect(lines[key.line - 1]!.slice(key.column - 1)).toBe("required_outputs: [service_url]");
    const item = eks.locate(["fulfillment", "actions", 0, "verification", "expected", "required_outputs", 0]);
    expect(lines[item.line - 1]!.slice(item.column - 1)).toBe("service_url]");
  });
});
