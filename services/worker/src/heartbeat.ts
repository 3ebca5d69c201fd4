import { closeSync, openSync, statSync, utimesSync } from "node:fs";
import { WORKER_HEARTBEAT_STALE_SECONDS } from "./contract";

/** Creates the file if needed and sets its modification time to now. */
export function touchHeartbeat(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    closeSync(openSync(file, "a"));
    utimesSync(file, now, now);
  }
}

export interface HeartbeatCheck {
  readonly healthy: boolean;
  readonly file: string;
  /** Seconds since the last touch; null when the file is missing. */
  readonly ageSeconds: number | null;
}

/** Healthy when `file` was modified within `staleSeconds` (default WORKER_HEARTBEAT_STALE_SECONDS). */
export function checkHeartbeat(file: string, nowMs: number = Date.now(), staleSeconds: number = WORKER_HEARTBEAT_STALE_SECONDS): HeartbeatCheck {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return { healthy: false, file, ageSeconds: null };
  }
  const ageSeconds = Math.max(0, (nowMs - mtimeMs) / 1000);
  return { healthy: ageSeconds <= staleSeconds, file, ageSeconds: Math.round(ageSeconds * 10) / 10 };
}
