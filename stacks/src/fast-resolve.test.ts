// `fastResolve` against cdktf's own resolve: the same value, or the same error, for generated token
// trees and for every stack of the shipped and the benchmark's app.
import { App, Fn, Lazy, TerraformStack, Token, Tokenization, DefaultTokenResolver, StringConcat } from "cdktf";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import fc from "fast-check";
import { defaultConfig } from "@bun-fargate/config";
import { buildApp } from "./app";
import { cdktfResolve, fastResolve, installFastResolve, restoreResolve } from "./fast-resolve";
import { synthEveryStack } from "./synth-every-stack";
import { config as scaledConfig } from "../bench/scaled-config";
import { AWS_PROFILE } from "./testing";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TokenMap } = require("cdktf/lib/tokens/private/token-map") as { TokenMap: { instance(): { registerStringKey(t: unknown, hint?: string): string; lookupToken(key: string): unknown } } };
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Network, cluster and operations, plus one stack per service, in every environment. */
const SHIPPED_STACKS = Object.keys(defaultConfig.environments).length * (3 + defaultConfig.services.length);

afterEach(() => restoreResolve());

/** The value, or the error's name and message, of one way of resolving. */
function outcome(fn: () => unknown): { value?: string; error?: string } {
  try {
    return { value: JSON.stringify(fn()) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fast-resolve-")) });
const stack = new TerraformStack(app, "s");
const topic = new SnsTopic(stack, "Topic", { name: "t" });
const resolver = new DefaultTokenResolver(new StringConcat());

// Leaves: plain strings (with and without Terraform's own `${...}` and number-like runs), numbers,
// and tokens of each kind cdktf encodes (string, number, list, map, references, function calls).
const text = fc.oneof(
  fc.string(),
  fc.constantFrom("", "${var.x}", "$${literal}", "a}b", "1e5", "-2.5e+10", "x.1e-3y", "${aws_sns_topic.t.arn}", "{TfToken[", "prefix-${", "}", "${${x}}", "}${", "$${", "}}a${", "${TfToken[x", "${TfToken[]}"),
);
// Terraform function arguments refuse unescaped double quotes when they are built.
const argument = text.filter((s) => !s.includes('"'));
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.constant(0)),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  text.map((s) => Lazy.stringValue({ produce: () => s })),
  text.map((s) => `${Lazy.stringValue({ produce: () => s })}-${s}`),
  // Literals, escapes and tokens run together, as in a policy document or a dashboard body.
  fc.array(fc.oneof(text, text.map((s) => Lazy.stringValue({ produce: () => s })), fc.constant(topic.arn)), { maxLength: 8 }).map((parts) => parts.join("")),
  fc.integer().map((n) => Lazy.numberValue({ produce: () => n })),
  fc.tuple(text, fc.integer()).map(([s, n]) => `${s}:${Lazy.numberValue({ produce: () => n })}`),
  fc.array(text, { maxLength: 3 }).map((xs) => Lazy.listValue({ produce: () => xs })),
  fc.array(text, { maxLength: 3 }).map((xs) => Token.asList(Lazy.anyValue({ produce: () => xs }))),
  fc.dictionary(fc.string({ maxLength: 4 }), text, { maxKeys: 3 }).map((m) => Token.asStringMap(Lazy.anyValue({ produce: () => m }))),
  fc.constantFrom(topic.arn, topic.name, `arn=${topic.arn}`, topic.tagsAll),
  argument.map((s) => Fn.upper(s)),
  fc.array(argument, { maxLength: 3 }).map((xs) => Fn.join(",", xs)),
  argument.map((s) => Fn.join("-", [s, topic.arn])),
  fc.tuple(argument, argument).map(([a, b]) => Fn.upper(`${a}${topic.arn}${b}`)),
  text.map((s) => Lazy.anyValue({ produce: () => ({ nested: s, ref: topic.id }) })),
);
const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", maxDepth: 4 }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("node"), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("${k}", "1e5")), tie("node"), { maxKeys: 4 }),
})).node;

