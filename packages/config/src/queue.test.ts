import fc from "fast-check";
import { loadConfig } from "./load";
import { deployOrder, MIN_OLDEST_MESSAGE_ALARM_SECONDS, QUEUE_DEFAULTS, QUEUE_RANGES, resolveQueue, sendCycle } from "./queue";
import { producerQueueUrlVariable, visibilityTimeoutSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS } from "./runtime";
import { configWith, environment, problemsOf, service } from "./testing";
import type { ServiceConfig } from "./types";

const worker = (overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name: "mailer", kind: "worker", source: "services/mailer", healthCheckPath: undefined, routing: undefined, queue: {}, ...overrides });
const api = (overrides: Partial<ServiceConfig> = {}): ServiceConfig => service({ sends: ["mailer"], ...overrides });
const resolved = (services: ServiceConfig[], env = environment()) => loadConfig(configWith({ services, environments: { sandbox: env } })).environments[0]!.services;

describe("queue", () => {
  test("defaults: 5 receives, 4 days, 60 s jobs, a 360 s visibility timeout, 10 messages per task", () => {
    const [, mailer] = resolved([api(), worker()]);
    expect(mailer!.queue).toEqual({ maxReceiveCount: 5, retentionDays: 4, maxJobSeconds: 60, visibilityTimeoutSeconds: 360, backlogPerTask: 10, oldestMessageAlarmSeconds: 720 });
    expect(QUEUE_DEFAULTS).toEqual({ maxReceiveCount: 5, retentionDays: 4, maxJobSeconds: 60, backlogPerTask: 10 });
  });

  test("a service without a queue has none, and sends to nothing by default", () => {
    const [orders] = resolved([service()]);
    expect(orders!.queue).toBeUndefined();
    expect(orders!.sends).toEqual([]);
  });

  test("an environment's queue keys are merged over the service's", () => {
    const env = environment({ services: { mailer: { queue: { maxReceiveCount: 2 } } } });
    const [, mailer] = resolved([api(), worker({ queue: { maxJobSeconds: 120, retentionDays: 7 } })], env);
    expect(mailer!.queue).toMatchObject({ maxReceiveCount: 2, retentionDays: 7, maxJobSeconds: 120, visibilityTimeoutSeconds: 720 });
  });

  test("the visibility timeout is 6 x maxJobSeconds, at least 30 s, at most SQS's 12 hours over the whole allowed range", () => {
    fc.assert(
      fc.property(fc.integer({ min: QUEUE_RANGES.maxJobSeconds.min, max: QUEUE_RANGES.maxJobSeconds.max }), (seconds) => {
        const q = resolveQueue({ maxJobSeconds: seconds }, undefined)!;
        expect(q.visibilityTimeoutSeconds).toBe(Math.max(30, 6 * seconds));
        expect(q.visibilityTimeoutSeconds).toBeLessThanOrEqual(MAX_VISIBILITY_TIMEOUT_SECONDS);
        expect(q.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(seconds);
        expect(q.oldestMessageAlarmSeconds).toBe(Math.max(MIN_OLDEST_MESSAGE_ALARM_SECONDS, 2 * q.visibilityTimeoutSeconds));
      }),
    );
    expect(visibilityTimeoutSeconds(1)).toBe(30);
    expect(visibilityTimeoutSeconds(7200)).toBe(43_200);
  });

  test.each([
    ["maxReceiveCount", 0, "must be a whole number of receives from 1 to 1000 (SQS redrive limit)"],
    ["maxReceiveCount", 1001, "must be a whole number of receives from 1 to 1000 (SQS redrive limit)"],
    ["retentionDays", 15, "must be a whole number of days from 1 to 14 (SQS retention limit)"],
    ["retentionDays", 0.5, "must be a whole number of days from 1 to 14 (SQS retention limit)"],
    ["maxJobSeconds", 7201, "must be a whole number of seconds from 1 to 7200 (the visibility timeout, 6 x it, must stay within SQS's 12 hours)"],
    ["backlogPerTask", 0, "must be a whole number of messages per task from 1 to 100000"],
  ])("fails when %s is %p, naming the service, the field, the value and the range", (field, value, message) => {
    expect(problemsOf(configWith({ services: [worker({ queue: { [field]: value } })] }))).toEqual([`service "mailer": queue.${field} = ${value}: ${message}`]);
  });

  test("fails when an environment overrides a queue key out of range, naming the environment", () => {
    const env = environment({ services: { mailer: { queue: { retentionDays: 30 } } } });
    expect(problemsOf(configWith({ services: [worker()], environments: { sandbox: env } }))).toEqual([
      'sandbox / service "mailer": queue.retentionDays = 30: must be a whole number of days from 1 to 14 (SQS retention limit)',
    ]);
  });

  test("any whole number outside a range is refused, any inside it loads", () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(QUEUE_RANGES) as (keyof typeof QUEUE_RANGES)[])), fc.integer({ min: -1000, max: 200_000 }), (field, value) => {
        const { min, max } = QUEUE_RANGES[field];
        const config = configWith({ services: [worker({ queue: { [field]: value } })] });
        if (value >= min && value <= max) expect(() => loadConfig(config)).not.toThrow();
        else expect(problemsOf(config)).toEqual([expect.stringContaining(`queue.${field} = ${value}: must be a whole number`)]);
      }),
      { numRuns: 60 },
    );
  });

  test("fails when a web service declares a queue", () => {
    expect(problemsOf(configWith({ services: [service({ queue: {} })] }))).toEqual(['sandbox / service "orders": queue = "(set)": only a worker consumes a queue; this one is a web']);
  });

  test("fails on an unknown queue setting, suggesting the closest", () => {
    expect(problemsOf(configWith({ services: [worker({ queue: { maxRecieveCount: 3 } as never })] }))).toEqual([
      'service "mailer": queue.maxRecieveCount = 3: unknown setting (did you mean "maxReceiveCount"?)',
    ]);
  });
});

