import { checkHeartbeat } from "./heartbeat";
import { loadHeartbeatFile } from "./config";
import { WORKER_HEARTBEAT_STALE_SECONDS } from "./contract";

/**
 * The container health check (`/app/server --healthcheck`): exit 0 when the heartbeat file was
 * modified within WORKER_HEARTBEAT_STALE_SECONDS, else 1 after one JSON line saying why.
 */
export function runHealthcheck(env: Readonly<Record<string, string | undefined>>, report: (line: string) => void = (line) => process.stderr.write(line + "\n"), nowMs: number = Date.now()): number {
  const result = checkHeartbeat(loadHeartbeatFile(env), nowMs);
  if (result.healthy) return 0;
  report(JSON.stringify({ time: new Date(nowMs).toISOString(), level: "error", msg: "health check failed", file: result.file, ageSeconds: result.ageSeconds, staleAfterSeconds: WORKER_HEARTBEAT_STALE_SECONDS }));
  return 1;
}
