/** One JSON log line as one readable line for a terminal: time, level, message, then the fields. */
const COLORS: Readonly<Record<string, string>> = { debug: "\x1b[90m", info: "\x1b[36m", warn: "\x1b[33m", error: "\x1b[31m", fatal: "\x1b[41m" };
const FIXED = new Set(["time", "level", "msg", "service", "version", "env"]);

export function prettyLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return line;
  const time = typeof entry.time === "string" ? entry.time.slice(11, 23) : "";
  const level = String(entry.level ?? "").padEnd(5);
  const fields = Object.entries(entry)
    .filter(([k, v]) => !FIXED.has(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const paint = color ? (COLORS[String(entry.level)] ?? "") : "";
  return `${time} ${paint}${level}${paint ? "\x1b[0m" : ""} ${String(entry.msg ?? "")}${fields ? "  " + fields : ""}`;
}
