import { describe, expect, it } from "vitest";
import { isVersion, parseRange, resolveVersion, satisfies } from "../../src/catalog/versions.js";

describe("versions", () => {
  it("accepts semver with pre-release and build metadata, and nothing looser", () => {
    expect(isVersion("1.2.0")).toBe(true);
    expect(isVersion("2.1.0-beta.1+build.20250816")).toBe(true);
    expect(isVersion("1.2")).toBe(false);
    expect(isVersion("v1.2.0")).toBe(false);
    expect(isVersion("01.2.0")).toBe(false);
  });

  it("reads a comma in a range as 'and', as seed 000 writes ranges", () => {
    const range = parseRange(">=2.0.0, <3.0.0")!;
    expect(satisfies("2.5.1", range)).toBe(true);
    expect(satisfies("3.0.0", range)).toBe(false);
    expect(satisfies("1.9.9", range)).toBe(false);
    expect(satisfies("2.1.0", parseRange(">=1.0.0, <2.0.0 || >=2.1.0")!)).toBe(true);
    expect(parseRange("not a range")).toBeNull();
    expect(parseRange("")).toBeNull();
  });

  it("resolves exact versions, ranges and 'latest', leaving pre-releases out unless asked for", () => {
    const available = ["1.1.0", "1.2.0", "1.3.0-beta.1+build.20250816"];
    expect(resolveVersion(available, undefined)).toBe("1.2.0");
    expect(resolveVersion(available, "1.1.0")).toBe("1.1.0");
    expect(resolveVersion(available, ">=1.0.0")).toBe("1.2.0");
    expect(resolveVersion(available, "1.3.0-beta.1")).toBe("1.3.0-beta.1+build.20250816");
    expect(resolveVersion(available, ">=1.3.0-beta.0")).toBe("1.3.0-beta.1+build.20250816");
    expect(resolveVersion(available, ">=2.0.0")).toBeNull();
    expect(resolveVersion(available, "9.9.9")).toBeNull();
  });
});
