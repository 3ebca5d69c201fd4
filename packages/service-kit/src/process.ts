import { constants } from "node:os";
import type { Logger } from "./log/logger";

export interface ProcessHandlerOptions {
  readonly logger: Logger;
  /** Drains and resolves to the exit code. */
  readonly shutdown: (signal: NodeJS.Signals) => Promise<number>;
  /** @default process.exit */
  readonly exit?: (code: number) => never;
}

/**
 * SIGTERM (ECS stopping the task) and SIGINT (Ctrl-C) drain, then exit; a second signal exits at
 * once. Without a handler, Bun running as PID 1 would ignore SIGTERM until ECS sends SIGKILL.
 * An uncaught exception or unhandled rejection becomes one JSON line and exits 1: the process
 * state is unknown, and ECS starts a fresh task. Every exit path flushes the log first.
 */
export function installProcessHandlers(options: ProcessHandlerOptions): void {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn("second signal; exiting without waiting for in-flight requests", { signal });
      logger.flush();
      exit(128 + constants.signals[signal]);
      return;
    }
    stopping = true;
    void options.shutdown(signal).then(
      (code) => {
        logger.flush();
        exit(code);
      },
      (err: unknown) => crash("shutdown failed", err),
    );
  };
  const crash = (msg: string, err: unknown): void => {
    logger.fatal(msg, { err });
    logger.flush();
    exit(1);
  };

  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("uncaughtException", (err) => crash("uncaught exception", err));
  process.on("unhandledRejection", (reason) => crash("unhandled rejection", reason));
}
