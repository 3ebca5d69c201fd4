import { writeSync } from "node:fs";

/** Where log lines go. Tests pass a {@link memorySink}; the service writes to stdout. */
export interface LogSink {
  /** Takes one or more complete lines, each ending in "\n". */
  write(lines: string): void;
  /** Writes out anything buffered, synchronously, before returning. */
  flush(): void;
}

export interface FdSinkOptions {
  /** File descriptor to write to. @default 1 (stdout) */
  readonly fd?: number;
  /** Buffered characters that trigger an immediate write. @default 65536 */
  readonly maxBufferChars?: number;
  /** How long a write may wait for a full pipe to drain before the chunk is dropped. @default 5000 */
  readonly maxBlockMs?: number;
  /**
   * How long a buffered line may wait for the write that carries it; 0 writes at the end of the
   * event-loop turn. @default 10
   */
  readonly maxDelayMs?: number;
}

/**
 * Buffers lines and writes them with one system call at most `maxDelayMs` after the first of them
 * (or at once when the buffer is full). A write per event-loop turn cost about 1.5 µs per request
 * at moderate rates on a 0.25 vCPU task, where a turn often serves one request (the system call and
 * waking the log reader); waiting up to 10 ms shares it between dozens of lines. Writes are
 * synchronous, so {@link LogSink.flush} leaves nothing behind: the sink flushes itself on `exit`,
 * and the signal and crash handlers flush before they exit. Only a SIGKILL or a native crash can
 * lose lines: those of the last `maxDelayMs` at most.
 */
export function fdSink(options: FdSinkOptions = {}): LogSink {
  const fd = options.fd ?? 1;
  const limit = options.maxBufferChars ?? 65_536;
  const maxBlockMs = options.maxBlockMs ?? 5_000;
  const maxDelayMs = options.maxDelayMs ?? 10;
  // Reused for every write: a UTF-16 code unit is at most 3 UTF-8 bytes, so a buffer of up to
  // `limit` characters (plus one long line) fits without a new allocation.
  const bytes = Buffer.allocUnsafe(limit * 3 + 16_384);
  let buffer = "";
  let timer: Timer | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    if (buffer.length === 0) return;
    const out = buffer;
    buffer = "";
    if (out.length * 3 > bytes.length) {
      writeAll(fd, Buffer.from(out), maxBlockMs);
    } else {
      writeAll(fd, bytes.subarray(0, bytes.write(out, 0, "utf8")), maxBlockMs);
    }
  };
  process.on("exit", flush);

  return {
    write(lines) {
      buffer += lines;
      if (buffer.length >= limit) {
        flush();
      } else if (timer === undefined && immediate === undefined) {
        // Unreferenced: a pending write never keeps the process alive; `exit` flushes it.
        if (maxDelayMs > 0) timer = setTimeout(flush, maxDelayMs).unref();
        else immediate = setImmediate(flush).unref();
      }
    },
    flush,
  };
}

/** Writes all of `bytes`, retrying partial writes and waiting out EAGAIN on a non-blocking pipe. */
function writeAll(fd: number, bytes: Uint8Array, maxBlockMs: number): void {
  let offset = 0;
  let blockedMs = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN" || blockedMs >= maxBlockMs) return;
      Bun.sleepSync(1);
      blockedMs += 1;
    }
  }
}

/** Keeps lines in memory: for tests, and for anything that wants to inspect what was logged. */
export interface MemorySink extends LogSink {
  /** Every line written so far, without the trailing "\n". */
  readonly lines: string[];
  /** Every line parsed as JSON. */
  records(): Record<string, unknown>[];
  clear(): void;
}

export function memorySink(): MemorySink {
  const lines: string[] = [];
  return {
    lines,
    write(chunk) {
      for (const line of chunk.split("\n")) if (line.length > 0) lines.push(line);
    },
    flush() {},
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    clear() {
      lines.length = 0;
    },
  };
}
