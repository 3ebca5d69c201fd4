import fc from "fast-check";
import { hstsHeader, HSTS_DEFAULT_MAX_AGE_SECONDS, resolveCertificate, zoneHolds } from "./domain";
import { loadConfig } from "./load";
import { HSTS_MAX_AGE_SECONDS, HSTS_PRELOAD_MIN_AGE_SECONDS } from "./schema/domain";
import { configWith, problemsOf } from "./testing";
import type { CertificateConfig } from "./types";

const sandbox = (certificate: CertificateConfig, env: Record<string, unknown> = {}) => loadConfig(configWith({ env: { certificate, ...env } })).environments[0]!;

describe("certificate: defaults", () => {
  test("no hosted zone, no certificate ARN; HSTS one day outside the prod tier, one year in it", () => {
    const env = sandbox({ domainName: "api.example.com" });
    expect(env.certificate).toEqual({ domainName: "api.example.com", certificateArn: undefined, hostedZone: undefined, hsts: { maxAgeSeconds: 31_536_000, includeSubDomains: false, preload: false } });
    // "sandbox" is not a tier name, so it is judged as prod.
    expect(env.policyTier).toBe("prod");
    const dev = sandbox({ domainName: "api.example.com" }, { policyTier: "dev" });
    expect(dev.certificate!.hsts.maxAgeSeconds).toBe(HSTS_DEFAULT_MAX_AGE_SECONDS.dev);
    expect(HSTS_DEFAULT_MAX_AGE_SECONDS.dev).toBe(86_400);
  });

  test("dualStack is off unless set", () => {
    expect(loadConfig(configWith()).environments[0]!.dualStack).toBe(false);
    expect(loadConfig(configWith({ env: { dualStack: true } })).environments[0]!.dualStack).toBe(true);
  });
});

describe("certificate: hosted zone", () => {
  test("by ID", () => {
    expect(sandbox({ domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" }).certificate!.hostedZone).toEqual({ id: "Z0123456789ABCDEFGHIJ" });
  });

  test.each(["example.com", "api.example.com"])("by name: %j holds api.example.com", (hostedZoneName) => {
    expect(sandbox({ domainName: "api.example.com", hostedZoneName }).certificate!.hostedZone).toEqual({ name: hostedZoneName });
  });

  test("fails when both are given", () => {
    expect(problemsOf(configWith({ env: { certificate: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", hostedZoneName: "example.com" } } }))).toEqual([
      'sandbox: certificate.hostedZoneName = "example.com": give hostedZoneId or hostedZoneName, not both (hostedZoneId is "Z0123456789ABCDEFGHIJ")',
    ]);
  });

  test.each(["other.com", "pi.example.com", "xample.com", "api.example.com.eu"])("fails when the zone %j cannot hold api.example.com", (hostedZoneName) => {
    expect(problemsOf(configWith({ env: { certificate: { domainName: "api.example.com", hostedZoneName } } }))).toEqual([
      `sandbox: certificate.hostedZoneName = "${hostedZoneName}": must be the zone of domainName "api.example.com": that name itself or a parent of it`,
    ]);
  });

  test.each(["z0123", "/hostedzone/Z0123456789", "Z", "example.com", "Z0123456789ABCDEFGHIJKLMNOPQRSTUVW"])("fails when the zone ID is malformed: %j", (hostedZoneId) => {
    expect(problemsOf(configWith({ env: { certificate: { domainName: "api.example.com", hostedZoneId } } }))).toEqual([
      `sandbox: certificate.hostedZoneId = ${JSON.stringify(hostedZoneId)}: must be a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"`,
    ]);
  });

  test("fails when the zone name has a trailing dot", () => {
    expect(problemsOf(configWith({ env: { certificate: { domainName: "api.example.com", hostedZoneName: "example.com." } } }))).toEqual([
      'sandbox: certificate.hostedZoneName = "example.com.": must be a lower-case domain name such as "example.com", without the trailing dot',
    ]);
  });

  test("zoneHolds: a zone holds exactly its own name and the names under it (property)", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), fc.array(label, { minLength: 0, maxLength: 3 }), (zoneLabels, extra) => {
        const zone = zoneLabels.join(".");
        const domain = [...extra, zone].join(".");
        expect(zoneHolds(zone, domain)).toBe(true);
        // Gluing a label onto the zone's first one is not a subdomain ("xapi.example.com" is not under "api.example.com").
        expect(zoneHolds(zone, `x${zone}`)).toBe(false);
      }),
    );
  });
});

describe("certificate: hsts", () => {
  const hsts = (h: NonNullable<CertificateConfig["hsts"]>) => configWith({ env: { certificate: { domainName: "api.example.com", hsts: h } } });

  test("the header carries what is set", () => {
    expect(hstsHeader(sandbox({ domainName: "api.example.com" }).certificate!.hsts)).toBe("max-age=31536000");
    expect(hstsHeader(loadConfig(hsts({ maxAgeSeconds: 63_072_000, includeSubDomains: true, preload: true })).environments[0]!.certificate!.hsts)).toBe(
      "max-age=63072000; includeSubDomains; preload",
    );
    expect(hstsHeader(loadConfig(hsts({ maxAgeSeconds: 0 })).environments[0]!.certificate!.hsts)).toBe("max-age=0");
  });

  test.each([-1, 1.5, HSTS_MAX_AGE_SECONDS + 1, "31536000"])("fails when maxAgeSeconds is %j", (maxAgeSeconds) => {
    const [line] = problemsOf(hsts({ maxAgeSeconds: maxAgeSeconds as number }));
    expect(line).toContain(`sandbox: certificate.hsts.maxAgeSeconds = ${JSON.stringify(maxAgeSeconds)}: must be a whole number of seconds from 0 to ${HSTS_MAX_AGE_SECONDS} (two years)`);
  });

  test("fails when preload comes without includeSubDomains", () => {
    expect(problemsOf(hsts({ preload: true }))).toEqual(["sandbox: certificate.hsts.preload = true: preload needs includeSubDomains: true (the preload list refuses a header without it)"]);
  });

  test("fails when preload comes with less than a year", () => {
    expect(problemsOf(hsts({ preload: true, includeSubDomains: true, maxAgeSeconds: HSTS_PRELOAD_MIN_AGE_SECONDS - 1 }))).toEqual([
      `sandbox: certificate.hsts.preload = true: preload needs maxAgeSeconds of at least ${HSTS_PRELOAD_MIN_AGE_SECONDS} (one year; the preload list refuses less)`,
    ]);
  });

  test("fails on an unknown HSTS setting, naming the known ones", () => {
    expect(problemsOf(hsts({ maxAge: 10 } as never))).toEqual(["sandbox: certificate.hsts.maxAge = 10: unknown setting; allowed: maxAgeSeconds, includeSubDomains, preload"]);
  });

  test("preload without maxAgeSeconds gets a year in every tier (the list refuses less)", () => {
    const c = resolveCertificate({ domainName: "api.example.com", hsts: { includeSubDomains: true, preload: true } }, "dev");
    expect(hstsHeader(c!.hsts)).toBe("max-age=31536000; includeSubDomains; preload");
  });

  test("fails when dualStack is not a boolean", () => {
    expect(problemsOf(configWith({ env: { dualStack: "true" as never } }))).toEqual(['sandbox: dualStack = "true": must be true or false (a string; write true without quotes)']);
  });
});
