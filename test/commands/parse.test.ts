/** Reading commands from pull request comments: only real command lines count, whatever else a comment holds. */
import { describe, expect, it } from "vitest";
import { MAX_COMMANDS, nearestCommand, parseComment } from "../../src/commands/parse.js";
import { COMMANDS, MAX_REASON_LENGTH } from "../../src/commands/table.js";
import { seeded } from "../helpers/seeded.js";

const names = (body: string) => parseComment(body).commands.map((c) => c.name);

describe("parsing a comment", () => {
  it("reads one command a line, at the start of the line, with its arguments", () => {
    const parsed = parseComment("Thanks!\n/retry step-002\n/resume\n/resume step-003\n/abort the project was cancelled\n/status\n/help");
    expect(parsed.commands).toEqual([
      { name: "retry", line: 2, step: "step-002", text: null },
      { name: "resume", line: 3, step: null, text: null },
      { name: "resume", line: 4, step: "step-003", text: null },
      { name: "abort", line: 5, step: null, text: "the project was cancelled" },
      { name: "status", line: 6, step: null, text: null },
      { name: "help", line: 7, step: null, text: null },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it("takes Windows and old Mac line ends, and trailing spaces", () => {
    expect(names("hi\r\n/status  \r/help")).toEqual(["status", "help"]);
  });

  it("never reads a command from a quote, a code block, an indented line, an HTML comment or the middle of a line", () => {
    const body = [
      "> /abort",
      ">/abort",
      "```",
      "/abort",
      "```",
      "~~~~",
      "/abort",
      "```",
      "/abort",
      "~~~~",
      "    /abort",
      "\t/abort",
      "<!-- /abort",
      "/abort",
      "-->",
      "<!-- one line --> ",
      "please /abort this",
      "`/abort`",
      "/status",
    ].join("\n");
    expect(names(body)).toEqual(["status"]);
  });

  it("is case as written: /Retry is no command, and the reply can point to /retry", () => {
    const parsed = parseComment("/Retry step-001\n/rety step-001\n/STATUS");
    expect(parsed.commands).toEqual([]);
    expect(parsed.problems).toEqual([
      { type: "unknown-command", line: 1, nearest: "retry" },
      { type: "unknown-command", line: 2, nearest: "retry" },
      { type: "unknown-command", line: 3, nearest: "status" },
    ]);
    expect(nearestCommand("deploy")).toBeNull();
  });

  it("takes a path at the start of a line for no command at all", () => {
    expect(parseComment("/usr/bin/env node\n/tmp is full").problems).toEqual([{ type: "unknown-command", line: 2, nearest: null }]);
    expect(parseComment("/usr/bin/env node").problems).toEqual([]);
  });

  it("says what a command takes when its arguments are wrong", () => {
    const parsed = parseComment("/retry\n/retry 2\n/retry step-002 step-003\n/status now\n/resume all");
    expect(parsed.commands).toEqual([]);
    expect(parsed.problems.map((p) => (p.type === "bad-arguments" ? `${p.line} ${p.name} ${p.expected}` : p.type))).toEqual([
      "1 retry /retry step-NNN",
      "2 retry /retry step-NNN",
      "3 retry /retry step-NNN",
      "4 status /status",
      "5 resume /resume [step-NNN]",
    ]);
  });

  it("runs at most ten commands of a comment and counts the rest", () => {
    const parsed = parseComment(Array.from({ length: 500 }, () => "/status").join("\n"));
    expect(parsed.commands).toHaveLength(MAX_COMMANDS);
    expect(parsed.leftOut).toBe(500 - MAX_COMMANDS);
  });

  it("keeps a reason short, and /retry with ten thousand arguments is one refusal", () => {
    expect(parseComment(`/abort ${"x".repeat(5000)}`).commands[0]!.text).toHaveLength(MAX_REASON_LENGTH);
    const many = parseComment(`/retry ${Array.from({ length: 10_000 }, (_, i) => `step-${String(i % 1000).padStart(3, "0")}`).join(" ")}`);
    expect(many.commands).toEqual([]);
    expect(many.problems).toHaveLength(1);
  });

  it("knows every command of the table", () => {
    for (const spec of COMMANDS) expect(names(spec.examples[0]!)).toEqual([spec.name]);
  });
});


describe("a thousand generated comments", () => {
  const random = seeded(12);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  // Each piece says whether it may hold a command a person meant.
  const hidden = ["> /abort", "```\n/abort\n```", "    /abort", "<!--\n/abort\n-->", "`/abort`", "text /abort", "／abort", "/ab\u200Bort", "\u202E/abort"];
  const noise = ["@octocat please", "#12 and acme/repo#3", "<script>alert(1)</script>", "**bold** _it_ [link](javascript:x)", "ünïcödé 🎉", "x".repeat(1000), "\n\n", "/"];

  it("never runs a command from quoted, code or look-alike text, and never fails", () => {
    for (let i = 0; i < 1000; i++) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.5 ? pick(hidden) : pick(noise)));
      const body = parts.join("\n").repeat(random() < 0.01 ? 200 : 1);
      const parsed = parseComment(body);
      expect(parsed.commands).toEqual([]);
      expect(parsed.problems).toEqual([]);
    }
  });

  it("reads a megabyte comment and finds its one real command", () => {
    const parsed = parseComment(`${"> quoted line with /abort in it\n".repeat(35_000)}/status\n`);
    expect(parsed.commands.map((c) => c.name)).toEqual(["status"]);
  });
});
