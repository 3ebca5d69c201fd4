/**
 * HTTP/1.1 over a raw TCP socket, for tests that must send bytes no HTTP client would: one
 * connection, any bytes written, responses read one at a time, and whether the server closed it.
 */
import { connect, type Socket } from "node:net";

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  /** The status line, headers and body as received (latin1). */
  readonly raw: string;
}

/** What a read ended with: a response, the server closing the connection, or nothing in time. */
export type ReadResult = RawResponse | "closed" | "timeout";

export class RawConnection {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #closed = false;
  #wake: (() => void) | undefined;
  readonly opened: Promise<void>;

  constructor(port: number, host = "127.0.0.1") {
    this.#socket = connect(port, host);
    this.opened = new Promise((resolve, reject) => {
      this.#socket.once("connect", () => resolve());
      this.#socket.once("error", reject);
    });
    this.#socket.on("data", (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    const closed = (): void => {
      this.#closed = true;
      this.#wake?.();
    };
    this.#socket.on("close", closed);
    this.#socket.on("error", closed);
  }

  static async open(port: number, host?: string): Promise<RawConnection> {
    const conn = new RawConnection(port, host);
    await conn.opened;
    return conn;
  }

  /** True once the server closed (or reset) the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes not yet read as a response. */
  get pending(): number {
    return this.#buffer.length;
  }

  write(bytes: string | Uint8Array): void {
    if (!this.#closed) this.#socket.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes);
  }

  /** Reads the next final response (1xx are skipped). `head`: the request was HEAD, so no body follows. */
  async read(timeoutMs = 2000, head = false): Promise<ReadResult> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const parsed = parse(this.#buffer, head, this.#closed);
      if (parsed !== undefined) {
        this.#buffer = this.#buffer.subarray(parsed.used);
        if (parsed.response.status >= 100 && parsed.response.status < 200) continue;
        return parsed.response;
      }
      if (this.#closed) return "closed";
      const left = deadline - performance.now();
      if (left <= 0) return "timeout";
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Waits until the server closes the connection; false if it is still open after `timeoutMs`. */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!this.#closed && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - performance.now()));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return this.#closed;
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** One request on a new connection: its response (or how the read ended), then the connection is closed. */
export async function exchange(port: number, request: string | Uint8Array, timeoutMs = 2000, head = false): Promise<ReadResult> {
  const conn = await RawConnection.open(port);
  try {
    conn.write(request);
    return await conn.read(timeoutMs, head);
  } finally {
    conn.close();
  }
}

/** Whether a read ended with a response. */
export function isResponse(result: ReadResult): result is RawResponse {
  return typeof result === "object";
}

const HEAD_END = Buffer.from("\r\n\r\n");

function parse(buffer: Buffer, head: boolean, closed: boolean): { response: RawResponse; used: number } | undefined {
  const end = buffer.indexOf(HEAD_END);
  if (end < 0) return undefined;
  const lines = buffer.subarray(0, end).toString("latin1").split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!);
  if (m === null) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0])}`);
  const status = Number(m[1]);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  const start = end + 4;
  let bodyEnd: number;
  let body: string;
  if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) {
    bodyEnd = start;
    body = "";
  } else if (headers.get("transfer-encoding")?.toLowerCase() === "chunked") {
    const chunked = dechunk(buffer, start);
    if (chunked === undefined) return undefined;
    [body, bodyEnd] = chunked;
  } else if (headers.has("content-length")) {
    bodyEnd = start + Number(headers.get("content-length"));
    if (buffer.length < bodyEnd) return undefined;
    body = buffer.subarray(start, bodyEnd).toString("utf8");
  } else {
    // No framing: the body runs to the end of the connection.
    if (!closed) return undefined;
    bodyEnd = buffer.length;
    body = buffer.subarray(start).toString("utf8");
  }
  return { response: { status, headers, body, raw: buffer.subarray(0, bodyEnd).toString("latin1") }, used: bodyEnd };
}

function dechunk(buffer: Buffer, from: number): [string, number] | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const eol = buffer.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const size = parseInt(buffer.subarray(at, eol).toString("latin1"), 16);
    at = eol + 2;
    if (size === 0) {
      const trailerEnd = buffer.indexOf("\r\n", at);
      if (trailerEnd < 0) return undefined;
      return [Buffer.concat(parts).toString("utf8"), trailerEnd + 2];
    }
    if (buffer.length < at + size + 2) return undefined;
    parts.push(buffer.subarray(at, at + size));
    at += size + 2;
  }
}
