import { describe, readJsonObject } from "../http/body";
import { json, noContent, problem } from "../http/respond";
import type { RouteTable } from "../http/router";
import { queryOf } from "../http/target";

/**
 * `/v1/notes`: a small in-memory resource that shows request validation. Each task keeps its own
 * notes and loses them on restart; it is an example of the HTTP contract, not of storage.
 */
export interface Note {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly tags: readonly string[];
  readonly createdAt: string;
}

export type NoteInput = Pick<Note, "title" | "body" | "tags">;

export const NOTE_LIMITS = {
  titleChars: 200,
  bodyChars: 10_000,
  tags: 10,
  /** Notes kept per process; the oldest go first, so memory stays bounded. */
  stored: 1_000,
  pageDefault: 20,
  pageMax: 100,
} as const;

const TAG = /^[a-z0-9][a-z0-9-]{0,31}$/;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FIELDS = new Set(["title", "body", "tags"]);

export class NoteStore {
  readonly #notes = new Map<string, Note>();
  /** Oldest first, so a page of the newest is the end of it: copying the whole map per page cost ~1 000 entries a request. */
  readonly #order: Note[] = [];

  constructor(readonly capacity: number = NOTE_LIMITS.stored) {}

  add(input: NoteInput, now: Date = new Date()): Note {
    const note: Note = { id: Bun.randomUUIDv7(), ...input, createdAt: now.toISOString() };
    this.#notes.set(note.id, note);
    this.#order.push(note);
    if (this.#order.length > this.capacity) this.#notes.delete(this.#order.shift()!.id);
    return note;
  }

  get(id: string): Note | undefined {
    return this.#notes.get(id);
  }

  delete(id: string): boolean {
    const note = this.#notes.get(id);
    if (note === undefined) return false;
    this.#notes.delete(id);
    this.#order.splice(this.#order.lastIndexOf(note), 1);
    return true;
  }

  /** Newest first. */
  list(limit: number): Note[] {
    return this.#order.slice(-limit).reverse();
  }
}

/** A field error: which field, and what was wrong with it. */
export interface Invalid {
  readonly field: string;
  readonly message: string;
}

/** Checks a parsed body against the note shape; every message names the field and what is allowed. */
export function validateNote(body: Record<string, unknown>): NoteInput | Invalid {
  for (const key of Object.keys(body)) {
    if (!FIELDS.has(key)) return { field: key, message: `unknown field; allowed fields are ${[...FIELDS].join(", ")}` };
  }
  const { title, body: text = "", tags = [] } = body;
  if (typeof title !== "string" || title.trim().length === 0 || title.length > NOTE_LIMITS.titleChars) {
    return { field: "title", message: `must be a non-blank string of at most ${NOTE_LIMITS.titleChars} characters, got ${got(title)}` };
  }
  if (typeof text !== "string" || text.length > NOTE_LIMITS.bodyChars) {
    return { field: "body", message: `must be a string of at most ${NOTE_LIMITS.bodyChars} characters, got ${got(text)}` };
  }
  if (!Array.isArray(tags) || tags.length > NOTE_LIMITS.tags) {
    return { field: "tags", message: `must be an array of at most ${NOTE_LIMITS.tags} tags, got ${got(tags)}` };
  }
  for (const [i, tag] of tags.entries()) {
    if (typeof tag !== "string" || !TAG.test(tag)) {
      return { field: `tags[${i}]`, message: `must be 1 to 32 lowercase letters, digits or hyphens, starting with a letter or digit, got ${got(tag)}` };
    }
  }
  return { title: title.trim(), body: text, tags: tags as string[] };
}

function got(value: unknown): string {
  if (typeof value === "string") return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return describe(value);
}

function isInvalid(value: NoteInput | Invalid): value is Invalid {
  return "field" in value;
}

export function noteRoutes(store: NoteStore): RouteTable {
  return {
    "/v1/notes": {
      GET: (req, ctx) => {
        // Not new URL(req.url): it throws when the Host header is missing or malformed.
        const raw = new URLSearchParams(queryOf(req.url)).get("limit");
        let limit: number = NOTE_LIMITS.pageDefault;
        if (raw !== null) {
          limit = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
          if (!(limit >= 1 && limit <= NOTE_LIMITS.pageMax)) {
            const message = `must be an integer from 1 to ${NOTE_LIMITS.pageMax}, got ${JSON.stringify(raw.slice(0, 40))}`;
            return problem(ctx, 400, `limit: ${message}`, { field: "limit" });
          }
        }
        const notes = store.list(limit);
        return json(ctx, 200, { notes, count: notes.length });
      },
      POST: async (req, ctx) => {
        const parsed = await readJsonObject(req, ctx);
        if (!parsed.ok) return parsed.response;
        const input = validateNote(parsed.value);
        if (isInvalid(input)) return problem(ctx, 400, `${input.field}: ${input.message}`, { field: input.field });
        const note = store.add(input);
        return json(ctx, 201, note, { location: `/v1/notes/${note.id}` });
      },
    },
    "/v1/notes/:id": {
      GET: (req, ctx) => {
        const note = ID.test(req.params.id!) ? store.get(req.params.id!) : undefined;
        return note === undefined ? notFound(ctx, req.params.id!) : json(ctx, 200, note);
      },
      DELETE: (req, ctx) => {
        const deleted = ID.test(req.params.id!) && store.delete(req.params.id!);
        return deleted ? noContent(ctx) : notFound(ctx, req.params.id!);
      },
    },
  };
}

function notFound(ctx: Parameters<typeof problem>[0], id: string): Response {
  return problem(ctx, 404, `no note with id ${JSON.stringify(id.slice(0, 64))}`);
}