describe("fastResolve", () => {
  test("defaults: gives what cdktf's resolve gives, value or error, for generated token trees", () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (value, preparing) => {
        const options = { scope: stack, resolver, preparing };
        restoreResolve();
        const theirs = outcome(() => cdktfResolve(value, options));
        installFastResolve({});
        expect(outcome(() => fastResolve(value, options))).toEqual(theirs);
      }),
      { numRuns: Number(process.env.BF_FUZZ_RUNS ?? 300), seed: process.env.BF_FUZZ_SEED ? Number(process.env.BF_FUZZ_SEED) : undefined },
    );
  });

  test("fails as cdktf does: a function, a construct, a map token as a string, a cycle deeper than 200 keys", () => {
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 205; i++) deep = { [`k${i}`]: deep };
    const cases: unknown[] = [{ a: [1, () => 1] }, { a: { b: stack } }, { a: Token.STRING_MAP_TOKEN_VALUE }, { n: Token.NUMBER_MAP_TOKEN_VALUE }, deep, [Token.asList(Lazy.anyValue({ produce: () => ["x"] }))[0], "y"], { s: Token.asList(Lazy.anyValue({ produce: () => ["x"] }))[0] }];
    for (const value of cases) {
      const options = { scope: stack, resolver, preparing: false };
      const expected = outcome(() => cdktfResolve(value, options));
      expect({ value, error: expected.error === undefined ? "none" : "thrown" }).toEqual({ value, error: "thrown" });
      expect(outcome(() => fastResolve(value, options))).toEqual(expected);
    }
  });

  test("installed, Tokenization.resolve (what every stack's toTerraform calls) goes through it; BF_DEBUG=1 leaves cdktf's", () => {
    const value = { a: Lazy.stringValue({ produce: () => "x" }) };
    expect(installFastResolve({ BF_DEBUG: "1" })).toBe(false);
    expect(Tokenization.resolve(value, { scope: stack, resolver })).toEqual({ a: "x" });
    expect(installFastResolve({})).toBe(true);
    const seen: unknown[] = [];
    const lazy = Lazy.stringValue({ produce: (ctx) => (seen.push(ctx), "y") });
    expect(Tokenization.resolve({ a: lazy }, { scope: stack, resolver })).toEqual({ a: "y" });
    // The context cdktf's resolve hands a token: its fields and its resolve one level down.
    expect(Object.keys(seen[0] as object)).toEqual(["preparing", "scope", "suppressBraces", "ignoreEscapes", "warnEscapes", "iteratorContext", "registerPostProcessor", "resolve"]);
  });

  test("token keys: the same key for any display hint, from the same counter", () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), (hint) => {
        const map = TokenMap.instance();
        restoreResolve();
        const theirs = map.registerStringKey({}, hint);
        installFastResolve({});
        const ours = map.registerStringKey({}, hint);
        const counter = (key: string) => Number(key.slice(key.lastIndexOf(".") + 1));
        expect(counter(ours)).toBe(counter(theirs) + 1);
        expect(ours.slice(0, ours.lastIndexOf("."))).toBe(theirs.slice(0, theirs.lastIndexOf(".")));
        expect(map.lookupToken(ours)).toBeDefined();
      }),
    );
  });

  test.each([
    ["the shipped app", undefined, SHIPPED_STACKS],
    ["the benchmark's 10 web services in 3 environments", scaledConfig, 39],
  ])("every stack of %s resolves to the same JSON both ways, after a synth's cross-stack references", (_, config, count) => {
    const outdir = mkdtempSync(join(tmpdir(), "fast-resolve-app-"));
    try {
      const { app: built, environments } = buildApp({ profile: AWS_PROFILE, outdir, config });
      synthEveryStack(built);
      const stacks = environments.flatMap((e) => [e.network, e.cluster, ...e.services, e.operations]);
      expect(stacks).toHaveLength(count);
      for (const s of stacks) {
        restoreResolve();
        const theirs = JSON.stringify(TerraformStack.prototype.toTerraform.call(s));
        installFastResolve({});
        const ours = JSON.stringify(TerraformStack.prototype.toTerraform.call(s));
        expect({ stack: s.node.id, json: ours }).toEqual({ stack: s.node.id, json: theirs });
        expect(theirs).toContain('"resource"');
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
