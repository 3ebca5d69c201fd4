/** The environment's domain as the stacks use it: hosted zone, certificate source and the HSTS header. */
import type { CertificateConfig, PolicyTier } from "./types";

/** HSTS max-age by policy tier: a year in production; a day elsewhere, so a mistake wears off by tomorrow. */
export const HSTS_DEFAULT_MAX_AGE_SECONDS: Readonly<Record<PolicyTier, number>> = { prod: 31_536_000, staging: 86_400, dev: 86_400 };

export interface ResolvedHsts {
  readonly maxAgeSeconds: number;
  readonly includeSubDomains: boolean;
  readonly preload: boolean;
}

/** The hosted zone the records go in: by ID, or by name (looked up at plan time). */
export type HostedZoneRef = { readonly id: string } | { readonly name: string };

export interface ResolvedCertificate {
  readonly domainName: string;
  /** An existing certificate; undefined means one is created (with a zone) or looked up (without). */
  readonly certificateArn: string | undefined;
  readonly hostedZone: HostedZoneRef | undefined;
  readonly hsts: ResolvedHsts;
}

export function resolveCertificate(c: CertificateConfig | undefined, tier: PolicyTier): ResolvedCertificate | undefined {
  if (!c) return undefined;
  const hostedZone = c.hostedZoneId !== undefined ? { id: c.hostedZoneId } : c.hostedZoneName !== undefined ? { name: c.hostedZoneName } : undefined;
  return {
    domainName: c.domainName,
    certificateArn: c.certificateArn,
    hostedZone,
    hsts: {
      // Preload needs a year; the dev and staging default of a day would make the header one the list refuses.
      maxAgeSeconds: c.hsts?.maxAgeSeconds ?? (c.hsts?.preload === true ? HSTS_DEFAULT_MAX_AGE_SECONDS.prod : HSTS_DEFAULT_MAX_AGE_SECONDS[tier]),
      includeSubDomains: c.hsts?.includeSubDomains ?? false,
      preload: c.hsts?.preload ?? false,
    },
  };
}

/** The Strict-Transport-Security header value, as browsers read it (RFC 6797). */
export function hstsHeader(h: ResolvedHsts): string {
  return [`max-age=${h.maxAgeSeconds}`, ...(h.includeSubDomains ? ["includeSubDomains"] : []), ...(h.preload ? ["preload"] : [])].join("; ");
}

/** Whether `zone` can hold records for `domain`: the domain itself or a parent of it. */
export function zoneHolds(zone: string, domain: string): boolean {
  return domain === zone || domain.endsWith(`.${zone}`);
}
