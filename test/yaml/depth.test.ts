import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { measureDepth } from "../../src/yaml/depth.js";
import { EKS } from "./fixtures.js";

/** How deeply collections really nest in a plain value: a scalar is 0, `[]` or `{}` is 1. */
function actualDepth(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(actualDepth));
  if (value !== null && typeof value === "object") return 1 + Math.max(0, ...Object.values(value).map(actualDepth));
  return 0;
}

/** `k:` nested `levels` deep with `indent` spaces per level, ending in a scalar. */
function blockMappings(levels: number, indent = 2): string {
  let text = "";
  for (let k = 0; k < levels; k++) text += `${" ".repeat(k * indent)}k${k}:\n`;
  return `${text}${" ".repeat(levels * indent)}leaf\n`;
}

describe("measureDepth basics", () => {
  it("reports 0 for an empty text and for comments and blank lines only", () => {
    expect(measureDepth("").depth).toBe(0);
    expect(measureDepth("# just a comment\n\n   \n# [[[[ {{{{\n").depth).toBe(0);
  });

  it("counts one level for a flat mapping and grows with block indentation", () => {
    const flat = measureDepth("a: 1\nb: 2\nc: three\n");
    expect(flat.depth).toBe(1);
    const d3 = measureDepth("a:\n  b:\n    c: 1\n").depth;
    const d5 = measureDepth("a:\n  b:\n    c:\n      d:\n        e: 1\n").depth;
    expect(d3).toBeGreaterThanOrEqual(3);
    expect(d5).toBe(d3 + 2);
  });

  it("pops levels when indentation returns, so siblings do not accumulate depth", () => {
    const text = "a:\n  b:\n    c: 1\nd:\n  e: 1\nf:\n  g: 1\nh:\n  i: 1\nj:\n  k: 1\n";
    expect(measureDepth(text).depth).toBe(measureDepth("a:\n  b:\n    c: 1\n").depth);
  });

  it("counts flow brackets on top of block indentation", () => {
    const base = measureDepth("a: 1\n").depth;
    expect(measureDepth("a: [1]\n").depth).toBe(base + 1);
    expect(measureDepth("a: [[1]]\n").depth).toBe(base + 2);
    expect(measureDepth("a: {b: {c: [1]}}\n").depth).toBe(base + 3);
  });

  it("closing brackets bring the flow depth back down", () => {
    expect(measureDepth("a: [[1]]\nb: [2]\nc: [3]\n").depth).toBe(measureDepth("a: [[1]]\n").depth);
    // A stray closing bracket never makes the count negative (which would hide later nesting).
    const stray = measureDepth("a: x]]]]]\nb: [[[[1]]]]\n").depth;
    expect(stray).toBeGreaterThanOrEqual(measureDepth("b: [[[[1]]]]\n").depth);
  });

  it("counts flow collections that span several lines", () => {
    const text = "a: [\n  [\n    [\n      1\n    ]\n  ]\n]\n";
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(actualDepth(parse(text)));
    expect(measureDepth(text).depth).toBe(measureDepth("a: [[[1]]]\n").depth);
  });

  it("handles CRLF line endings", () => {
    const lf = "a:\n  b:\n    c: [1]\n";
    const crlf = lf.replace(/\n/g, "\r\n");
    expect(measureDepth(crlf)).toEqual(measureDepth(lf));
  });
});

describe("measureDepth on hostile nesting", () => {
  it("measures 1,000 nested `[` (2 KB) without recursion and reports the full depth", () => {
    const text = "[".repeat(1000) + "]".repeat(1000);
    expect(text.length).toBe(2000);
    const report = measureDepth(text);
    expect(report.depth).toBeGreaterThanOrEqual(1000);
    expect(report.at.line).toBe(1);
    expect(report.at.column).toBe(1000);
  });

  it("stops at the first point past stopAt and reports where that was", () => {
    const text = "[".repeat(1000) + "]".repeat(1000);
    const report = measureDepth(text, 64);
    expect(report.depth).toBe(65);
    // One level for the top-level line plus 64 brackets: the 64th `[` is where 64 was crossed.
    expect(report.at).toEqual({ line: 1, column: 64 });
  });

  it("stops early on a large file (1 MiB of `[`)", () => {
    const text = "[".repeat(1024 * 1024);
    const report = measureDepth(text, 10);
    expect(report.depth).toBe(11);
    expect(report.at).toEqual({ line: 1, column: 10 });
  });

  it("measures 1,000 nested `{` and `{a: ` mappings", () => {
    expect(measureDepth("{".repeat(1000) + "}".repeat(1000)).depth).toBeGreaterThanOrEqual(1000);
    expect(measureDepth("{a: ".repeat(1000) + "1" + "}".repeat(1000)).depth).toBeGreaterThanOrEqual(1000);
  });

  it("measures deep block-indented mappings", () => {
    expect(measureDepth(blockMappings(200)).depth).toBeGreaterThanOrEqual(200);
    expect(measureDepth(blockMappings(1000, 1)).depth).toBeGreaterThanOrEqual(1000);
  });

  it("measures compact nested sequences `- - - -` on one line", () => {
    const text = "- ".repeat(1000) + "x\n";
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(1000);
    // The 64th `-` (column 2 * 63 + 1) opens level 65.
    expect(measureDepth(text, 64).at).toEqual({ line: 1, column: 127 });
  });

  it("measures compact nested sequences under a key and on several lines", () => {
    const text = "a:\n  - - - - - x\n  - - - - - - - - - y\n";
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(actualDepth(parse(text)));
    expect(measureDepth(text).at.line).toBe(3);
  });

  it("measures complex-key indicators `? ` as levels", () => {
    const text = "? ? ? ? a\n";
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(4);
  });
});

