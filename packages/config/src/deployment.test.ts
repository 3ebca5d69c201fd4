import { linearSteps, shiftMinutes, TIER_DEPLOYMENTS } from "./deployment";
import { loadConfig } from "./load";
import { alternateTargetGroupName } from "./names";
import { configWith, environment, problemsOf, service } from "./testing";
import type { DeploymentConfig, ServiceConfig } from "./types";

const worker = (overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name: "mailer", kind: "worker", source: "services/mailer", healthCheckPath: undefined, routing: undefined, ...overrides });
const nightly = (overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name: "nightly", kind: "scheduled", source: "services/etl", healthCheckPath: undefined, routing: undefined, schedule: "cron(0 3 * * ? *)", ...overrides });
const resolved = (config: Parameters<typeof loadConfig>[0], env = "sandbox", name = "orders") =>
  loadConfig(config).environments.find((e) => e.name === env)!.services.find((s) => s.name === name)!.deployment;

describe("deployment defaults", () => {
  test("the shipped environments: prod canary 10 % for 5 minutes then all, bake 10; staging linear 25 % a minute, bake 5; dev rolling", () => {
    const loaded = loadConfig();
    const of = (env: string) => loaded.environments.find((e) => e.name === env)!.services[0]!.deployment;
    expect(of("prod")).toEqual({ strategy: "canary", canaryPercent: 10, canaryMinutes: 5, bakeTimeMinutes: 10, setIn: "default" });
    expect(of("staging")).toEqual({ strategy: "linear", stepPercent: 25, stepMinutes: 1, bakeTimeMinutes: 5, setIn: "default" });
    expect(of("dev")).toEqual({ strategy: "rolling", setIn: "default" });
  });

  test("an environment named after no tier is held to its policyTier, else to prod's", () => {
    expect(resolved(configWith())).toMatchObject({ strategy: "canary", setIn: "default" });
    expect(resolved(configWith({ env: { policyTier: "dev" } }))).toEqual({ strategy: "rolling", setIn: "default" });
    expect(resolved(configWith({ env: { policyTier: "staging" } }))).toEqual({ ...TIER_DEPLOYMENTS.staging, setIn: "default" });
  });

  test("the most specific level wins whole: override, then entry, then environment; missing numbers take the defaults", () => {
    const env = { deployment: { strategy: "linear", stepPercent: 50 } as DeploymentConfig };
    expect(resolved(configWith({ env }))).toEqual({ strategy: "linear", stepPercent: 50, stepMinutes: 1, bakeTimeMinutes: 10, setIn: "environment" });
    const entry = { deployment: { strategy: "blue-green", bakeTimeMinutes: 3 } as DeploymentConfig };
    expect(resolved(configWith({ env, service: entry }))).toEqual({ strategy: "blue-green", bakeTimeMinutes: 3, setIn: "service" });
    const override = { ...env, services: { orders: { deployment: { strategy: "canary", canaryPercent: 0.1 } as DeploymentConfig } } };
    expect(resolved(configWith({ env: override, service: entry }))).toEqual({ strategy: "canary", canaryPercent: 0.1, canaryMinutes: 5, bakeTimeMinutes: 10, setIn: "service" });
  });

  test("a worker under an environment-wide canary or linear default deploys blue-green with the same bake time", () => {
    expect(resolved(configWith({ services: [worker()] }), "sandbox", "mailer")).toEqual({ strategy: "blue-green", bakeTimeMinutes: 10, setIn: "default" });
    const env = { deployment: { strategy: "linear", bakeTimeMinutes: 7 } as DeploymentConfig };
    expect(resolved(configWith({ env, services: [worker()] }), "sandbox", "mailer")).toEqual({ strategy: "blue-green", bakeTimeMinutes: 7, setIn: "environment" });
    expect(resolved(configWith({ services: [worker({ deployment: { strategy: "rolling" } })] }), "sandbox", "mailer")).toEqual({ strategy: "rolling", setIn: "service" });
  });

  test("a scheduled service under an environment-wide strategy is fine (it has no service to deploy)", () => {
    expect(() => loadConfig(configWith({ services: [service(), nightly()] }))).not.toThrow();
  });
});

