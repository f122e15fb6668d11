import { describe, expect, it } from "vitest";
import { inspectTemplate } from "../../src/templates/inspect.js";

describe("template inspection", () => {
  it("lists the fields a template reads, through helpers and sub-expressions", () => {
    const report = inspectTemplate("{{ app }}-{{ lower (default env 'dev') }} {{#if ha}}{{ replicas }}{{/if}}");
    expect(report.fields.sort()).toEqual(["app", "env", "ha", "replicas"]);
    expect(report.unknownHelpers).toEqual([]);
  });

  it("does not mistake names inside #each or #with for fields, but sees ../ and @root", () => {
    const report = inspectTemplate("{{#each tags}}{{ this }}-{{ name }}-{{ ../prefix }}-{{ @root.suffix }}{{ @index }}{{/each}}");
    expect(report.fields.sort()).toEqual(["prefix", "suffix", "tags"]);
  });

  it("reports unknown helpers, block helpers included", () => {
    expect(inspectTemplate("{{ shout name }}").unknownHelpers).toEqual(["shout"]);
    expect(inspectTemplate("{{#loop items}}x{{/loop}}").unknownHelpers).toEqual(["loop"]);
    expect(inspectTemplate("{{ log name }}").unknownHelpers).toEqual(["log"]);
  });

  it("refuses partials and decorators", () => {
    expect(inspectTemplate("{{> header }}").notAllowed).toEqual(["partials"]);
    expect(inspectTemplate("{{* decorator }}").notAllowed).toEqual(["decorators"]);
  });

  it("reports a template that does not parse, with its line", () => {
    const report = inspectTemplate("line one\n{{#if a}}unclosed");
    expect(report.error).toBeDefined();
    expect(report.error!.line).toBeGreaterThanOrEqual(1);
    expect(inspectTemplate("{{ name }").error).toBeDefined();
  });
});
