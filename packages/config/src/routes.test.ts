import fc from "fast-check";
import { patternCovers, shadows } from "./routes";
import { configWith, problemsOf, service } from "./testing";

/** The ALB's matching, by the definition: `*` any run of characters, `?` exactly one. */
function matches(pattern: string, text: string): boolean {
  const at = (p: number, t: number): boolean => {
    if (p === pattern.length) return t === text.length;
    const c = pattern[p];
    if (c === "*") return at(p + 1, t) || (t < text.length && at(p, t + 1));
    return t < text.length && (c === "?" || c === text[t]) && at(p + 1, t + 1);
  };
  return at(0, 0);
}

/** Every string over `alphabet` up to `length` characters. */
function* strings(alphabet: readonly string[], length: number): Generator<string> {
  yield "";
  let level = [""];
  for (let n = 1; n <= length; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of alphabet) next.push(s + c);
    yield* next;
    level = next;
  }
}

describe("patternCovers", () => {
  test.each([
    ["/*", "/orders/*", true],
    ["/*", "/", true],
    ["/orders/*", "/*", false],
    ["/orders*", "/orders/*", true],
    ["/orders/*", "/orders*", false],
    ["/a?c", "/abc", true],
    ["/abc", "/a?c", false],
    ["/a*", "/a?*", true],
    ["/a?*", "/a*", false],
    ["/*/items", "/v1/items", true],
    ["/*/items", "/*/*/items", true],
    ["/*/*/items", "/*/items", false],
    ["*.example.com", "api.example.com", true],
    ["*.example.com", "example.com", false],
    ["api.example.com", "api.example.com", true],
  ])("%s covers %s: %s", (outer, inner, expected) => {
    expect(patternCovers(outer, inner)).toBe(expected);
  });

  test("agrees with brute force: covers exactly when no short string matches the inner pattern and not the outer", () => {
    // Patterns over {a, b, /} with wildcards; strings up to 6 characters over {a, b, /, c} decide them
    // (c stands for characters in neither pattern; 6 exceeds every pattern's literal length here).
    const pattern = fc.array(fc.constantFrom("a", "b", "/", "*", "?"), { minLength: 0, maxLength: 4 }).map((cs) => cs.join(""));
    const alphabet = ["a", "b", "/", "c"];
    fc.assert(
      fc.property(pattern, pattern, (outer, inner) => {
        let counterexample: string | undefined;
        for (const s of strings(alphabet, 6)) {
          if (matches(inner, s) && !matches(outer, s)) {
            counterexample = s;
            break;
          }
        }
        return patternCovers(outer, inner) === (counterexample === undefined);
      }),
      { seed: 4242, numRuns: 400 },
    );
  });
});

describe("shadows", () => {
  test("a catch-all at a lower number takes every path; a narrower one takes only its own", () => {
    expect(shadows({ priority: 10, pathPatterns: ["/*"] }, { priority: 200, pathPatterns: ["/orders/*"] })).toBe(true);
    expect(shadows({ priority: 10, pathPatterns: ["/orders/*"] }, { priority: 200, pathPatterns: ["/*"] })).toBe(false);
  });

  test("every condition must cover: paths and hosts", () => {
    const apiHost = { priority: 10, pathPatterns: ["/*"], hostHeaders: ["api.example.com"] };
    expect(shadows(apiHost, { priority: 20, pathPatterns: ["/orders/*"] })).toBe(false);
    expect(shadows(apiHost, { priority: 20, pathPatterns: ["/orders/*"], hostHeaders: ["API.Example.com"] })).toBe(true);
    expect(shadows({ priority: 10, hostHeaders: ["*.example.com"] }, { priority: 20, pathPatterns: ["/x"], hostHeaders: ["a.example.com"] })).toBe(true);
    expect(shadows({ priority: 10, hostHeaders: ["*.example.com"] }, { priority: 20, pathPatterns: ["/x"] })).toBe(false);
  });

  test("a later rule with several values is shadowed only when each value is covered", () => {
    expect(shadows({ priority: 10, pathPatterns: ["/a/*"] }, { priority: 20, pathPatterns: ["/a/x", "/b/x"] })).toBe(false);
    expect(shadows({ priority: 10, pathPatterns: ["/a/*", "/b/*"] }, { priority: 20, pathPatterns: ["/a/x", "/b/x"] })).toBe(true);
  });
});

describe("shadowed routes in a configuration", () => {
  const orders = service({ name: "orders", source: "services/orders", routing: { priority: 200, pathPatterns: ["/orders/*"] } });
  const catchAll = service({ name: "api", source: "services/api", routing: { priority: 10, pathPatterns: ["/*"] } });

  test("are refused, naming the rule that takes their traffic", () => {
    expect(problemsOf(configWith({ services: [catchAll, orders] }))).toEqual([
      'sandbox / service "orders": routing = {"priority":200,"pathPatterns":["/orders/*"]}: never receives traffic: service "api"\'s rule at priority 10 (paths ["/*"], any host) is evaluated first and matches every request this one matches; give this rule a priority below 10, or narrow that one',
    ]);
  });

  test("are accepted once the narrower rule comes first", () => {
    const first = service({ ...orders, routing: { priority: 5, pathPatterns: ["/orders/*"] } });
    expect(() => problemsOf(configWith({ services: [catchAll, first] }))).toThrow("expected a ConfigError, got a loaded config");
  });

  test("an environment's override can create the shadow", () => {
    const config = configWith({
      services: [catchAll, { ...orders, routing: { priority: 5, pathPatterns: ["/orders/*"] } }],
      env: { services: { orders: { routing: { priority: 50, pathPatterns: ["/orders/*"] } } } },
    });
    expect(problemsOf(config)[0]).toMatch(/^sandbox \/ service "orders": routing = .*never receives traffic: service "api"'s rule at priority 10/);
  });
});
