import { APP_IDLE_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import type { Logger } from "@bun-fargate/service-kit/log/logger";
import { createApp } from "./app";
import type { Config } from "./config";

export interface Service {
  readonly port: number;
  /** Readiness goes to 503, the listener closes, in-flight requests get drainTimeoutMs; resolves to the exit code. */
  shutdown(signal: string): Promise<number>;
}

export function startService(options: { readonly config: Config; readonly logger: Logger }): Service {
  const { config, logger } = options;
  let ready = true;
  const server = Bun.serve({
    hostname: config.host,
    port: config.port,
    // Longer than the Service Connect proxy's idle timeout, so the proxy closes idle connections first.
    idleTimeout: APP_IDLE_TIMEOUT_SECONDS,
    fetch: createApp({ logger, ready: () => ready }),
    error(err) {
      logger.error("unhandled error", { err });
      return new Response(JSON.stringify({ error: "internal error" }), { status: 500, headers: { "content-type": "application/json; charset=utf-8" } });
    },
  });
  logger.info("listening", { host: config.host, port: server.port });
  return {
    port: server.port!,
    async shutdown(signal) {
      ready = false;
      logger.info("stopping", { signal, drainTimeoutMs: config.drainTimeoutMs });
      const drained = server.stop(false).then(() => true);
      const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), config.drainTimeoutMs).unref());
      if (await Promise.race([drained, timedOut])) {
        logger.info("stopped", { signal });
        return 0;
      }
      logger.warn("drain timed out; closing open connections", { signal });
      await server.stop(true);
      return 1;
    },
  };
}
