/**
 * A plain-data copy of the configuration, taken before validation. The config is a TypeScript or
 * JSON module and may hold anything: getters that throw, proxies, cycles, class instances. The copy
 * is what gets validated and then built, so a getter cannot return one value to validation and
 * another to a construct, and reading the config can only fail as a reported problem.
 */

export type PathKey = string | number;

export interface ReadProblem {
  readonly path: readonly PathKey[];
  readonly value: unknown;
  readonly problem: string;
}

const MAX_DEPTH = 24;
// Keys the schema library skips without a word (they could rewrite prototypes); refused here instead.
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const MAX_ENTRIES = 10_000;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: object): string {
  const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof ctor === "string" && ctor !== "" ? `a ${ctor}` : "an object with a prototype";
}

export function plainData(value: unknown): { readonly data: unknown; readonly problems: readonly ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const ancestors = new Set<object>();

  const copy = (v: unknown, path: PathKey[]): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (ancestors.has(v)) {
      problems.push({ path, value: "[circular]", problem: "refers back to an object that contains it; the configuration must be a tree of plain values" });
      return undefined;
    }
    if (path.length >= MAX_DEPTH) {
      problems.push({ path, value: "[nested]", problem: `nested more than ${MAX_DEPTH} levels deep; no setting is` });
      return undefined;
    }
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        if (v.length > MAX_ENTRIES) {
          problems.push({ path, value: `[${v.length} items]`, problem: `a list of ${v.length} items; no setting takes more than ${MAX_ENTRIES}` });
          return undefined;
        }
        const out: unknown[] = [];
        for (let i = 0; i < v.length; i++) out.push(read(v, i, [...path, i]));
        return out;
      }
      if (!isPlainObject(v)) {
        problems.push({ path, value: `[${describe(v).replace(/^an? /, "")}]`, problem: `must be plain data (a string, number, boolean, list or { ... } object), not ${describe(v)}` });
        return undefined;
      }
      const keys = Object.keys(v);
      if (keys.length > MAX_ENTRIES) {
        problems.push({ path, value: `{${keys.length} keys}`, problem: `an object with ${keys.length} keys; no setting takes more than ${MAX_ENTRIES}` });
        return undefined;
      }
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        if (RESERVED_KEYS.has(key)) {
          problems.push({ path: [...path, key], value: key, problem: "is a name JavaScript reserves for objects; no setting, variable or service is called that" });
          continue;
        }
        out[key] = read(v, key, [...path, key]);
      }
      return out;
    } catch (err) {
      // A proxy whose traps throw (ownKeys, getPrototypeOf) lands here.
      problems.push({ path, value: "[unreadable]", problem: `reading it threw ${describeError(err)}; give a plain value` });
      return undefined;
    } finally {
      ancestors.delete(v);
    }
  };

  const read = (holder: object, key: PathKey, path: PathKey[]): unknown => {
    let v: unknown;
    try {
      v = (holder as Record<PathKey, unknown>)[key];
    } catch (err) {
      problems.push({ path, value: "[unreadable]", problem: `reading it threw ${describeError(err)}; give a plain value` });
      return undefined;
    }
    return copy(v, path);
  };

  return { data: copy(value, []), problems };
}

function describeError(err: unknown): string {
  try {
    return err instanceof Error ? `${err.name}: ${String(err.message).slice(0, 200)}` : "an exception";
  } catch {
    return "an exception";
  }
}
