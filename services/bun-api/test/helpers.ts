/** Helpers for tests that run the service as a real process. */
import { spawn, type Subprocess } from "bun";
import { join } from "node:path";

export const PACKAGE_DIR = join(import.meta.dir, "..");
export const MAIN = join(PACKAGE_DIR, "src", "main.ts");

export type Line = Record<string, unknown>;

export interface RunningServer {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  readonly port: number;
  readonly url: string;
  /** Every stdout line so far, parsed (a line that is not JSON fails the test that reads it). */
  readonly lines: () => Line[];
  /** Raw stdout so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the first line, present or future, that matches. */
  waitForLine(match: (line: Line) => boolean, timeoutMs?: number): Promise<Line>;
  /** Resolves with the exit code once the process has exited and its output is read. */
  readonly exited: Promise<number>;
}

export interface StartOptions {
  /** Command to run. @default [bun, src/main.ts] */
  readonly cmd?: string[];
  readonly env?: Record<string, string>;
  /** @default the package directory */
  readonly cwd?: string;
  /** Wait for the "listening" line. @default true */
  readonly waitListening?: boolean;
}

const started = new Set<Subprocess>();

/** Kills whatever a test started and left running (a failed assertion skips the test's own stop). */
export function killStarted(): void {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  started.clear();
}

/** Starts the service on a free port (PORT=0) and waits until it listens. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const proc = spawn(options.cmd ?? [process.execPath, MAIN], {
    cwd: options.cwd ?? PACKAGE_DIR,
    env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "debug", ENVIRONMENT: "test", ...options.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  started.add(proc);
  let out = "";
  let err = "";
  const waiters: { match: (line: Line) => boolean; resolve: (line: Line) => void }[] = [];
  const parse = (): Line[] =>
    out
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Line);
  const check = (): void => {
    if (waiters.length === 0) return;
    const lines = parse();
    for (const w of [...waiters]) {
      const hit = lines.find(w.match);
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of proc.stdout) {
      out += decoder.decode(chunk, { stream: true });
      check();
    }
  })();
  const readingErr = (async () => {
    for await (const chunk of proc.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  const exited = Promise.all([proc.exited, reading, readingErr]).then(([code]) => code);

  const waitForLine = (match: (line: Line) => boolean, timeoutMs = 5000): Promise<Line> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
      waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      check();
    });

  let port = 0;
  if (options.waitListening ?? true) {
    const listening = await waitForLine((l) => l.msg === "listening");
    port = listening.port as number;
  }
  return { proc, port, url: `http://127.0.0.1:${port}`, lines: parse, stdout: () => out, stderr: () => err, waitForLine, exited };
}

/** Sends raw bytes on a new connection and returns everything the server sends back until it closes (or a timeout). */
export function rawRequest(port: number, request: string | Uint8Array, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    let response = "";
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve(response);
    };
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(socket) {
          socket.write(request);
        },
        data(_socket, data) {
          response += data.toString();
        },
        close: finish,
        end: finish,
        error: finish,
      },
    })
      .then((socket) => setTimeout(() => (socket.end(), finish()), timeoutMs))
      .catch(reject);
  });
}

/** The status code of a raw HTTP response ("HTTP/1.1 413 …" → 413), or 0. */
export function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

/** Request lines (msg "request") among parsed lines. */
export function requestLines(lines: Line[]): Line[] {
  return lines.filter((l) => l.msg === "request");
}
