/**
 * Attributes that hold JSON (IAM policies, container definitions) reach the synthesized Terraform
 * either as a JSON string or as a `${jsonencode(...)}` expression, depending on whether the code
 * used `JSON.stringify` or `Fn.jsonencode`. Both must be inspectable, so this reads either form.
 * In the HCL form, bare references (`aws_ecr_repository.Repo.arn`) become the string
 * `${aws_ecr_repository.Repo.arn}`, the same shape JSON.stringify gives them.
 */

const JSONENCODE = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

/** The parsed document, or `undefined` when the value cannot be read at synth time. */
export function parseJsonAttribute(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  const encoded = JSONENCODE.exec(trimmed);
  try {
    return encoded ? JSON.parse(hclToJson(encoded[1] ?? "")) : JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

const PUNCTUATION = new Set(["{", "}", "[", "]", ",", ":"]);
const LITERAL = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/;

/** Converts an HCL object/tuple expression, as cdktf renders it, to JSON text. */
export function hclToJson(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '"') {
      const end = stringEnd(source, i);
      out += source.slice(i, end);
      i = end;
    } else if (c === "=") {
      out += ":";
      i++;
    } else if (PUNCTUATION.has(c)) {
      out += c;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      const end = bareEnd(source, i);
      const token = source.slice(i, end);
      out += LITERAL.test(token) ? token : JSON.stringify("${" + token + "}");
      i = end;
    }
  }
  return out;
}

function stringEnd(source: string, start: number): number {
  let i = start + 1;
  let depth = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === "\\") i += 2;
    else if (c === "$" && source[i + 1] === "{") {
      depth++;
      i += 2;
    } else if (c === "}" && depth > 0) {
      depth--;
      i++;
    } else if (c === '"' && depth === 0) return i + 1;
    else i++;
  }
  return source.length;
}

function bareEnd(source: string, start: number): number {
  let i = start;
  let depth = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === "(" || c === "[") depth++;
    else if ((c === ")" || c === "]") && depth > 0) depth--;
    else if (depth === 0 && (c === "," || c === "}" || c === "]" || c === "=" || /\s/.test(c))) break;
    else if (c === '"') {
      i = stringEnd(source, i);
      continue;
    }
    i++;
  }
  return i;
}

/** True when a synthesized value is a Terraform expression rather than a literal. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Blocks synthesize as an object when single and as a list when repeatable; read both. */
export function asList<T = Record<string, unknown>>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return asRecord(value[0]);
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}
