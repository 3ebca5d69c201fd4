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