describe("measureDepth positions", () => {
  it("points at the line where block indentation crossed the limit", () => {
    const text = blockMappings(10);
    const report = measureDepth(text, 5);
    expect(report.depth).toBe(6);
    // The key that opens the sixth level, indented by ten spaces.
    expect(report.at).toEqual({ line: 6, column: 11 });
  });

  it("points at the bracket where flow nesting on a later line crossed the limit", () => {
    const text = "a: 1\nb:\n  c: [[[[1]]]]\n";
    const report = measureDepth(text, 4);
    expect(report.depth).toBe(5);
    // `  c: [[[` : the third `[` (column 8) takes two block levels plus three flow levels past 4.
    expect(report.at).toEqual({ line: 3, column: 8 });
  });

  it("points at the line with CRLF line endings too", () => {
    const text = blockMappings(10).replace(/\n/g, "\r\n");
    expect(measureDepth(text, 5).at).toEqual({ line: 6, column: 11 });
  });

  it("without stopAt reports where the deepest point was first reached", () => {
    const text = "a: 1\nb: [[1]]\nc: [[2]]\nd:\n  e: 1\n";
    const report = measureDepth(text);
    expect(report.at).toEqual({ line: 2, column: 5 });
  });

  it("reports the deepest line of a compact sequence", () => {
    const text = "a:\n  b: 1\nc:\n  - - - - - - - - x\n";
    const report = measureDepth(text, 5);
    // `c:` and the line's indentation are two levels; the fourth `-` (column 9) opens the sixth.
    expect(report.depth).toBe(6);
    expect(report.at).toEqual({ line: 4, column: 9 });
  });
});

describe("measureDepth ignores brackets that are not structure", () => {
  const flatDepth = measureDepth("a: x\n").depth;

  it("in double-quoted strings, including escaped quotes", () => {
    expect(measureDepth(`a: "${"[".repeat(200)}"\n`).depth).toBe(flatDepth);
    expect(measureDepth(`a: "\\"${"{".repeat(200)}\\" still quoted ${"[".repeat(200)}"\n`).depth).toBe(flatDepth);
    expect(measureDepth(`"${"[".repeat(200)}": 1\n`).depth).toBe(flatDepth);
  });

  it("in single-quoted strings, including doubled quotes", () => {
    expect(measureDepth(`a: '${"[".repeat(200)}'\n`).depth).toBe(flatDepth);
    expect(measureDepth(`a: 'it''s ${"[".repeat(200)}'\n`).depth).toBe(flatDepth);
  });

  it("in multi-line quoted strings", () => {
    const text = `a: "first line\n  ${"[".repeat(200)}\n  ${"{".repeat(200)}\n  end"\nb: 1\n`;
    expect(measureDepth(text).depth).toBe(flatDepth);
    const single = `a: 'first line\n  ${"[".repeat(200)}\n  end'\nb: 1\n`;
    expect(measureDepth(single).depth).toBe(flatDepth);
  });

  it("in quoted strings inside flow collections", () => {
    expect(measureDepth(`a: ["${"[".repeat(200)}", '${"{".repeat(200)}']\n`).depth).toBe(measureDepth("a: [x]\n").depth);
  });

  it("in comments, whole-line and trailing", () => {
    const text = `# ${"[".repeat(200)}\na: 1 # ${"{".repeat(200)}\n  # ${"[".repeat(200)}\nb: [1] # ${"[".repeat(200)}\n`;
    expect(measureDepth(text).depth).toBe(measureDepth("a: 1\nb: [1]\n").depth);
  });

  it("in literal block scalars (`|`), also under a sequence item", () => {
    const text = [
      "jobs:",
      "  build:",
      "    steps:",
      "      - name: compile",
      "        run: |",
      `          echo ${"[".repeat(300)}`,
      `          echo ${"{".repeat(300)}`,
      "",
      "          # not a comment, content",
      "          - - - - - - - - - - - - - - not a sequence",
      "      - name: after",
      "        run: echo done",
      "",
    ].join("\n");
    expect(measureDepth(text).depth).toBeLessThanOrEqual(6);
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(actualDepth(parse(text)));
  });

  it("in folded block scalars (`>`) and with chomping and indentation indicators", () => {
    for (const indicator of [">", ">-", ">+", "|-", "|+", "|2", "|2-", ">1"]) {
      const text = `a: ${indicator}\n    ${"[".repeat(200)}\n\n    ${"{".repeat(200)}\nb: 1\n`;
      expect(measureDepth(text).depth, indicator).toBe(flatDepth);
    }
  });

  it("in a block scalar that is a sequence item itself", () => {
    const text = `- |\n  ${"[".repeat(200)}\n- x\n`;
    expect(measureDepth(text).depth).toBe(measureDepth("- x\n").depth);
  });

  it("but counts nesting again once a block scalar has ended", () => {
    const text = `a: |\n  ${"[".repeat(200)}\nb: ${"[".repeat(100)}${"]".repeat(100)}\n`;
    const report = measureDepth(text, 64);
    expect(report.depth).toBe(65);
    expect(report.at.line).toBe(3);
  });

  it("but counts brackets that follow a closed quoted string on the same line", () => {
    const text = `a: ["x", ${"[".repeat(100)}${"]".repeat(101)}\n`;
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(100);
  });
});

