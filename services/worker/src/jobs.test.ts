import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { JOB_HANDLERS, JobError, parseJob, type JobContext } from "./jobs";

const ctx = (type: string, payload: unknown, signal = new AbortController().signal): JobContext => ({ job: { id: crypto.randomUUID(), type, payload }, receiveCount: 1, signal });

describe("parseJob", () => {
  test("the contract's body", () => {
    const id = crypto.randomUUID();
    expect(parseJob(JSON.stringify({ id, type: "report.daily", payload: { a: [1] } }))).toEqual({ job: { id, type: "report.daily", payload: { a: [1] } } });
    expect(parseJob(JSON.stringify({ id, type: "echo" }))).toEqual({ job: { id, type: "echo", payload: null } });
  });

  test("any string: a job or a reason, never a throw; a reason quotes at most 80 characters of the value", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ id: fc.oneof(fc.uuid(), fc.string()), type: fc.string(), payload: fc.jsonValue() }).map((r) => JSON.stringify(r))), (body) => {
        const out = parseJob(body);
        if ("job" in out) {
          expect(out.job.type).toMatch(/^[a-z0-9.-]{1,64}$/);
          expect(out.job.id).toMatch(/^[0-9a-f-]{36}$/);
        } else {
          expect(out.error.length).toBeLessThan(200);
        }
      }),
      { numRuns: 2000 },
    );
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
