/**
 * Heuristics for "this environment variable carries a secret". Names are matched by words (split
 * on `_`), so `TOKEN_TTL_SECONDS` or `SECRET_ARN` (a reference, not a value) do not count, while
 * `DB_PASSWORD` and `STRIPE_API_KEY` do. Values are matched by shape: known key formats and URLs
 * with credentials in them.
 */

const SECRET_WORDS = new Set(["SECRET", "PASSWORD", "PASSWD", "PASS", "PWD", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE"]);
const SECRET_PAIRS = [["API", "KEY"], ["ACCESS", "KEY"], ["SECRET", "KEY"], ["PRIVATE", "KEY"], ["SIGNING", "KEY"], ["ENCRYPTION", "KEY"], ["CLIENT", "SECRET"]];
// The last word says the value is about a secret, not the secret itself.
const REFERENCE_SUFFIXES = new Set(["ARN", "NAME", "PATH", "FILE", "ID", "TTL", "SECONDS", "MS", "ENABLED", "HEADER", "PARAM", "PARAMETER", "LENGTH", "URL", "ENDPOINT", "REGION", "EXPIRY", "TYPE"]);

const VALUE_PATTERNS: readonly [RegExp, string][] = [
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, "is a connection string with a password in it"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "holds an AWS access key ID"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "holds a private key"],
  [/^eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, "holds a JSON Web Token"],
  [/^(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}/, "holds a GitHub token"],
  [/^xox[abprs]-[A-Za-z0-9-]{10,}/, "holds a Slack token"],
  [/^sk_(live|test)_[A-Za-z0-9]{16,}/, "holds a Stripe secret key"],
];

/** Why the variable looks like a secret, or `undefined` when it does not. */
export function looksSecret(name: unknown, value: unknown): string | undefined {
  const text = typeof value === "string" ? value : "";
  for (const [pattern, why] of VALUE_PATTERNS) if (pattern.test(text)) return why;
  if (typeof name !== "string" || text === "" || /^(true|false|\d+(\.\d+)?)$/i.test(text)) return undefined;
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (words.length === 0 || REFERENCE_SUFFIXES.has(words[words.length - 1] as string)) return undefined;
  const pair = SECRET_PAIRS.find(([a, b]) => words.some((w, i) => w === a && words[i + 1] === b));
  if (pair) return `is named like a secret (${pair.join("_")})`;
  const word = words.find((w) => SECRET_WORDS.has(w));
  return word ? `is named like a secret (${word})` : undefined;
}