describe("measureDepth never under-counts", () => {
  it("for a realistic catalog file", () => {
    expect(measureDepth(EKS).depth).toBeGreaterThanOrEqual(actualDepth(parse(EKS)));
    expect(measureDepth(EKS).depth).toBeLessThan(64);
  });

  // The pre-scan is the only thing between a small hostile file and the parser's recursion: it may count too much
  // (that is documented), never too little.

  it("when a plain scalar contains `, '` (an apostrophe that does not open a quoted string)", () => {
    const text = `description: Kubernetes, 'nuff said\nb: ${"[".repeat(1000)}${"]".repeat(1000)}\n`;
    expect(parse("description: Kubernetes, 'nuff said\n")).toEqual({ description: "Kubernetes, 'nuff said" });
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(1000);
  });

  it('when a plain scalar contains `-"` (a double quote that does not open a quoted string)', () => {
    const text = `title: a -"b\nb: ${"[".repeat(1000)}${"]".repeat(1000)}\n`;
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(1000);
  });

  it("when a plain scalar contains an unbalanced `[` and deep block mappings follow", () => {
    const text = `pattern: x[\nb:\n${blockMappings(100, 1).replace(/^/gm, " ")}`;
    expect(actualDepth(parse(text))).toBeGreaterThanOrEqual(100);
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(100);
  });

  it("when more keys of the same sequence item follow a `- run: |` block scalar", () => {
    // `env:` is a sibling of `run:` in the step's mapping (column 9), not content of the block scalar.
    const text = [
      "jobs:",
      "  build:",
      "    steps:",
      "      - run: |",
      "          echo hi",
      `        env: {a: ${"[".repeat(100)}${"]".repeat(100)}}`,
      "",
    ].join("\n");
    expect(actualDepth(parse(text))).toBeGreaterThanOrEqual(100);
    expect(measureDepth(text).depth).toBeGreaterThanOrEqual(100);
    expect(measureDepth(text, 64).at.line).toBe(6);
  });

  it("for generated documents with awkward strings, in block and flow style (fixed seed)", () => {
    const chars = ["a", "b", "1", " ", "[", "]", "{", "}", "'", '"', "#", ",", "-", ":", "|", ">", "?", "\\", "\n"];
    const text = fc.string({ unit: fc.constantFrom(...chars), maxLength: 12 });
    const key = fc.string({ unit: fc.constantFrom(...chars.filter((c) => c !== "\n")), maxLength: 6 });
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        text,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(key, tie("value"), { maxKeys: 4, noNullPrototype: true }),
      ),
    }));
    fc.assert(
      fc.property(value, fc.constantFrom("block", "flow", "any") as fc.Arbitrary<"block" | "flow" | "any">, (v, style) => {
        const yamlText = stringify(v, { collectionStyle: style });
        return measureDepth(yamlText).depth >= actualDepth(v);
      }),
      { seed: 20250816, numRuns: 400 },
    );
  });
});
