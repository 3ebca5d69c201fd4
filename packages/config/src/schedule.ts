/**
 * EventBridge Scheduler expressions, checked field by field as AWS documents them:
 * `cron(minutes hours day-of-month month day-of-week year)` and `rate(<n> <unit>)`.
 */

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names allowed in place of numbers (JAN = 1, SUN = 1). */
  readonly names?: readonly string[];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS },
  { name: "year", min: 1970, max: 2199 },
];

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

/** A number or a name of the field, or undefined. */
function valueOf(text: string, field: CronField): number | undefined {
  if (/^\d{1,4}$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + field.min : undefined;
}

function allowedValues(field: CronField): string {
  return `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ""}`;
}

/** Why one comma-separated item of a field is invalid, or undefined. */
function itemProblem(item: string, field: CronField): string | undefined {
  const bad = (why: string) => `${field.name} field "${item}" ${why}`;
  if (item === "*") return undefined;
  if (field.name === "day-of-month") {
    if (item === "L" || item === "LW") return undefined;
    const weekday = /^(\d{1,2})W$/.exec(item);
    if (weekday) return valueOf(weekday[1]!, field) === undefined ? bad(`is not a valid day (${allowedValues(field)})`) : undefined;
  }
  if (field.name === "day-of-week") {
    if (item === "L") return undefined;
    const last = /^(\w+)L$/.exec(item);
    if (last) return valueOf(last[1]!, field) === undefined ? bad(`is not a valid day (${allowedValues(field)})`) : undefined;
    const nth = /^(\w+)#(\d)$/.exec(item);
    if (nth) {
      if (valueOf(nth[1]!, field) === undefined) return bad(`is not a valid day (${allowedValues(field)})`);
      const n = Number(nth[2]);
      return n >= 1 && n <= 5 ? undefined : bad("asks for an occurrence outside 1-5 in the month");
    }
  }
  const [range, step, ...more] = item.split("/");
  if (more.length > 0 || range === undefined || range === "") return bad("is not a value, range or increment");
  if (step !== undefined) {
    if (field.name === "day-of-week") return bad("uses /, which day-of-week does not take");
    if (!/^\d{1,4}$/.test(step) || Number(step) < 1 || Number(step) > field.max) return bad(`has an increment outside 1-${field.max}`);
  }
  if (range === "*") return undefined;
  const bounds = range.split("-");
  if (bounds.length > 2 || bounds.some((b) => b === "")) return bad("is not a value, range or increment");
  for (const bound of bounds) {
    if (valueOf(bound, field) === undefined) return bad(`is out of range (allowed ${allowedValues(field)})`);
  }
  return undefined;
}

/** Why `expression` is not an EventBridge Scheduler schedule, or undefined when it is one. */
export function scheduleProblem(expression: string): string | undefined {
  if (expression.startsWith("rate(")) {
    const m = RATE.exec(expression);
    if (!m || m[1]!.startsWith("0")) return 'must be "rate(1 minute|hour|day)" or "rate(<n> minutes|hours|days)" with n a whole number from 2, no leading zeros';
    const singular = !m[2]!.endsWith("s");
    if ((m[1] === "1") !== singular) return `use the ${m[1] === "1" ? "singular" : "plural"} unit: EventBridge accepts "rate(1 ${m[2]!.replace(/s$/, "")})" and "rate(${m[1] === "1" ? 2 : m[1]} ${m[2]!.replace(/s?$/, "s")})"`;
    return undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return 'must be "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)" or "rate(<n> <unit>)"';
  const parts = cron[1]!.split(" ");
  if (parts.length !== 6 || parts.some((p) => p === "")) {
    return `cron needs 6 fields separated by single spaces (minutes hours day-of-month month day-of-week year), got ${parts.filter(Boolean).length}`;
  }
  const [, , dayOfMonth, , dayOfWeek] = parts as [string, string, string, string, string, string];
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) return 'exactly one of day-of-month and day-of-week must be "?", e.g. "cron(0 3 * * ? *)"';
  for (const [i, field] of FIELDS.entries()) {
    const text = parts[i]!;
    if (text === "?") {
      if (field.name === "day-of-month" || field.name === "day-of-week") continue;
      return `${field.name} field "?" is only allowed in day-of-month or day-of-week`;
    }
    const items = text.split(",");
    if (field.name === "day-of-week" && items.length > 1 && items.some((item) => item.includes("#"))) {
      return `day-of-week field "${text}" may hold only one expression when it uses #`;
    }
    for (const item of items) {
      const problem = itemProblem(item, field);
      if (problem) return problem;
    }
  }
  return undefined;
}
