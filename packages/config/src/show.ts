/**
 * Renders any value for an error message without throwing: config of any shape ends up here
 * (bigints, functions, cycles, NaN, megabyte strings), and a message must never become a crash.
 */
const MAX = 160;

function shorten(text: string): string {
  return text.length <= MAX ? text : `${text.slice(0, MAX)}… (${text.length} characters)`;
}

export function show(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "number":
      return Number.isFinite(value) ? String(Object.is(value, -0) ? 0 : value) : String(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return value.toString();
    case "function":
      return "a function";
    case "string":
      return shorten(JSON.stringify(value));
    default:
      break;
  }
  if (value === null) return "null";
  const seen = new WeakSet<object>();
  try {
    const json = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "function" || typeof v === "symbol") return String(typeof v === "symbol" ? v.toString() : "[function]");
      if (typeof v === "number" && !Number.isFinite(v)) return String(v);
      if (v !== null && typeof v === "object") {
        if (seen.has(v)) return "[circular]";
        seen.add(v);
      }
      return v;
    });
    return shorten(json ?? String(value));
  } catch {
    return "an unreadable value";
  }
}

/** What kind of value this is, for "not a string" style messages. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "undefined":
      return "missing";
    case "bigint":
      return "a bigint";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      return "an object";
  }
}
