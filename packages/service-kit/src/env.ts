/**
 * Reading a service's settings from its environment: each reader returns the fallback when the
 * variable is unset and throws a ConfigError naming the variable, the value and what is allowed
 * otherwise. main.ts prints the error's one JSON line and exits 78.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string | undefined,
    readonly allowed: string,
  ) {
    super(`${variable}=${value === undefined ? "(unset)" : JSON.stringify(value)} is not allowed: expected ${allowed}`);
    this.name = "ConfigError";
  }

  /** The one line printed before exiting (the value cut at 200 characters). */
  toLogLine(now: Date = new Date()): string {
    const value = this.value === undefined ? null : this.value.length > 200 ? `${this.value.slice(0, 200)}…` : this.value;
    return JSON.stringify({ time: now.toISOString(), level: "fatal", msg: "invalid configuration", variable: this.variable, value, allowed: this.allowed });
  }
}

/** A whole number from `min` to `max` (at most 9 digits, no sign, no exponent). */
export function integer(env: Env, name: string, fallback: number, min: number, max: number, allowed: string): number {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(name, raw, allowed);
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, raw, `one of ${allowed.join(", ")}`);
  return raw as T;
}

export function matching(env: Env, name: string, fallback: string, pattern: RegExp, allowed: string): string {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (!pattern.test(raw)) throw new ConfigError(name, raw, allowed);
  return raw;
}
