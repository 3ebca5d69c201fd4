/**
 * Runs per month of an EventBridge Scheduler expression: `rate(5 minutes)`, `cron(0 3 * * ? *)`
 * or `at(...)` (one run). Cron fields are counted, not simulated: good enough for a monthly bill.
 */
const DAYS_PER_MONTH = 730 / 24;
const WEEKS_PER_MONTH = DAYS_PER_MONTH / 7;
const MINUTES: Record<string, number> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };

export function runsPerMonth(expression: string): number | undefined {
  const rate = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (rate) return (730 * 60) / (Number(rate[1]) * (MINUTES[rate[2] as string] as number));
  if (/^at\(/.test(expression.trim())) return 1;
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const fields = (cron[1] as string).trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const perDay = count(minute, 60) * count(hour, 24);
  const months = count(month, 12) / 12;
  const wildDom = dom === "*" || dom === "?";
  const wildDow = dow === "*" || dow === "?";
  const days = wildDom && wildDow ? DAYS_PER_MONTH : !wildDom ? count(dom, 31) * (DAYS_PER_MONTH / 31) : count(dow, 7) * WEEKS_PER_MONTH;
  return perDay * days * months;
}

const NAMES: Record<string, number> = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7, JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };

/** Values a cron field takes out of `size` (`*`, lists, ranges, steps, day and month names). */
function count(field: string, size: number): number {
  if (field === "*" || field === "?") return size;
  let total = 0;
  const named = field.toUpperCase().replace(/[A-Z]{3}/g, (name) => String(NAMES[name] ?? name));
  for (const part of named.split(",")) {
    const [range, step] = part.split("/") as [string, string | undefined];
    const every = step ? Number(step) : 1;
    let span = 1;
    if (range === "*") span = size;
    else if (range.includes("-")) {
      const [a, b] = range.split("-").map(Number) as [number, number];
      span = Number.isFinite(a) && Number.isFinite(b) ? b - a + 1 : 1;
    } else if (step) span = size - Number(range);
    total += Math.max(1, Math.ceil(span / every));
  }
  return Math.min(total, size);
}

const MINUTES_PER_WEEK = 7 * 24 * 60;
/** Day-of-week names in AWS cron order (1 = SUN ... 7 = SAT). */
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

/**
 * Values of one cron field between `lo` and `hi`: `*`, lists, ranges, steps and names. Anything else
 * (`L`, `W`, `#`, wrapping ranges, values out of range) is a shape we do not guess at.
 */
function expand(field: string, lo: number, hi: number): number[] | string {
  if (field === "*") return range(lo, hi, 1);
  const values = new Set<number>();
  const named = field.toUpperCase().replace(/[A-Z]{3}/g, (name) => String(NAMES[name] ?? name));
  for (const part of named.split(",")) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return `field "${field}" is not a number, list, range or step`;
    const from = m[1] === "*" ? lo : Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined || m[1] === "*" ? hi : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from < lo || to > hi || from > to || step < 1) return `field "${field}" is outside ${lo}-${hi} or wraps around`;
    for (const v of range(from, to, step)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/**
 * Minutes of the week (0 = Monday 00:00) at which a `cron(...)` expression fires, for expressions
 * that repeat every week: day of month `?` or `*`, every month, every year.
 */
export function weeklyFirings(expression: string): number[] | string {
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) return `"${expression}" is not a cron(...) expression`;
  const fields = (cron[1] as string).trim().split(/\s+/);
  if (fields.length !== 6) return `"${expression}" does not have 6 fields`;
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (dom !== "?" && dom !== "*") return `"${expression}" runs on days of the month, which do not repeat weekly`;
  if (month !== "*" || year !== "*") return `"${expression}" runs only in some months or years`;
  const minutes = expand(minute, 0, 59);
  const hours = expand(hour, 0, 23);
  const days = dow === "?" ? expand("*", 1, 7) : expand(dow, 1, 7);
  for (const f of [minutes, hours, days]) if (typeof f === "string") return `"${expression}": ${f}`;
  const out: number[] = [];
  // AWS counts days from SUN = 1; the week here starts on Monday so that weekday windows stay contiguous.
  for (const d of days as number[]) for (const h of hours as number[]) for (const m of minutes as number[]) out.push(((d + 5) % 7) * 1440 + h * 60 + m);
  return out.sort((a, b) => a - b);
}

export interface ActiveWeek {
  /** Hours per week between a wake and the next sleep. */
  readonly hoursPerWeek: number;
  /** e.g. "weekdays 07:00-19:00 UTC". */
  readonly description: string;
}

/**
 * Awake hours per week of a service woken by one scheduled action and put to sleep by another.
 * Returns a reason instead when the pair does not repeat weekly or the two fire at the same minute
 * (the order AWS applies them in is not defined, so neither outcome can be assumed).
 */
export function activeHoursPerWeek(wake: string, sleep: string, timezone = "UTC"): ActiveWeek | string {
  const up = weeklyFirings(wake);
  if (typeof up === "string") return `wake ${up}`;
  const down = weeklyFirings(sleep);
  if (typeof down === "string") return `sleep ${down}`;
  const downSet = new Set(down);
  const clash = up.find((m) => downSet.has(m));
  if (clash !== undefined) return `wake "${wake}" and sleep "${sleep}" both fire at ${dayTime(clash)}; which one AWS applies last is not defined`;
  // The state at any minute is set by the last action before it, going round the week.
  const events = new Map<number, boolean>([...up.map((m) => [m, true] as const), ...down.map((m) => [m, false] as const)]);
  const first = Math.min(...down);
  let awake = false;
  let awakeMinutes = 0;
  const windows: { start: number; length: number }[] = [];
  for (let i = 0; i < MINUTES_PER_WEEK; i++) {
    const m = (first + i) % MINUTES_PER_WEEK;
    const event = events.get(m);
    if (event === true && !awake) windows.push({ start: m, length: 0 });
    if (event !== undefined) awake = event;
    if (awake) {
      awakeMinutes++;
      (windows[windows.length - 1] as { length: number }).length++;
    }
  }
  return { hoursPerWeek: awakeMinutes / 60, description: describe(windows, timezone) ?? `from "${wake}" to "${sleep}" ${timezone}` };
}

const hhmm = (minuteOfDay: number) => `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
/** Day index 0 = MON. */
const dayName = (day: number) => DAY_NAMES[(day + 1) % 7] as string;
const dayTime = (minuteOfWeek: number) => `${dayName(Math.floor(minuteOfWeek / 1440))} ${hhmm(minuteOfWeek % 1440)}`;

/** "weekdays 07:00-19:00 UTC" when every window has the same start and length within a day, else undefined. */
function describe(windows: readonly { start: number; length: number }[], timezone: string): string | undefined {
  const first = windows[0];
  if (!first) return undefined;
  const startOfDay = first.start % 1440;
  if (first.length > 1440 - startOfDay || windows.some((w) => w.start % 1440 !== startOfDay || w.length !== first.length)) return undefined;
  const days = windows.map((w) => Math.floor(w.start / 1440)).sort((a, b) => a - b);
  const key = days.join(",");
  const daysText = key === "0,1,2,3,4" ? "weekdays" : key === "0,1,2,3,4,5,6" ? "every day" : days.map(dayName).join(", ");
  return `${daysText} ${hhmm(startOfDay)}-${startOfDay + first.length === 1440 ? "24:00" : hhmm(startOfDay + first.length)} ${timezone}`;
}
