/**
 * Heuristics for "this plain value carries a credential", shared by the config check (which stops
 * synth) and the policy rule BF-CTR-005 (which reads the synthesized task definitions).
 *
 * Names are matched by words (split on `_`), so `TOKEN_TTL_SECONDS` or `SECRET_ARN` (a reference,
 * not a value) do not count, while `DB_PASSWORD` and `STRIPE_API_KEY` do. Values are matched by
 * shape: the published formats of common API keys, credentials inside URLs and `key=value` strings,
 * private keys and JSON Web Tokens. Key formats that are also plausible words or slugs must look
 * random (upper case, lower case and digits) to count. `secrets.test.ts` measures both directions
 * against realistic values.
 */

const SECRET_WORDS = new Set(["SECRET", "PASSWORD", "PASSWD", "PASS", "PWD", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE"]);
const SECRET_PAIRS = [["API", "KEY"], ["ACCESS", "KEY"], ["SECRET", "KEY"], ["PRIVATE", "KEY"], ["SIGNING", "KEY"], ["ENCRYPTION", "KEY"], ["CLIENT", "SECRET"], ["AUTH", "KEY"]];
// The last word says the value is about a secret, not the secret itself.
const REFERENCE_SUFFIXES = new Set(["ARN", "NAME", "PATH", "FILE", "ID", "TTL", "SECONDS", "MS", "ENABLED", "HEADER", "PARAM", "PARAMETER", "LENGTH", "URL", "ENDPOINT", "REGION", "EXPIRY", "TYPE"]);

const random = (s: string) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s);

interface ValuePattern {
  readonly pattern: RegExp;
  readonly why: string;
  /** The matched text must also pass this, for formats that ordinary words can take. */
  readonly also?: (match: string) => boolean;
}

const VALUE_PATTERNS: readonly ValuePattern[] = [
  // user:password@ and :password@ (an empty user), in any URL of the value
  // The scheme is bounded: an unbounded one backtracks quadratically through a long value.
  { pattern: /[a-z][a-z0-9+.-]{0,31}:\/\/[^/\s:@]*:[^/\s@]+@/i, why: "is a connection string with a password in it" },
  // libpq, JDBC and query-string forms: password=..., token=...
  { pattern: /(?:^|[\s;&?,])(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)\s*=\s*[^\s;&,'"]{6,}/i, why: "holds a credential as key=value" },
  { pattern: /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/, why: "holds an AWS access key ID" },
  // 40 base64 characters right after an AWS secret key's name
  { pattern: /(secret[_-]?access[_-]?key|secret[_-]?key|aws[_-]?secret)["']?\s*[=:]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/i, why: "holds an AWS secret access key" },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, why: "holds a private key" },
  { pattern: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/, why: "holds a JSON Web Token" },
  { pattern: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}/, why: "holds a GitHub token" },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/, why: "holds a GitHub token" },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}/, why: "holds a GitLab token" },
  { pattern: /\bxox[abposrce]-[A-Za-z0-9-]{10,}/, why: "holds a Slack token" },
  { pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/, why: "holds a Slack token" },
  { pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/, why: "holds a Slack webhook URL" },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}/, why: "holds a Google API key" },
  { pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}/, why: "holds a Google OAuth client secret" },
  { pattern: /\bsk-(proj-|svcacct-|admin-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{32,}/, why: "holds an OpenAI or Anthropic API key", also: random },
  { pattern: /\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}/, why: "holds a Stripe secret key" },
  { pattern: /\bwhsec_[A-Za-z0-9+/]{24,}/, why: "holds a Stripe webhook secret" },
  { pattern: /\bSK[0-9a-f]{32}\b/, why: "holds a Twilio API key" },
  { pattern: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, why: "holds a SendGrid API key" },
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/, why: "holds an npm token" },
  { pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,}/, why: "holds a PyPI token" },
  { pattern: /\bhf_[A-Za-z0-9]{34,}/, why: "holds a Hugging Face token", also: random },
  { pattern: /\bdop_v1_[a-f0-9]{64}\b/, why: "holds a DigitalOcean token" },
  { pattern: /\bshp(at|ss|ca|pa)_[a-fA-F0-9]{32}\b/, why: "holds a Shopify token" },
  { pattern: /\bkey-[0-9a-f]{32}\b/, why: "holds a Mailgun API key" },
  { pattern: /AccountKey=[A-Za-z0-9+/]{80,}={0,2}/, why: "holds an Azure storage account key" },
  { pattern: /^(Basic|Bearer) [A-Za-z0-9._~+/=-]{16,}$/, why: "holds an Authorization header value" },
];

export interface SecretFinding {
  /** `name`: the variable is named like a secret; `value`: the value has a credential's shape. */
  readonly by: "name" | "value";
  /** Why, e.g. "holds a Slack token". */
  readonly why: string;
}

/** Why a variable looks like it carries a secret, or undefined when it does not. */
export function secretFinding(name: unknown, value: unknown): SecretFinding | undefined {
  const text = typeof value === "string" ? value : "";
  for (const { pattern, why, also } of VALUE_PATTERNS) {
    const m = pattern.exec(text);
    if (m && (also === undefined || also(m[0]))) return { by: "value", why };
  }
  if (typeof name !== "string" || text === "" || /^(true|false|\d+(\.\d+)?)$/i.test(text)) return undefined;
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (words.length === 0 || REFERENCE_SUFFIXES.has(words[words.length - 1] as string)) return undefined;
  const pair = SECRET_PAIRS.find(([a, b]) => words.some((w, i) => w === a && words[i + 1] === b));
  if (pair) return { by: "name", why: `is named like a secret (${pair.join("_")})` };
  const word = words.find((w) => SECRET_WORDS.has(w));
  return word ? { by: "name", why: `is named like a secret (${word})` } : undefined;
}

/** Why the variable looks like a secret, or `undefined` when it does not. */
export function looksSecret(name: unknown, value: unknown): string | undefined {
  return secretFinding(name, value)?.why;
}
