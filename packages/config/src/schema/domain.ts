/** The schema of an environment's `certificate`: the domain, its certificate, its hosted zone and HSTS. */
import * as v from "valibot";
import { zoneHolds } from "../domain";
import { bool, int, strictObject, text } from "./fields";

export const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Route 53 hosted zone IDs: `Z` and up to 31 upper-case letters and digits (AWS's own pattern is 1-32 characters). */
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
/** One year, the least max-age the HSTS preload list accepts. */
export const HSTS_PRELOAD_MIN_AGE_SECONDS = 31_536_000;
/** Two years, the max-age the preload list recommends; more gains nothing and is refused as a likely typo. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

export const HstsSchema = v.pipe(
  strictObject(
    {
      /**
       * How long browsers keep to HTTPS after seeing the header. 0 tells them to forget it (the way to
       * back out of HSTS).
       * @default - 31536000 (one year) in the prod policy tier and wherever preload is asked for, 86400 (one day) in dev and staging
       */
      maxAgeSeconds: v.optional(int(0, HSTS_MAX_AGE_SECONDS, `must be a whole number of seconds from 0 to ${HSTS_MAX_AGE_SECONDS} (two years)`)),
      /** Also every subdomain of `domainName`; only where all of them serve HTTPS. @default false */
      includeSubDomains: v.optional(bool()),
      /** Ask to be in the browsers' preload list (needs includeSubDomains and a max-age of a year or more). @default false */
      preload: v.optional(bool()),
    },
    "an object { maxAgeSeconds?, includeSubDomains?, preload? }",
  ),
  v.forward(
    v.check((h) => h.preload !== true || h.includeSubDomains === true, "preload needs includeSubDomains: true (the preload list refuses a header without it)"),
    ["preload"],
  ),
  v.forward(
    v.check(
      (h) => h.preload !== true || h.maxAgeSeconds === undefined || h.maxAgeSeconds >= HSTS_PRELOAD_MIN_AGE_SECONDS,
      `preload needs maxAgeSeconds of at least ${HSTS_PRELOAD_MIN_AGE_SECONDS} (one year; the preload list refuses less)`,
    ),
    ["preload"],
  ),
);

export const CertificateSchema = v.pipe(
  strictObject(
  {
    /** The domain the ALB serves, e.g. `api.example.com`; used for service URLs. */
    domainName: text(DOMAIN, 'must be a lower-case domain name such as "api.example.com"', 253),
    /**
     * ARN of an ACM certificate in the environment's region.
     * @default - with a hosted zone, a new ACM certificate validated through DNS in that zone;
     * without one, the ISSUED certificate for `domainName` is looked up at plan time
     */
    certificateArn: v.optional(text(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be an ACM certificate ARN in the environment's region (the ALB's region)", 2048)),
    /**
     * ID of the public Route 53 hosted zone that holds `domainName`: the stacks write its alias
     * records (and the certificate's validation record) there. Give this or `hostedZoneName`.
     * @default - no DNS records (point the name at the ALB yourself)
     */
    hostedZoneId: v.optional(text(HOSTED_ZONE_ID, 'must be a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"', 32)),
    /**
     * Name of that public hosted zone (`domainName` itself or a parent of it, e.g. `example.com`),
     * looked up at plan time. Give this or `hostedZoneId`.
     * @default - no DNS records
     */
    hostedZoneName: v.optional(text(DOMAIN, 'must be a lower-case domain name such as "example.com", without the trailing dot', 253)),
    /**
     * The Strict-Transport-Security header the HTTPS listener adds to every response.
     * @default - max-age by policy tier (prod one year, dev and staging one day), no includeSubDomains, no preload
     */
    hsts: v.optional(HstsSchema),
  },
  "an object { domainName, certificateArn?, hostedZoneId? or hostedZoneName?, hsts? }",
  ),
  v.forward(
    v.check((c) => c.hostedZoneId === undefined || c.hostedZoneName === undefined, (issue) => `give hostedZoneId or hostedZoneName, not both (hostedZoneId is ${JSON.stringify((issue.input as { hostedZoneId: string }).hostedZoneId)})`),
    ["hostedZoneName"],
  ),
  v.forward(
    v.check(
      // Judged only between two well-formed names; a malformed one is reported on its own.
      (c) => !DOMAIN.test(c.hostedZoneName ?? "") || !DOMAIN.test(c.domainName) || zoneHolds(c.hostedZoneName!, c.domainName),
      (issue) => `must be the zone of domainName ${JSON.stringify((issue.input as { domainName: string }).domainName)}: that name itself or a parent of it`,
    ),
    ["hostedZoneName"],
  ),
);
