/** Turns schema issues and read problems into ConfigIssues: where, which field, the value, what is allowed. */
import type * as v from "valibot";
import type { ConfigIssue } from "./errors";
import type { PathKey } from "./plain-data";
import { secretFinding } from "./secrets";

const REDACTED = "<redacted>";

function fieldOf(keys: readonly PathKey[]): string {
  let out = "";
  for (const key of keys) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** A copy of `value` with every string that looks like a credential replaced. */
function redactDeep(value: unknown, name?: string, depth = 0): unknown {
  if (typeof value === "string") return secretFinding(name, value) ? REDACTED : value;
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, name, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(value)) Object.defineProperty(out, k, { value: redactDeep(item, k, depth + 1), enumerable: true });
  return out;
}

/**
 * The issue for a problem at `path` in the root configuration `root`. Entries of the service list
 * are named by their `name` where it is readable.
 */
export function issueAt(root: unknown, path: readonly PathKey[], value: unknown, problem: string, keyIssue = false): ConfigIssue {
  const [head, second, ...rest] = path;
  let where = "config";
  let keys: readonly PathKey[] = path;
  if (head === "environments" && typeof second === "string") {
    where = second;
    keys = rest;
    if (keyIssue && rest.length === 0) keys = ["name"];
    const [maybeServices, service, ...field] = rest;
    if (maybeServices === "services" && typeof service === "string" && !(keyIssue && field.length === 0)) {
      where = `${second} / service "${service}"`;
      keys = field;
    }
  } else if (head === "services" && typeof second === "number") {
    const name = (root as { services?: { name?: unknown }[] } | undefined)?.services?.[second]?.name;
    where = typeof name === "string" && name !== "" && name.length <= 64 ? `service ${JSON.stringify(name)}` : `services[${second}]`;
    keys = rest;
  }
  let shown = value;
  if (keyIssue) {
    // A key is a name, never a secret's value.
  } else if (keys[0] === "secrets") {
    shown = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : REDACTED;
  } else if (keys[0] === "environment" && typeof keys[1] === "string" && typeof value !== "string" && secretFinding(keys[1], "placeholder")?.by === "name") {
    shown = REDACTED;
  } else {
    shown = redactDeep(value, typeof keys.at(-1) === "string" ? (keys.at(-1) as string) : undefined);
  }
  return { where, field: keys.length === 0 ? "(the whole entry)" : fieldOf(keys), value: shown, problem };
}

export interface PathedIssue {
  readonly path: readonly PathKey[];
  readonly issue: ConfigIssue;
}

/** One ConfigIssue per valibot issue; `prefix` is where the validated value sits in the configuration. */
export function fromSchema(root: unknown, prefix: readonly PathKey[], issues: readonly v.BaseIssue<unknown>[]): PathedIssue[] {
  const seen = new Set<string>();
  // One line per field and message: a string too long and malformed fails two checks that say the same.
  const distinct = issues.filter((issue) => {
    const key = JSON.stringify([(issue.path ?? []).map((p) => String(p.key)), issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return distinct.map((issue) => {
    const items = issue.path ?? [];
    const path = [...prefix, ...items.map((item) => item.key as PathKey)];
    const last = items.at(-1);
    const keyIssue = last?.origin === "key" && issue.input !== undefined && issue.input === last.key;
    // A check forwarded to one field carries the whole object as its input; the field's value is on the path.
    const value = keyIssue || last === undefined ? issue.input : last.value;
    return { path, issue: issueAt(root, path, value, issue.message, keyIssue) };
  });
}
