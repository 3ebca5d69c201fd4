import fc from "fast-check";
import {
  CPU_TARGET_RANGE,
  DEFAULT_CPU_TARGET_PERCENT,
  DEFAULT_REQUESTS_PER_TASK_PER_MINUTE,
  DEFAULT_WEB_CPU_TARGET_PERCENT,
  MEASURED_TASK_CAPACITY,
  REQUEST_TARGET_RANGE,
  requestTargetPerMinute,
  SCALING_HEADROOM,
} from "./capacity";
import { loadConfig } from "./load";
import { configWith, problemsOf, service } from "./testing";
import type { ServiceConfig } from "./types";

// Entry values are checked once for every environment; an environment's override names the environment.
const ENTRY = 'service "orders"';
const worker = (overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name: "mailer", kind: "worker", source: "services/mailer", healthCheckPath: undefined, routing: undefined, ...overrides });
const scheduled = (overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name: "nightly", kind: "scheduled", source: "services/etl", healthCheckPath: undefined, routing: undefined, schedule: "cron(0 3 * * ? *)", ...overrides });
const resolved = (config: ReturnType<typeof configWith>, name = "orders") => loadConfig(config).environments[0]!.services.find((s) => s.name === name)!;

describe("scaling targets from measured capacity", () => {
  test("defaults: a web service tracks headroom x the measured capacity per minute, and CPU above what that load measured", () => {
    const svc = resolved(configWith());
    expect(svc.requestsPerTaskPerMinute).toBe(DEFAULT_REQUESTS_PER_TASK_PER_MINUTE);
    expect(DEFAULT_REQUESTS_PER_TASK_PER_MINUTE).toBe(requestTargetPerMinute(MEASURED_TASK_CAPACITY.requestsPerSecond, SCALING_HEADROOM));
    // Far above the former 1,000 a minute, below what a task holds in a minute.
    expect(DEFAULT_REQUESTS_PER_TASK_PER_MINUTE).toBeLessThan(MEASURED_TASK_CAPACITY.requestsPerSecond * 60);
    expect(svc.cpuTargetPercent).toBe(DEFAULT_WEB_CPU_TARGET_PERCENT);
    expect(DEFAULT_WEB_CPU_TARGET_PERCENT).toBeGreaterThan(MEASURED_TASK_CAPACITY.cpuPercentAtHalf);
    expect(DEFAULT_WEB_CPU_TARGET_PERCENT).toBeLessThanOrEqual(CPU_TARGET_RANGE.max);
  });

  test("defaults: a worker scales on CPU at 60 and has no request target; a scheduled service has neither", () => {
    const config = configWith({ services: [service(), worker(), scheduled()] });
    expect(resolved(config, "mailer")).toMatchObject({ cpuTargetPercent: DEFAULT_CPU_TARGET_PERCENT, requestsPerTaskPerMinute: undefined });
    expect(resolved(config, "nightly")).toMatchObject({ cpuTargetPercent: undefined, requestsPerTaskPerMinute: undefined });
  });

  test("requestTargetPerMinute: a multiple of 100 within 100 below capacity x headroom x 60", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 60_000 }), fc.integer({ min: 10, max: 100 }), (rps, percent) => {
        const target = requestTargetPerMinute(rps, percent / 100);
        const exact = (rps * percent * 60) / 100;
        return target % 100 === 0 && target <= exact && exact - target < 100;
      }),
    );
  });

  test("requestsPerTaskPerMinute and cpuTargetPercent: the service's value, and an environment's over it", () => {
    expect(resolved(configWith({ service: { requestsPerTaskPerMinute: 60_000, cpuTargetPercent: 70 } }))).toMatchObject({ requestsPerTaskPerMinute: 60_000, cpuTargetPercent: 70 });
    const config = configWith({ service: { requestsPerTaskPerMinute: 60_000 }, env: { services: { orders: { requestsPerTaskPerMinute: 30_000, cpuTargetPercent: 50 } } } });
    expect(resolved(config)).toMatchObject({ requestsPerTaskPerMinute: 30_000, cpuTargetPercent: 50 });
  });

  test("accepts every whole number in the ranges and refuses every other, naming the service, field, value and range", () => {
    const inRange = (n: number, r: { min: number; max: number }) => Number.isInteger(n) && n >= r.min && n <= r.max;
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -10, max: 4_000_000 }), fc.double({ min: 0, max: 200, noNaN: true })), (n) => {
        for (const [field, range, allowed] of [
          ["requestsPerTaskPerMinute", REQUEST_TARGET_RANGE, `from ${REQUEST_TARGET_RANGE.min} to ${REQUEST_TARGET_RANGE.max}`],
          ["cpuTargetPercent", CPU_TARGET_RANGE, `from ${CPU_TARGET_RANGE.min} to ${CPU_TARGET_RANGE.max}`],
        ] as const) {
          const config = configWith({ service: { [field]: n } });
          if (inRange(n, range)) {
            expect(resolved(config)[field]).toBe(n);
          } else {
            const found = problemsOf(config);
            expect(found).toHaveLength(1);
            expect(found[0]).toContain(`${ENTRY}: ${field} = ${n}: `);
            expect(found[0]).toContain(allowed);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  test("fails when an environment's override is out of range, naming that environment", () => {
    expect(problemsOf(configWith({ env: { services: { orders: { cpuTargetPercent: 99 } } } }))).toEqual([
      `sandbox / service "orders": cpuTargetPercent = 99: must be a whole percentage from ${CPU_TARGET_RANGE.min} to ${CPU_TARGET_RANGE.max}`,
    ]);
  });

  test("fails when a worker sets a request target, or a scheduled service a CPU target", () => {
    expect(problemsOf(configWith({ services: [service(), worker({ requestsPerTaskPerMinute: 6000 })] }))).toEqual([
      'sandbox / service "mailer": requestsPerTaskPerMinute = 6000: only web services scale on ALB requests; this one is a worker (it scales on cpuTargetPercent)',
    ]);
    expect(problemsOf(configWith({ services: [service(), scheduled({ cpuTargetPercent: 50 })] }))).toEqual([
      'sandbox / service "nightly": cpuTargetPercent = 50: a scheduled service starts a task per run and has no autoscaling; leave cpuTargetPercent out',
    ]);
  });
});