describe("sends", () => {
  test("a producer names a worker with a queue", () => {
    const [orders] = resolved([api(), worker()]);
    expect(orders!.sends).toEqual(["mailer"]);
  });

  test("fails when the target is unknown, suggesting the closest", () => {
    expect(problemsOf(configWith({ services: [api({ sends: ["mailr"] }), worker()] }))).toEqual([
      'sandbox / service "orders": sends[0] = "mailr": is not a service of this config (did you mean "mailer"?); workers with a queue: mailer',
    ]);
  });

  test("fails when the target is not a worker, or a worker without a queue", () => {
    expect(problemsOf(configWith({ services: [api({ sends: ["mailer"] }), worker({ queue: undefined })] }))).toEqual([
      'sandbox / service "orders": sends[0] = "mailer": is a worker without a queue; only a worker with a queue takes jobs (workers with a queue: none)',
    ]);
    const other = service({ name: "shop", routing: { priority: 20, pathPatterns: ["/shop/*"] } });
    expect(problemsOf(configWith({ services: [api({ sends: ["shop"] }), other] }))).toEqual([
      'sandbox / service "orders": sends[0] = "shop": is a web; only a worker with a queue takes jobs (workers with a queue: none)',
    ]);
  });

  test("fails when a service sends to itself, or names a worker twice", () => {
    expect(problemsOf(configWith({ services: [worker({ sends: ["mailer"] })] }))).toEqual([
      'sandbox / service "mailer": sends[0] = "mailer": a service cannot send to its own queue; name another worker',
    ]);
    expect(problemsOf(configWith({ services: [api({ sends: ["mailer", "mailer"] }), worker()] }))).toEqual([
      'sandbox / service "orders": sends[1] = "mailer": is listed twice; name each worker once',
    ]);
  });

  test("fails when workers send to each other in a cycle", () => {
    const a = worker({ name: "aaa", sends: ["bbb"] });
    const b = worker({ name: "bbb", sends: ["aaa"] });
    expect(problemsOf(configWith({ services: [a, b] }))).toEqual([
      'sandbox: sends = "aaa -> bbb -> aaa": the services send to each other in a cycle; a producer\'s stack is applied after its worker\'s, so one of them must stop sending',
    ]);
  });

  test("fails when a service sets a variable the platform sets for its queues", () => {
    expect(problemsOf(configWith({ services: [api({ environment: { MAILER_QUEUE_URL: "x" } }), worker({ environment: { QUEUE_URL: "y" } })] }))).toEqual([
      'sandbox / service "orders": environment.MAILER_QUEUE_URL = "MAILER_QUEUE_URL": is set by the platform for this service\'s queues (packages/config/src/runtime.ts); leave it out',
      'sandbox / service "mailer": environment.QUEUE_URL = "QUEUE_URL": is set by the platform for this service\'s queues (packages/config/src/runtime.ts); leave it out',
    ]);
  });

  test("the producer's variable is the worker's name in upper snake case", () => {
    expect(producerQueueUrlVariable("worker")).toBe("WORKER_QUEUE_URL");
    expect(producerQueueUrlVariable("image-resizer")).toBe("IMAGE_RESIZER_QUEUE_URL");
  });
});

describe("deployOrder and sendCycle", () => {
  const names = fc.uniqueArray(fc.stringMatching(/^[a-e]$/), { minLength: 1, maxLength: 5 });
  test("every worker comes before the services that send to it, and every service once (random acyclic graphs)", () => {
    fc.assert(
      fc.property(names, fc.array(fc.tuple(fc.nat(4), fc.nat(4))), (list, edges) => {
        // Edges only from a later to an earlier name: acyclic by construction.
        const services = list.map((name, i) => ({ name, sends: [...new Set(edges.filter(([a, b]) => a === i && b < i && b < list.length).map(([, b]) => list[b]!))] }));
        expect(sendCycle(services)).toBeUndefined();
        const order = deployOrder(services).map((s) => s.name);
        expect([...order].sort()).toEqual([...list].sort());
        for (const s of services) for (const t of s.sends) expect(order.indexOf(t)).toBeLessThan(order.indexOf(s.name));
      }),
    );
  });

  test("keeps the configured order where nothing depends", () => {
    expect(deployOrder([{ name: "api", sends: ["worker"] }, { name: "worker", sends: [] }, { name: "nightly", sends: [] }]).map((s) => s.name)).toEqual(["worker", "api", "nightly"]);
  });
});
