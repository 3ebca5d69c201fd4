import { APP_IDLE_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import type { Server } from "bun";
import { createApp, type App } from "./app";
import type { Config } from "./config";
import { MAX_BODY_BYTES } from "./http/body";
import { Lifecycle } from "./lifecycle";
import type { Logger } from "@bun-fargate/service-kit/log/logger";
import { SqsJobQueue, type JobQueue } from "./routes/jobs";

export interface ServiceOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** @default - SQS at config.workerQueueUrl when it is set, else none */
  readonly jobs?: JobQueue;
}

/** While draining, how often the count of requests in flight is read. */
const DRAIN_POLL_MS = 20;

export interface Service {
  readonly server: Server<undefined>;
  readonly app: App;
  readonly lifecycle: Lifecycle;
  /**
   * Readiness to 503, wait DRAIN_DELAY_MS, stop listening (idle keep-alive connections close at
   * once), give in-flight requests DRAIN_TIMEOUT_MS to finish, then close what is left: connections
   * that hold no request (half a request line or header, never completed) at once, requests still
   * running at the timeout. Resolves to the exit code: 0 if every request finished, 1 if some had
   * to be cut off.
   */
  shutdown(signal: string): Promise<number>;
}

export function startService(options: ServiceOptions): Service {
  const { config, logger } = options;
  const lifecycle = new Lifecycle();
  const sqs = options.jobs === undefined && config.workerQueueUrl !== undefined ? new SqsJobQueue(config.workerQueueUrl) : undefined;
  const app = createApp({ config, logger, lifecycle, jobs: options.jobs ?? sqs });
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    // Never Bun's development error page: it sends source code and stack traces to the client.
    development: false,
    // Outlives the ALB's idle timeout, so the ALB, not the app, closes idle connections.
    idleTimeout: APP_IDLE_TIMEOUT_SECONDS,
    maxRequestBodySize: MAX_BODY_BYTES,
    // With development off, Bun sets SO_REUSEPORT unless told otherwise: a second process on the
    // same port would then silently share its traffic instead of failing to start.
    reusePort: false,
    routes: app.routes,
    fetch: app.fallback,
    error: app.onError,
  });
  lifecycle.ready();
  logger.info("listening", {
    port: server.port,
    host: config.host,
    idleTimeoutSeconds: APP_IDLE_TIMEOUT_SECONDS,
    drainDelayMs: config.drainDelayMs,
    drainTimeoutMs: config.drainTimeoutMs,
    bun: Bun.version,
  });
  // The SDK loads once the server answers, so the first POST /v1/jobs does not wait for it.
  sqs?.warm();

  let shutdown: Promise<number> | undefined;
  return {
    server,
    app,
    lifecycle,
    shutdown(signal) {
      shutdown ??= drain(server, lifecycle, logger, config, signal).finally(() => sqs?.destroy());
      return shutdown;
    },
  };
}

async function drain(server: Server<undefined>, lifecycle: Lifecycle, logger: Logger, config: Config, signal: string): Promise<number> {
  const started = performance.now();
  lifecycle.drain();
  logger.info("shutdown started", {
    signal,
    inFlight: server.pendingRequests,
    drainDelayMs: config.drainDelayMs,
    drainTimeoutMs: config.drainTimeoutMs,
  });
  if (config.drainDelayMs > 0) await Bun.sleep(config.drainDelayMs);
  // stop(false) resolves once every connection has closed, and a connection holding half a request
  // never closes by itself (Bun 1.4.5 does not count it in pendingRequests, and stop(false) waits
  // for it until the idle timeout). So the drain ends when no request is in flight, whatever
  // connections are still open. pendingRequests counts a request until its response is written.
  let poll: Timer | undefined;
  let timer: Timer | undefined;
  const stopped = server.stop(false).then(() => true);
  const idle = new Promise<true>((resolve) => {
    const check = (): void => {
      if (server.pendingRequests === 0) resolve(true);
      else poll = setTimeout(check, DRAIN_POLL_MS);
    };
    check();
  });
  const finished = await Promise.race([
    stopped,
    idle,
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), config.drainTimeoutMs);
    }),
  ]);
  clearTimeout(poll);
  clearTimeout(timer);
  if (!finished) logger.warn("drain timed out; closing the remaining connections", { inFlight: server.pendingRequests });
  await server.stop(true);
  logger.info("shutdown complete", { signal, drained: finished, durationMs: Math.round(performance.now() - started) });
  return finished ? 0 : 1;
}