describe("deployment settings that are refused", () => {
  const entry = (deployment: unknown) => problemsOf(configWith({ service: { deployment: deployment as DeploymentConfig } }));

  test.each([
    [{ strategy: "cannary" }, 'service "orders": deployment.strategy = "cannary": allowed: "rolling", "blue-green", "canary", "linear" (did you mean "canary"?)'],
    [{ strategy: "canary", canaryPercent: 0 }, 'service "orders": deployment.canaryPercent = 0: must be a percentage from 0.1 to 100 in steps of 0.1 (AWS canary_percent)'],
    [{ strategy: "canary", canaryPercent: 10.05 }, 'service "orders": deployment.canaryPercent = 10.05: must be a percentage from 0.1 to 100 in steps of 0.1 (AWS canary_percent)'],
    [{ strategy: "canary", canaryPercent: 100.1 }, 'service "orders": deployment.canaryPercent = 100.1: must be a percentage from 0.1 to 100 in steps of 0.1 (AWS canary_percent)'],
    [{ strategy: "canary", canaryPercent: "10" }, 'service "orders": deployment.canaryPercent = "10": must be a percentage from 0.1 to 100 in steps of 0.1 (AWS canary_percent) (a string; write 10 without quotes)'],
    [{ strategy: "linear", stepPercent: 2.9 }, 'service "orders": deployment.stepPercent = 2.9: must be a percentage from 3 to 100 in steps of 0.1 (AWS step_percent)'],
    [{ strategy: "linear", stepMinutes: 1441 }, 'service "orders": deployment.stepMinutes = 1441: must be a whole number of minutes from 0 to 1440 (AWS step_bake_time_in_minutes)'],
    [{ strategy: "canary", canaryMinutes: 2.5 }, 'service "orders": deployment.canaryMinutes = 2.5: must be a whole number of minutes from 0 to 1440 (AWS canary_bake_time_in_minutes)'],
    [{ strategy: "blue-green", bakeTimeMinutes: -1 }, 'service "orders": deployment.bakeTimeMinutes = -1: must be a whole number of minutes from 0 to 1440 (AWS bake_time_in_minutes)'],
    [{ strategy: "rolling", bakeTimeMinutes: 5 }, 'service "orders": deployment.bakeTimeMinutes = 5: applies only to strategy "blue-green" or "canary" or "linear"; this deployment is "rolling" (it takes no other setting)'],
    [{ strategy: "linear", canaryPercent: 5 }, 'service "orders": deployment.canaryPercent = 5: applies only to strategy "canary"; this deployment is "linear" (it takes stepPercent, stepMinutes, bakeTimeMinutes)'],
    [{ strategy: "canary", bakeTimeMinute: 5 }, 'service "orders": deployment.bakeTimeMinute = 5: unknown setting (did you mean "bakeTimeMinutes"?)'],
    [{ strategy: "rolling", reason: "short" }, 'service "orders": deployment.reason = "short": must say why production deploys this service without a bake, in at least 10 characters'],
    ["canary", 'service "orders": deployment = "canary": must be an object { strategy, ... } such as { strategy: "canary", canaryPercent: 10, canaryMinutes: 5, bakeTimeMinutes: 10 }, not a string'],
  ])("%j", (deployment, line) => {
    expect(entry(deployment)).toEqual([line]);
  });

  test("a reason is carried to the resolved deployment, for the policy check's suppression", () => {
    const deployment = { strategy: "rolling", reason: "a read-only mirror; a bad minute is acceptable" } as DeploymentConfig;
    expect(resolved(configWith({ service: { deployment } }))).toEqual({ strategy: "rolling", reason: "a read-only mirror; a bad minute is acceptable", setIn: "service" });
  });

  test("AWS's bounds themselves are accepted", () => {
    for (const deployment of [
      { strategy: "canary", canaryPercent: 0.1, canaryMinutes: 0, bakeTimeMinutes: 1440 },
      { strategy: "canary", canaryPercent: 100, canaryMinutes: 1440, bakeTimeMinutes: 0 },
      { strategy: "linear", stepPercent: 3, stepMinutes: 0 },
      { strategy: "linear", stepPercent: 33.3, stepMinutes: 1440 },
    ] as DeploymentConfig[]) {
      expect(() => loadConfig(configWith({ service: { deployment } }))).not.toThrow();
    }
  });

  test("an environment-level setting is checked the same way, naming the environment", () => {
    expect(problemsOf(configWith({ env: { deployment: { strategy: "linear", stepPercent: 1 } } }))).toEqual([
      "sandbox: deployment.stepPercent = 1: must be a percentage from 3 to 100 in steps of 0.1 (AWS step_percent)",
    ]);
  });

  test("a worker set to canary or linear has no load balancer to shift traffic with", () => {
    expect(problemsOf(configWith({ services: [worker({ deployment: { strategy: "canary" } })] }))).toEqual([
      'sandbox / service "mailer": deployment.strategy = "canary": shifts traffic through a load balancer, which a worker has none of; allowed: "rolling", or "blue-green" (a full new revision watched by its alarms for bakeTimeMinutes)',
    ]);
    const override = { services: { mailer: { deployment: { strategy: "linear" } as DeploymentConfig } } };
    expect(problemsOf(configWith({ env: override, services: [worker()] }))).toEqual([expect.stringContaining('sandbox / service "mailer": deployment.strategy = "linear": shifts traffic')]);
  });

  test("a scheduled service given a deployment is told it has none", () => {
    expect(problemsOf(configWith({ services: [nightly({ deployment: { strategy: "rolling" } })] }))).toEqual([
      'sandbox / service "nightly": deployment = "rolling": a scheduled service starts a fresh task on every run and has no ECS service to deploy; leave deployment out',
    ]);
  });
});

