import fc from "fast-check";
import { loadConfig } from "./load";
import { SCHEDULING_DEFAULTS } from "./scheduling";
import { SCHEDULING_RANGES } from "./schema/scheduling";
import { configWith, environment, problemsOf, service } from "./testing";
import type { ServiceConfig } from "./types";

const scheduled = (overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name: "nightly", kind: "scheduled", source: "services/etl", healthCheckPath: undefined, routing: undefined, schedule: "cron(0 3 * * ? *)", ...overrides });
const resolvedIn = (config: ReturnType<typeof configWith>, env = "sandbox") => loadConfig(config).environments.find((e) => e.name === env)!.services.find((s) => s.name === "nightly")!;

describe("scheduling of a scheduled service", () => {
  test("defaults: UTC, 2 retries, no flexible window, events dropped after an hour", () => {
    expect(resolvedIn(configWith({ services: [scheduled()] })).scheduling).toEqual({ timezone: "UTC", retries: 2, flexibleWindowMinutes: "off", maximumEventAgeSeconds: 3600 });
    expect(SCHEDULING_DEFAULTS).toEqual({ timezone: "UTC", retries: 2, flexibleWindowMinutes: "off", maximumEventAgeSeconds: 3600 });
  });

  test("each field is taken from the entry", () => {
    const svc = resolvedIn(configWith({ services: [scheduled({ scheduling: { timezone: "Europe/Berlin", retries: 0, flexibleWindowMinutes: 15, maximumEventAgeSeconds: 60 } })] }));
    expect(svc.scheduling).toEqual({ timezone: "Europe/Berlin", retries: 0, flexibleWindowMinutes: 15, maximumEventAgeSeconds: 60 });
  });

  test("an environment's override is merged key by key over the entry's, and other environments keep the entry's", () => {
    const config = configWith({
      environments: {
        dev: environment({ vpcCidr: "10.41.0.0/16" }),
        prod: environment({ vpcCidr: "10.42.0.0/16", services: { nightly: { scheduling: { retries: 5, flexibleWindowMinutes: "off" } } } }),
      },
      services: [scheduled({ scheduling: { timezone: "America/New_York", flexibleWindowMinutes: 30 } })],
    });
    expect(resolvedIn(config, "dev").scheduling).toEqual({ timezone: "America/New_York", retries: 2, flexibleWindowMinutes: 30, maximumEventAgeSeconds: 3600 });
    expect(resolvedIn(config, "prod").scheduling).toEqual({ timezone: "America/New_York", retries: 5, flexibleWindowMinutes: "off", maximumEventAgeSeconds: 3600 });
  });

  test("fails on a time zone that is not IANA's, naming environment, service, field and value", () => {
    expect(problemsOf(configWith({ environments: { dev: environment({ services: { nightly: { scheduling: { timezone: "Mars/Olympus" } } } }) }, services: [scheduled()] }))).toEqual([
      'dev / service "nightly": scheduling.timezone = "Mars/Olympus": must be an IANA time zone such as "UTC", "Europe/Berlin" or "Etc/GMT+9" (names are case-sensitive)',
    ]);
    expect(problemsOf(configWith({ services: [scheduled({ scheduling: { timezone: "europe/berlin" } })] }))).toEqual([
      'service "nightly": scheduling.timezone = "europe/berlin": must be an IANA time zone such as "UTC", "Europe/Berlin" or "Etc/GMT+9" (names are case-sensitive)',
    ]);
  });

  test.each([
    [{ retries: 186 }, 'scheduling.retries = 186: must be a whole number of retries from 0 to 185 (EventBridge Scheduler\'s range)'],
    [{ retries: -1 }, 'scheduling.retries = -1: must be a whole number of retries from 0 to 185 (EventBridge Scheduler\'s range)'],
    [{ retries: "2" }, 'scheduling.retries = "2": must be a whole number of retries from 0 to 185 (EventBridge Scheduler\'s range) (a string; write 2 without quotes)'],
    [{ flexibleWindowMinutes: 0 }, 'scheduling.flexibleWindowMinutes = 0: must be "off" or a whole number of minutes from 1 to 1440'],
    [{ flexibleWindowMinutes: 1441 }, 'scheduling.flexibleWindowMinutes = 1441: must be "off" or a whole number of minutes from 1 to 1440'],
    [{ flexibleWindowMinutes: "OFF" }, 'scheduling.flexibleWindowMinutes = "OFF": must be "off" or a whole number of minutes from 1 to 1440'],
    [{ maximumEventAgeSeconds: 59 }, 'scheduling.maximumEventAgeSeconds = 59: must be a whole number of seconds from 60 to 86400 (EventBridge Scheduler\'s range)'],
    [{ retry: 3 }, 'scheduling.retry = 3: unknown setting; allowed: timezone, retries, flexibleWindowMinutes, maximumEventAgeSeconds'],
  ])("fails on %j", (scheduling, message) => {
    expect(problemsOf(configWith({ services: [scheduled({ scheduling: scheduling as never })] }))).toEqual([`service "nightly": ${message}`]);
  });

  test("fails when a web service or a worker sets scheduling", () => {
    expect(problemsOf(configWith({ env: { services: { orders: { scheduling: { retries: 1 } } } } }))).toEqual([
      'sandbox / service "orders": scheduling = {"retries":1}: only scheduled services are started by EventBridge Scheduler; this one is a web',
    ]);
  });

  test("property: every value in AWS's ranges loads and is kept; every whole number outside is refused", () => {
    const { retries, flexibleWindowMinutes: w, maximumEventAgeSeconds: age } = SCHEDULING_RANGES;
    fc.assert(
      fc.property(fc.integer({ min: retries.min, max: retries.max }), fc.integer({ min: w.min, max: w.max }), fc.integer({ min: age.min, max: age.max }), (n, m, s) => {
        const scheduling = { retries: n, flexibleWindowMinutes: m, maximumEventAgeSeconds: s };
        expect(resolvedIn(configWith({ services: [scheduled({ scheduling })] })).scheduling).toMatchObject(scheduling);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: w.min - 1 }), fc.integer({ min: w.max + 1 })), (m) => {
        expect(problemsOf(configWith({ services: [scheduled({ scheduling: { flexibleWindowMinutes: m } })] }))).toHaveLength(1);
      }),
      { numRuns: 50 },
    );
  });
});
