import { describe, expect, test } from "bun:test";
import {
  MAX_TRACE_HEADER_LENGTH,
  newSpanId,
  newTraceId,
  rootFromAmznTraceId,
  toW3cTraceId,
  toXrayTraceId,
  traceIdFromHeaders,
  traceIdFromTraceparent,
} from "@bun-fargate/service-kit/trace/trace-id";

const ROOT = "1-6b02f941-f12e7d0c409369c33074d233";
const W3C = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("rootFromAmznTraceId", () => {
  test("takes Root wherever it stands among the fields", () => {
    expect(rootFromAmznTraceId(`Root=${ROOT}`)).toBe(ROOT);
    expect(rootFromAmznTraceId(`Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`)).toBe(ROOT);
    expect(rootFromAmznTraceId(`Self=1-67891234-12456789abcdef012345678;Root=${ROOT};Sampled=0`)).toBe(ROOT);
  });

  test("ignores a missing, malformed or oversized value", () => {
    for (const bad of [
      null,
      undefined,
      "",
      "Root=",
      "Root=1-6b02f941-f12e7d0c409369c33074d23", // one hex short
      `Root=${ROOT}0`, // trailing character
      `Root=${ROOT.toUpperCase()}`, // X-Ray IDs are lower-case hex
      "Root=2-6b02f941-f12e7d0c409369c33074d233", // unknown version
      "Root=1-6b02f941-f12e7d0c409369c33074d2zz",
      "Root=1-6b02f941-000000000000000000000000", // no random part
      `root=${ROOT}`,
      `XRoot=${ROOT}`,
      `Self=x; Root=${ROOT}`, // space after the separator
      `Root=1-6b02f941-f12e7d0c409369c3\r\n3074d233`,
      `Root=${ROOT};${"x".repeat(MAX_TRACE_HEADER_LENGTH)}`,
    ]) {
      expect(rootFromAmznTraceId(bad)).toBeUndefined();
    }
  });
});

describe("traceIdFromTraceparent", () => {
  test("takes the trace-id of a valid header", () => {
    expect(traceIdFromTraceparent(`00-${W3C}-00f067aa0ba902b7-01`)).toBe(W3C);
    // A later version may append fields.
    expect(traceIdFromTraceparent(`01-${W3C}-00f067aa0ba902b7-01-future`)).toBe(W3C);
  });

  test("rejects what the W3C format forbids", () => {
    for (const bad of [
      `ff-${W3C}-00f067aa0ba902b7-01`, // version ff
      `00-${W3C}-00f067aa0ba902b7-01-extra`, // version 00 has exactly four fields
      `00-${"0".repeat(32)}-00f067aa0ba902b7-01`,
      `00-${W3C}-${"0".repeat(16)}-01`,
      `00-${W3C.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${W3C}-00f067aa0ba902b7`,
      `00-${W3C}-00f067aa0ba902b7-01\n`,
      `00-${W3C}-00f067aa0ba902b7-0`,
      "x".repeat(MAX_TRACE_HEADER_LENGTH + 1),
    ]) {
      expect(traceIdFromTraceparent(bad)).toBeUndefined();
    }
  });
});

describe("newTraceId", () => {
  test("is in the X-Ray format with the current epoch second", () => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const id = newTraceId(now);
    expect(id).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(parseInt(id.slice(2, 10), 16)).toBe(now / 1000);
    expect(rootFromAmznTraceId(`Root=${id}`)).toBe(id);
  });

  test("does not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newTraceId()));
    expect(ids.size).toBe(10_000);
  });

  test("span ids are 16 hex and not zero", () => {
    const span = newSpanId();
    expect(span).toMatch(/^[0-9a-f]{16}$/);
    expect(span).not.toBe("0".repeat(16));
  });
});

describe("traceIdFromHeaders", () => {
  test("prefers X-Amzn-Trace-Id, then traceparent, then a new ID", () => {
    const both = new Headers({ "x-amzn-trace-id": `Root=${ROOT}`, traceparent: `00-${W3C}-00f067aa0ba902b7-01` });
    expect(traceIdFromHeaders(both)).toBe(ROOT);
    const badRoot = new Headers({ "x-amzn-trace-id": "Root=nonsense", traceparent: `00-${W3C}-00f067aa0ba902b7-01` });
    expect(traceIdFromHeaders(badRoot)).toBe(W3C);
    const none = traceIdFromHeaders(new Headers({ "x-amzn-trace-id": "Root=nonsense", traceparent: "nonsense" }));
    expect(none).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(none).not.toBe(ROOT);
  });
});

describe("format conversion", () => {
  test("X-Ray and W3C forms carry the same 128 bits", () => {
    expect(toW3cTraceId(ROOT)).toBe("6b02f941f12e7d0c409369c33074d233");
    expect(toXrayTraceId("6b02f941f12e7d0c409369c33074d233")).toBe(ROOT);
    expect(toXrayTraceId(ROOT)).toBe(ROOT);
    expect(toW3cTraceId(W3C)).toBe(W3C);
  });
});
