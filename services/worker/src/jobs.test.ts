import { describe, expect, test } from "bun:test";
import { JOB_HANDLERS, JobError, parseJob, type JobContext } from "./jobs";

const ctx = (type: string, payload: unknown, signal = new AbortController().signal): JobContext => ({ job: { id: crypto.randomUUID(), type, payload }, receiveCount: 1, signal });

describe("parseJob", () => {
  test("the contract's body", () => {
    const id = crypto.randomUUID();
    expect(parseJob(JSON.stringify({ id, type: "report.daily", payload: { a: [1] } }))).toEqual({ job: { id, type: "report.daily", payload: { a: [1] } } });
    expect(parseJob(JSON.stringify({ id, type: "echo" }))).toEqual({ job: { id, type: "echo", payload: null } });
  });

  test("2000 generated bodies (seeded): a job or a reason, never a throw; a reason quotes at most 80 characters of the value", () => {
    const seed = Number(process.env.JOBS_SEED ?? 20_261_203);
    let state = seed >>> 0;
    // mulberry32: small, seeded, good enough to spread the cases.
    const rand = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const text = () => Array.from({ length: Math.floor(rand() * 90) }, () => pick(["a", "Z", "0", ".", "-", "_", " ", "\"", "\\", "é", "\u0000", "😀", "{", "["])).join("");
    const value = (depth: number): unknown => {
      const kind = Math.floor(rand() * (depth > 2 ? 5 : 7));
      if (kind === 0) return null;
      if (kind === 1) return rand() < 0.5;
      if (kind === 2) return rand() * 1e6 - 5e5;
      if (kind === 3 || kind === 4) return text();
      if (kind === 5) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [text(), value(depth + 1)]));
    };
    const bodies = Array.from({ length: 2000 }, (_, i) => {
      const shape = i % 4;
      if (shape === 0) return text();
      if (shape === 1) return JSON.stringify(value(0));
      const id = rand() < 0.7 ? crypto.randomUUID() : value(2);
      const type = rand() < 0.5 ? pick(["echo", "sleep", "a.b-c", "x".repeat(64), "x".repeat(65), "Echo", ""]) : value(2);
      return JSON.stringify({ id, type, payload: value(0) });
    });
    let jobs = 0;
    for (const body of bodies) {
      const out = parseJob(body);
      if ("job" in out) {
        jobs++;
        expect(out.job.type).toMatch(/^[a-z0-9.-]{1,64}$/);
        expect(out.job.id).toMatch(/^[0-9a-f-]{36}$/);
      } else {
        expect(out.error.length).toBeLessThan(200);
      }
    }
    // Both branches were exercised.
    expect(jobs).toBeGreaterThan(100);
    expect(jobs).toBeLessThan(bodies.length);
  });
});

describe("handlers", () => {
  test("echo succeeds; fail throws a JobError", async () => {
    await JOB_HANDLERS.echo!(ctx("echo", null));
    expect(() => JOB_HANDLERS.fail!(ctx("fail", null))).toThrow(JobError);
  });

  test("sleep waits payload.ms, ends early when aborted, refuses a bad payload", async () => {
    const started = performance.now();
    await JOB_HANDLERS.sleep!(ctx("sleep", { ms: 50 }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    const abort = new AbortController();
    const running = JOB_HANDLERS.sleep!(ctx("sleep", { ms: 60_000 }, abort.signal));
    abort.abort(new Error("released"));
    await expect(running).rejects.toThrow("released");
    for (const payload of [null, { ms: -1 }, { ms: 1.5 }, { ms: "5" }, { ms: 600_001 }]) {
      expect(() => JOB_HANDLERS.sleep!(ctx("sleep", payload))).toThrow(/payload\.ms = .*: expected an integer from 0 to 600000/);
    }
  });
});
