import { LIVENESS_PATH } from "@bun-fargate/config/runtime";
import { ConfigError, loadHealthcheckTarget } from "./config";
import { serializeError } from "@bun-fargate/service-kit/log/logger";

/** Sent as User-Agent, so the service logs these requests at debug. */
export const HEALTHCHECK_AGENT = "bun-api-healthcheck";
/** Below the smallest timeout ECS allows for a container health check (2 s), so this answers first. */
export const HEALTHCHECK_TIMEOUT_MS = 1500;

export interface HealthcheckOptions {
  /** @default HEALTHCHECK_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** Where the one failure line goes. @default - stderr */
  readonly report?: (line: string) => void;
}

/**
 * The container health check (`/app/server --healthcheck`): GET /healthz on $HOST:$PORT, loopback
 * when HOST is a wildcard (the default 0.0.0.0).
 * Returns the exit code, 0 on a 200 and 1 otherwise, after one JSON line saying why.
 */
export async function runHealthcheck(env: Readonly<Record<string, string | undefined>>, options: HealthcheckOptions = {}): Promise<number> {
  const report = options.report ?? ((line: string) => process.stderr.write(line + "\n"));
  const fail = (fields: Record<string, unknown>): number => {
    report(JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "health check failed", ...fields }));
    return 1;
  };
  let target: { host: string; port: number };
  try {
    target = loadHealthcheckTarget(env);
  } catch (err) {
    if (err instanceof ConfigError) return fail({ variable: err.variable, value: err.value, allowed: err.allowed });
    throw err;
  }
  const url = `http://${target.host}:${target.port}${LIVENESS_PATH}`;
  try {
    const res = await fetch(url, {
      headers: { "user-agent": HEALTHCHECK_AGENT },
      signal: AbortSignal.timeout(options.timeoutMs ?? HEALTHCHECK_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return res.status === 200 ? 0 : fail({ url, status: res.status });
  } catch (err) {
    return fail({ url, err: serializeError(err) });
  }
}
