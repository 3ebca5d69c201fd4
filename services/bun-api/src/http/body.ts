import type { RequestContext } from "../trace/context";
import { problem } from "./respond";

/** Largest request body accepted; Bun.serve's maxRequestBodySize is set to the same value. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: Response };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Reads a JSON object body: 415 unless the content type is application/json, 413 over
 * {@link MAX_BODY_BYTES} (by Content-Length, or while reading a chunked body), 400 for a body that
 * is empty, not UTF-8, not JSON, or not an object. Each message says what was wrong.
 */
export async function readJsonObject(req: Request, ctx: RequestContext): Promise<Parsed<Record<string, unknown>>> {
  const type = req.headers.get("content-type");
  const media = type === null ? "" : type.split(";", 1)[0]!.trim().toLowerCase();
  if (media !== "application/json") {
    const got = type === null ? "no content-type" : `content-type ${JSON.stringify(type.slice(0, 100))}`;
    return fail(problem(ctx, 415, `expected content-type application/json, got ${got}`));
  }
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) return fail(tooLarge(ctx));

  const read = await readLimited(req, MAX_BODY_BYTES);
  if (read === "too-large") return fail(tooLarge(ctx));
  if (read === "unreadable") return fail(problem(ctx, 400, "the request body could not be read"));
  const bytes = read;
  ctx.bytesIn = bytes.byteLength;
  if (bytes.byteLength === 0) return fail(problem(ctx, 400, "the request body is empty; expected a JSON object"));

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail(problem(ctx, 400, "the request body is not valid UTF-8"));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(problem(ctx, 400, `the request body is not valid JSON: ${(err as Error).message}`));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fail(problem(ctx, 400, `the request body must be a JSON object, got ${describe(value)}`));
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Reads the body chunk by chunk and stops as soon as it passes `limit`, so memory never holds more
 * than that, whatever sent it (Bun.serve enforces the same limit natively; this also covers
 * requests built in-process). Bun rejects the read of a chunked body past maxRequestBodySize.
 */
async function readLimited(req: Request, limit: number): Promise<Uint8Array | "too-large" | "unreadable"> {
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return "too-large";
      }
      chunks.push(value);
    }
  } catch (err) {
    return err instanceof Error && err.message.includes("maxRequestBodySize") ? "too-large" : "unreadable";
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(ctx: RequestContext): Response {
  return problem(ctx, 413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
}

function fail(response: Response): Parsed<never> {
  return { ok: false, response };
}

/** "a string", "an array", "null"…: for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "object" ? "an object" : type === "undefined" ? "nothing" : `a ${type}`;
}
