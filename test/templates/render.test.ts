import { describe, expect, it } from "vitest";
import { TemplateError, renderTemplate } from "../../src/templates/render.js";

describe("renderTemplate", () => {
  it("renders every string of an object, recursively, and leaves keys and non-strings alone", () => {
    const out = renderTemplate({ "{{ a }}": "x-{{ a }}", list: ["{{ a }}!", 7, true, null], nested: { deep: "{{ b }}/{{ a }}" } }, { a: "one", b: 2 });
    expect(out).toEqual({ "{{ a }}": "x-one", list: ["one!", 7, true, null], nested: { deep: "2/one" } });
  });

  it("keeps the type of a string that is exactly one mustache of a field", () => {
    const data = { replicas: 3, ha: false, tags: ["a", "b"], cfg: { size: 2 }, name: "web" };
    expect(renderTemplate("{{ replicas }}", data)).toBe(3);
    expect(renderTemplate("{{replicas}}", data)).toBe(3);
    expect(renderTemplate("{{{ replicas }}}", data)).toBe(3);
    expect(renderTemplate("{{ ha }}", data)).toBe(false);
    expect(renderTemplate("{{ tags }}", data)).toEqual(["a", "b"]);
    expect(renderTemplate("{{ cfg.size }}", data)).toBe(2);
    expect(renderTemplate("{{ cfg }}", data)).toEqual({ size: 2 });
    // anything more than one mustache is text
    expect(renderTemplate("{{ replicas }} ", data)).toBe("3 ");
    expect(renderTemplate("{{ replicas }}{{ replicas }}", data)).toBe("33"); // text, never arithmetic
    expect(renderTemplate("{{#if ha}}{{else}}{{ replicas }}{{ replicas }}{{/if}}", data)).toBe("33");
    expect(renderTemplate("{{ eq replicas 3 }}{{ eq replicas 3 }}", data)).toBe("truetrue");
    expect(renderTemplate("tags={{ tags }} cfg={{ cfg }}", data)).toBe('tags=a,b cfg={"size":2}');
    expect(renderTemplate("{{ json tags }}", data)).toBe('["a","b"]');
    // a missing field renders as Handlebars renders it: empty text
    expect(renderTemplate("{{ missing }}", data)).toBe("");
  });

  it("does not share the data it was given", () => {
    const data = { tags: ["a"] };
    const out = renderTemplate("{{ tags }}", data) as string[];
    out.push("b");
    expect(data.tags).toEqual(["a"]);
  });

  it("implements the pao helpers and keeps the built-in blocks", () => {
    const data = { env: "Prod", tags: ["x", "y"], empty: "", n: 2, ha: true };
    expect(renderTemplate("{{ lower env }}|{{ upper env }}", data)).toBe("prod|PROD");
    expect(renderTemplate("{{ join tags }}|{{ join tags '-' }}", data)).toBe("x, y|x-y");
    expect(renderTemplate("{{ default empty missing 'dev' }}", data)).toBe("dev");
    expect(renderTemplate("{{ json env }}", data)).toBe('"Prod"');
    expect(renderTemplate("{{#if (eq env 'Prod')}}yes{{else}}no{{/if}}", data)).toBe("yes");
    expect(renderTemplate("{{#unless ha}}single{{else}}ha{{/unless}}", data)).toBe("ha");
    expect(renderTemplate("{{#each tags}}{{@index}}={{this}};{{/each}}", data)).toBe("0=x;1=y;");
    expect(renderTemplate("{{#with tags}}{{ lookup this 1 }}{{/with}}", data)).toBe("y");
    expect(renderTemplate("<{{ env }}> & \"q\"", data)).toBe('<Prod> & "q"'); // no HTML escaping
  });

  it("carries hostile parameter values as inert data", () => {
    const hostile = ["{{ secret }}", "${{ secrets.TOKEN }}", "$(rm -rf /)", "`id`; echo hi | sh && x", "{{#each x}}{{/each}}", "{{> partial}}", "{{", "}}"];
    for (const value of hostile) {
      const data = { app: value, secret: "LEAKED" };
      expect(renderTemplate("{{ app }}", data)).toBe(value);
      expect(renderTemplate("name: {{ app }}", data)).toBe(`name: ${value}`);
      expect(renderTemplate("{{ upper app }}", data)).toBe(value.toUpperCase());
      expect(renderTemplate({ inputs: ["{{ app }}"] }, data)).toEqual({ inputs: [value] });
    }
  });

  it("carries a 1 MB parameter value verbatim", () => {
    const big = "{{ x }}".repeat(150_000);
    expect(renderTemplate("v={{ big }}", { big, x: "no" })).toBe(`v=${big}`);
  });

  it("reads nothing through __proto__, constructor or prototype", () => {
    const data = { app: "web", list: [1] };
    for (const t of ["{{ constructor }}", "{{ __proto__ }}", "{{ app.constructor }}", "{{ constructor.name }}", "{{ lookup this 'constructor' }}", "{{ list.constructor }}", "{{ __proto__.toString }}", "{{#with app}}{{ constructor }}{{/with}}"]) {
      expect(renderTemplate(t, data), t).toBe("");
    }
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("keeps a template key named __proto__ as a plain key", () => {
    const template = JSON.parse('{"__proto__": {"polluted": "{{ app }}"}, "ok": 1}') as unknown;
    const out = renderTemplate(template, { app: "web" }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, "__proto__")).toBe(true);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"web"},"ok":1}');
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("refuses unknown helpers, log, partials, decorators and broken templates", () => {
    const refused: Array<[string, string]> = [
      ["{{ shell 'rm -rf /' }}", "template-unknown-helper"],
      ["{{ log app }}", "template-unknown-helper"],
      ["{{#helperMissing}}x{{/helperMissing}}", "template-unknown-helper"],
      ["{{> evil }}", "template-not-allowed"],
      ["{{* inline }}", "template-not-allowed"],
      ["{{ app ", "template-invalid"],
      ["{{#if a}}", "template-invalid"],
    ];
    for (const [template, code] of refused) {
      let error: unknown;
      try {
        renderTemplate(template, { app: "x", a: true });
      } catch (e) {
        error = e;
      }
      expect(error, template).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).code, template).toBe(code);
    }
  });
});
