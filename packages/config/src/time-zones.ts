/**
 * IANA time zone names, as EventBridge Scheduler and Application Auto Scaling take them. The
 * runtime's own time zone database decides (Intl), so `Etc/GMT+9` and `America/Argentina/Buenos_Aires`
 * pass and `Mars/Olympus` does not; offsets such as `+05:00`, which Intl also accepts, are refused.
 */
const NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

export function isTimeZone(name: string): boolean {
  if (!NAME.test(name)) return false;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // Intl matches names case-insensitively; AWS does not.
  return resolved.toLowerCase() !== name.toLowerCase() || resolved === name;
}
