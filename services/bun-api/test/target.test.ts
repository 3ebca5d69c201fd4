/** The request target read without Host: every shape Bun gives `req.url`, and the Host grammar. */
import { describe, expect, test } from "bun:test";
import { isValidHost, normalisePath, pathOf, queryOf } from "../src/http/target";
import { Prng, seedFrom } from "./prng";

const SEED = seedFrom("TARGET_SEED", 20_261_202);
const RUNS = 2000;

describe("pathOf and queryOf", () => {
  test.each([
    // Valid Host: Bun builds an absolute URL.
    ["http://x/v1/notes?limit=1", "/v1/notes", "limit=1"],
    ["http://x:8080/", "/", ""],
    ["http://x", "/", ""],
    ["http://x//healthz", "//healthz", ""],
    ["http://x/a#b?c", "/a", ""],
    ["http://x/a?b#c", "/a", "b"],
    // Host that parses but whose port does not: absolute, not normalised.
    ["http://x:99999/./healthz?a=b", "/./healthz", "a=b"],
    ["http://[::1/v1/notes", "/v1/notes", ""],
    // Missing or invalid Host: the target as sent. The old parser read "/v1/notes" as "/notes".
    ["/v1/notes", "/v1/notes", ""],
    ["/v1/notes?limit=5&x", "/v1/notes", "limit=5&x"],
    ["//v1//notes", "//v1//notes", ""],
    ["/", "/", ""],
    // CONNECT's authority form has no path.
    ["x:443", "x:443", ""],
  ])("%p: path %p, query %p", (url, path, query) => {
    expect(pathOf(url)).toBe(path);
    expect(queryOf(url)).toBe(query);
  });

  test(`the same path and query from every shape of req.url (seed ${SEED}, ${RUNS} runs)`, () => {
    const rng = new Prng(SEED);
    for (let i = 0; i < RUNS; i++) {
      const path = `/${rng.string("abz019-._~%/:@!$&'()*+,;=", rng.int(0, 30))}`;
      const query = rng.chance(0.5) ? `?${rng.string("ab=&%/?:", rng.int(0, 10))}` : "";
      const host = rng.pick(["x", "x:99999", "[::1", "10.0.0.1:8080", "a.b.c"]);
      const expected = { path, query: query.slice(1) };
      for (const url of [path + query, `http://${host}${path}${query}`]) {
        const got = { path: pathOf(url), query: queryOf(url) };
        if (got.path !== expected.path || got.query !== expected.query) throw new Error(`seed ${SEED}, run ${i}: ${JSON.stringify(url)} gave ${JSON.stringify(got)}`);
      }
    }
  });
});

describe("normalisePath", () => {
  test.each([
    ["/./healthz", "/healthz"],
    ["/v1/../healthz", "/healthz"],
    ["/v1/%2e%2e/healthz", "/healthz"],
    ["/v1/%2E%2e/%2e/healthz", "/healthz"],
    ["/../../healthz", "/healthz"],
    ["/v1\\..\\healthz", "/healthz"],
    ["/v1/notes/..", "/v1/"],
    ["/v1/notes/.", "/v1/notes/"],
    ["//healthz", "//healthz"],
    ["/v1/notes/..%2f..%2fhealthz", "/v1/notes/..%2f..%2fhealthz"],
    ["/a b", "/a%20b"],
    ["/%zz", "/%zz"],
  ])("%p is %p", (path, normalised) => {
    expect(normalisePath(path)).toBe(normalised);
  });

  test("a target that is not a path is undefined", () => {
    expect([normalisePath("x:443"), normalisePath("*"), normalisePath("")]).toEqual([undefined, undefined, undefined]);
  });

  test(`never throws, leaves no dot segment, and agrees with what Bun does to req.url (seed ${SEED}, ${RUNS} runs)`, () => {
    const rng = new Prng(SEED + 1);
    const pieces = [".", "..", "%2e", "%2E%2e", ".%2e", "a", "v1", "notes", "", "\\", "%2f", "%00", "é", " ", "?", "#"];
    for (let i = 0; i < RUNS; i++) {
      const segments = Array.from({ length: rng.int(1, 8) }, () => rng.pick(pieces) + (rng.chance(0.2) ? rng.bytes(1) : ""));
      const path = `/${segments.join("/")}`.replace(/[?#].*$/, "");
      const out = normalisePath(path);
      const fail = (why: string): never => {
        throw new Error(`seed ${SEED + 1}, run ${i}: ${JSON.stringify(path)} → ${JSON.stringify(out)}: ${why}`);
      };
      if (out === undefined) fail("undefined for a path");
      if (out!.split("/").some((s) => /^(\.|%2e){1,2}$/i.test(s))) fail("a dot segment is left");
      if (normalisePath(out!) !== out) fail("not idempotent");
      // What Bun does to req.url with a valid Host, the shape most requests have.
      const bun = new Request(`http://x${path}`).url;
      if (pathOf(bun) !== out) fail(`Bun gives ${JSON.stringify(pathOf(bun))}`);
    }
  });
});

describe("isValidHost", () => {
  test.each(["x", "api.example.com", "api.example.com:443", "10.0.0.1:8080", "[::1]", "[::1]:80", "", "x:", "x:0", "x:65535", "a%41b", "xn--nxasmq6b", "a_b~c"])(
    "%p is valid",
    (host) => {
      expect(isValidHost(host)).toBe(true);
    },
  );

  test.each(["[]", "[::1]x", "a%4", "a%4g", "x:006553", "a b", "x:99999", "x:65536", "x:123456", "x:abc", "[::1", "::1", "x/y", "user@x", "x?y", "x#y", "x\\y", "\xff\xfe", "x, y", "%zz", "x:1:2"])(
    "%p is refused",
    (host) => {
      expect(isValidHost(host)).toBe(false);
    },
  );

  test(`agrees with the RFC 3986 grammar written as a regular expression (seed ${SEED}, ${RUNS * 10} runs)`, () => {
    const grammar = /^(?:\[[0-9A-Za-z:.]+\]|(?:[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*)(?::(\d{0,5}))?$/;
    const oracle = (host: string): boolean => {
      const m = grammar.exec(host);
      return m !== null && (m[1] === undefined || Number(m[1]) <= 65_535);
    };
    const rng = new Prng(SEED + 2);
    const pieces = ["a", "Z", "0", "00", "9", ".", "-", "_", "~", "!", ",", ";", "=", "%", "%4", "%41", "%zz", "[", "]", "::1", ":", "6553", "5", "65536", " ", "/", "@", "#", "?", "\\", "\xff", "é"];
    for (let i = 0; i < RUNS * 10; i++) {
      const host = Array.from({ length: rng.int(0, 8) }, () => rng.pick(pieces)).join("");
      if (isValidHost(host) !== oracle(host)) throw new Error(`seed ${SEED + 2}, run ${i}: isValidHost(${JSON.stringify(host)}) is ${isValidHost(host)}, the grammar says ${oracle(host)}`);
    }
  });
});