describe("the test listener rule a traffic-shifting web service needs", () => {
  const two = (apiPriority: number, ordersPriority: number, deployment?: DeploymentConfig) =>
    configWith({
      services: [
        service({ name: "api", source: "services/api", routing: { priority: apiPriority, pathPatterns: ["/*"] }, deployment }),
        service({ routing: { priority: ordersPriority, pathPatterns: ["/orders/*"] } }),
      ],
    });

  test("takes the priority just below the service's own, which must be free", () => {
    expect(() => loadConfig(two(100, 50))).not.toThrow();
    expect(problemsOf(two(100, 99))).toEqual([
      'sandbox / service "api": routing.priority = 100: its "canary" deployment puts a test listener rule at priority 99, which service "orders" uses; leave the priority just below a traffic-shifting web service\'s free',
    ]);
    // A rolling service has no test rule, so its neighbour may sit right below it.
    expect(() => loadConfig(two(100, 99, { strategy: "rolling" }))).not.toThrow();
  });

  test("needs a priority of at least 2", () => {
    expect(problemsOf(configWith({ service: { routing: { priority: 1, pathPatterns: ["/orders/*"] } } }))).toEqual([
      'sandbox / service "orders": routing.priority = 1: a "canary" deployment puts its test listener rule one priority before the service\'s rule, so the priority must be at least 2',
    ]);
  });

  test("adds a header condition, so the service's rule may hold at most 4 path patterns and host headers", () => {
    const routing = { priority: 10, pathPatterns: ["/a/*", "/b/*", "/c/*"], hostHeaders: ["a.example.com", "b.example.com"] };
    expect(problemsOf(configWith({ service: { routing } }))).toEqual([
      `sandbox / service "orders": routing = ${JSON.stringify(routing)}: has 5 path patterns and host headers; a "canary" deployment's test listener rule adds the header condition X-Test-Traffic: 1, and the ALB allows 5 condition values per rule: give at most 4, or deploy with "rolling"`,
    ]);
    expect(() => loadConfig(configWith({ service: { routing, deployment: { strategy: "rolling" } } }))).not.toThrow();
  });
});

describe("the second target group's name", () => {
  test("is the first one's with -2, shortened to 32 characters without a trailing hyphen", () => {
    expect(alternateTargetGroupName("shop", "prod", "orders")).toBe("shop-prod-orders-2");
    expect(alternateTargetGroupName("abcdefghijklmnop", "sandbox", "orders")).toBe("abcdefghijklmnop-sandbox-order-2");
    expect(alternateTargetGroupName("abcdefghijklmnop", "sandbox", "abcd-e")).toBe("abcdefghijklmnop-sandbox-abcd-2");
    for (const name of ["a", "orders", "recommendations-api"]) expect(alternateTargetGroupName("abcdefghijklmnop", "stagingwest1", name).length).toBeLessThanOrEqual(32);
  });

  test("refuses a second group whose name another service's target group already has", () => {
    const services = [service(), service({ name: "orders-2", source: "services/orders-2", routing: { priority: 20, pathPatterns: ["/o2/*"] } })];
    expect(problemsOf(configWith({ services }))).toEqual([
      'sandbox / service "orders": name = "shop-sandbox-orders-2": its "canary" deployment needs a second target group, named "shop-sandbox-orders-2", which service "orders-2" already uses as a target group name; rename one of the services',
    ]);
  });

  test("refuses two second groups that shorten to the same name", () => {
    const env = { sandbox: environment() };
    const services = [
      service({ name: "recommendations-api", source: "s/a", routing: { priority: 10, pathPatterns: ["/a/*"] } }),
      service({ name: "recommendations-apx", source: "s/b", routing: { priority: 20, pathPatterns: ["/b/*"] } }),
    ];
    const lines = problemsOf(configWith({ environments: env, services }));
    expect(lines).toEqual([expect.stringContaining('the second target group of service "recommendations-api" already uses')]);
  });
});

describe("shift timing", () => {
  test("linear waits after every step but the last", () => {
    expect([100, 50, 33.3, 25, 11, 10, 3].map(linearSteps)).toEqual([0, 1, 3, 3, 9, 9, 33]);
  });

  test("minutes from the first shift to all traffic on the new revision", () => {
    expect(shiftMinutes({ strategy: "canary", canaryPercent: 10, canaryMinutes: 5, bakeTimeMinutes: 10, setIn: "default" })).toBe(5);
    expect(shiftMinutes({ strategy: "canary", canaryPercent: 100, canaryMinutes: 5, bakeTimeMinutes: 10, setIn: "default" })).toBe(0);
    expect(shiftMinutes({ strategy: "linear", stepPercent: 25, stepMinutes: 2, bakeTimeMinutes: 10, setIn: "default" })).toBe(6);
    expect(shiftMinutes({ strategy: "blue-green", bakeTimeMinutes: 10, setIn: "default" })).toBe(0);
  });
});
