import { describe, expect, test } from "bun:test";
import { mkdtempSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WORKER_HEARTBEAT_INTERVAL_SECONDS, WORKER_HEARTBEAT_STALE_SECONDS } from "./contract";
import { checkHeartbeat, touchHeartbeat } from "./heartbeat";
import { runHealthcheck } from "./healthcheck";

const dir = mkdtempSync(join(tmpdir(), "heartbeat-"));

describe("heartbeat", () => {
  test("stale only after several missed beats", () => {
    expect(WORKER_HEARTBEAT_STALE_SECONDS).toBeGreaterThanOrEqual(3 * WORKER_HEARTBEAT_INTERVAL_SECONDS);
  });

  test("touch creates the file, then moves its time forward; the check reads the age", () => {
    const file = join(dir, "hb");
    expect(checkHeartbeat(file)).toEqual({ healthy: false, file, ageSeconds: null });
    touchHeartbeat(file);
    const now = statSync(file).mtimeMs;
    expect(checkHeartbeat(file, now + 60_000).healthy).toBe(true);
    expect(checkHeartbeat(file, now + 60_100)).toEqual({ healthy: false, file, ageSeconds: 60.1 });
    utimesSync(file, new Date(now - 100_000), new Date(now - 100_000));
    touchHeartbeat(file);
    expect(statSync(file).mtimeMs).toBeGreaterThanOrEqual(now);
  });

  test("the health check: 0, or 1 and one JSON line naming the file and the age", () => {
    const file = join(dir, "hb2");
    const lines: string[] = [];
    expect(runHealthcheck({ HEARTBEAT_FILE: file }, (l) => lines.push(l))).toBe(1);
    touchHeartbeat(file);
    expect(runHealthcheck({ HEARTBEAT_FILE: file }, (l) => lines.push(l))).toBe(0);
    expect(runHealthcheck({ HEARTBEAT_FILE: file }, (l) => lines.push(l), Date.now() + 120_000)).toBe(1);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: "error", msg: "health check failed", file, ageSeconds: null, staleAfterSeconds: 60 }),
      expect.objectContaining({ file, ageSeconds: expect.any(Number) }),
    ]);
  });
});
