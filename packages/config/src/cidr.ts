/** Minimal IPv4 CIDR arithmetic: enough to validate and split a VPC range at synth time. */

export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_PATTERN.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (base % 2 ** (32 - prefix) !== 0) return undefined;
  return { base, prefix };
}

export function formatCidr({ base, prefix }: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/** The `index`-th block of `newBits` more prefix bits inside `parent` (like Terraform's cidrsubnet). */
export function subnetCidr(parent: string, newBits: number, index: number): string {
  const p = parseCidr(parent);
  if (!p) throw new Error(`subnetCidr: "${parent}" is not a valid IPv4 CIDR`);
  if (!Number.isInteger(newBits) || newBits < 0 || !Number.isInteger(index)) {
    throw new Error(`subnetCidr: newBits (${newBits}) and index (${index}) must be whole numbers, newBits at least 0`);
  }
  const prefix = p.prefix + newBits;
  if (prefix > 28 || index < 0 || index >= 2 ** newBits) {
    throw new Error(`subnetCidr: block ${index} of /${prefix} does not fit in ${parent}`);
  }
  return formatCidr({ base: p.base + index * 2 ** (32 - prefix), prefix });
}

/**
 * Why `text` is not a VPC CIDR this platform takes, or undefined. Refused rather than rewritten: a
 * range written one way and deployed another (leading zeros, host bits) would surprise in review.
 */
export function cidrProblem(text: string): string | undefined {
  const m = CIDR_PATTERN.exec(text);
  if (!m) return 'must be an IPv4 CIDR such as "10.10.0.0/16"';
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return 'must be an IPv4 CIDR such as "10.10.0.0/16" (octets 0-255, prefix 0-32)';
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const network = formatCidr({ base: base - (base % 2 ** (32 - prefix)), prefix });
  if (base % 2 ** (32 - prefix) !== 0) return `has host bits set; the network of that address is "${network}"`;
  if (network !== text) return `is not written canonically (no leading zeros); write "${network}"`;
  if (prefix < 16 || prefix > 22) return "prefix must be /16 to /22 (room for 8 subnets of /19 to /25)";
  return undefined;
}
