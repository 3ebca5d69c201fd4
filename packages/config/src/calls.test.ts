import fc from "fast-check";
import { callUrlVariable, dependencyCycle, deployOrder, serviceConnectUrl } from "./calls";
import { ConfigError } from "./errors";
import { loadConfig } from "./load";
import { configWith, problemsOf, service } from "./testing";
import type { ServiceConfig } from "./types";

const web = (overrides: Partial<ServiceConfig> = {}): ServiceConfig => service({ name: "api", routing: { priority: 10, pathPatterns: ["/*"] }, ...overrides });
const internal = (name: string, overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name, kind: "internal", source: `services/${name}`, routing: undefined, ...overrides });
const worker = (name: string, overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name, kind: "worker", source: `services/${name}`, healthCheckPath: undefined, routing: undefined, ...overrides });
const scheduled = (name: string, overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name, kind: "scheduled", source: `services/${name}`, healthCheckPath: undefined, routing: undefined, schedule: "cron(0 3 * * ? *)", ...overrides });

const callsOf = (services: ServiceConfig[]) => problemsOf(configWith({ services }));
const at = (name: string) => `sandbox / service "${name}"`;

describe("calls: what loads", () => {
  test("a web service calling an internal one, and an internal one calling a web one, load, resolved in the order given", () => {
    const config = loadConfig(configWith({ services: [web({ calls: ["orders", "stock"] }), internal("orders"), internal("stock", { calls: ["payments"] }), web({ name: "payments", routing: { priority: 5, pathPatterns: ["/pay/*"] } })] }));
    const env = config.environments[0]!;
    expect(env.services.map((s) => [s.name, s.calls])).toEqual([
      ["api", ["orders", "stock"]],
      ["orders", []],
      ["stock", ["payments"]],
      ["payments", []],
    ]);
  });

  test("a worker may call (it joins Service Connect as a client)", () => {
    expect(() => loadConfig(configWith({ services: [web(), internal("orders"), worker("mailer", { calls: ["orders"] })] }))).not.toThrow();
  });

  test("the default is to call nobody", () => {
    expect(loadConfig(configWith()).environments[0]!.services[0]!.calls).toEqual([]);
  });
});

describe("calls: what is refused, with environment, service, field, value and what is allowed", () => {
  test("an unknown callee, with a suggestion and the services that can be called", () => {
    expect(callsOf([web({ calls: ["order"] }), internal("orders"), worker("mailer")])).toEqual([
      `${at("api")}: calls = "order": unknown service (did you mean "orders"?); allowed: orders`,
    ]);
  });

  test("a callee of a kind that serves no HTTP (worker, scheduled)", () => {
    expect(callsOf([web({ calls: ["mailer", "nightly"] }), worker("mailer"), scheduled("nightly")])).toEqual([
      `${at("api")}: calls = "mailer": is a worker service, which serves no HTTP; allowed callees are web and internal services`,
      `${at("api")}: calls = "nightly": is a scheduled service, which serves no HTTP; allowed callees are web and internal services`,
    ]);
  });

  test("a scheduled task that calls (it runs outside any ECS service)", () => {
    expect(callsOf([web(), internal("orders"), scheduled("nightly", { calls: ["orders"] })])).toEqual([
      `${at("nightly")}: calls = ["orders"]: a scheduled task runs outside any ECS service and cannot use Service Connect; only web, internal and worker services may call others`,
    ]);
  });

  test("a self-call", () => {
    expect(callsOf([web(), internal("orders", { calls: ["orders"] })])).toEqual([
      `${at("orders")}: calls = "orders": a service cannot call itself through Service Connect; call your own code directly`,
    ]);
  });

  test("a callee listed twice", () => {
    expect(callsOf([web({ calls: ["orders", "orders"] }), internal("orders")])).toEqual([`${at("api")}: calls = "orders": is listed twice; list each callee once`]);
  });

  test("a cycle of two, reported once, naming the whole cycle", () => {
    expect(callsOf([web({ calls: ["orders"] }), internal("orders", { calls: ["api"] })])).toEqual([
      `${at("api")}: calls = "api -> orders -> api": calls form a cycle, which is refused: each call puts the callee's security group rule in the caller's stack, so a cycle is a cycle of Terraform stacks that cannot be deployed in any order; break it (e.g. call back through a queue)`,
    ]);
  });

  test("a longer cycle behind an acyclic caller is reported once, from its first member", () => {
    const lines = callsOf([web({ calls: ["aa"] }), internal("aa", { calls: ["bb"] }), internal("bb", { calls: ["cc"] }), internal("cc", { calls: ["aa"] })]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sandbox \/ service "aa": calls = "aa -> bb -> cc -> aa": calls form a cycle/);
  });

  test("the variable the platform sets for a callee cannot also be set by hand", () => {
    expect(callsOf([web({ calls: ["orders"], environment: { ORDERS_URL: "http://elsewhere" } }), internal("orders")])).toEqual([
      `${at("api")}: environment.ORDERS_URL = "ORDERS_URL": is set by the platform because this service calls "orders"; leave it out`,
    ]);
  });

  test("a callee name that is not a service name is refused by the schema, on the entry", () => {
    expect(problemsOf(configWith({ services: [web({ calls: ["Orders!"] })] }))).toEqual([
      `service "api": calls[0] = "Orders!": must be the name of another service (2-24 lower-case letters, digits and hyphens)`,
    ]);
  });
});

describe("callUrlVariable and serviceConnectUrl", () => {
  test("examples", () => {
    expect(callUrlVariable("orders")).toBe("ORDERS_URL");
    expect(callUrlVariable("bun-api")).toBe("BUN_API_URL");
    expect(serviceConnectUrl({ name: "orders", containerPort: 8080 })).toBe("http://orders:8080");
  });

  test("every valid service name gives a valid, distinct POSIX variable name", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{1,23}$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(callUrlVariable(a)).toMatch(/^[A-Z][A-Z0-9_]*_URL$/);
        // Two names map to one variable only when they differ by "-" alone, which no one would mean; never otherwise.
        if (a.replace(/-/g, "_") !== b.replace(/-/g, "_")) expect(callUrlVariable(a)).not.toBe(callUrlVariable(b));
      }),
    );
  });
});

describe("deployOrder", () => {
  test("callees first, otherwise config order", () => {
    const order = deployOrder([
      { name: "api", calls: ["orders", "stock"] },
      { name: "mailer", calls: [] },
      { name: "stock", calls: ["orders"] },
      { name: "orders", calls: [] },
    ]);
    expect(order.map((s) => s.name)).toEqual(["orders", "stock", "api", "mailer"]);
  });

  test("throws on a cycle, naming it", () => {
    expect(() => deployOrder([{ name: "a", calls: ["b"] }, { name: "b", calls: ["a"] }])).toThrow("calls form a cycle: a -> b -> a; no deploy order exists");
  });

  test("property: for any acyclic call graph, every service once, each after all its callees", () => {
    // Acyclic by construction: service i may only call services with a larger index.
    const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: n - i - 1 }, (_, k) => `s${i + k + 1}`)))),
    );
    fc.assert(
      fc.property(graph, fc.infiniteStream(fc.nat()), (calls, shuffle) => {
        const services = calls.map((c, i) => ({ name: `s${i}`, calls: c }));
        // Config order is arbitrary: shuffle it.
        const keyed = services.map((s) => ({ s, k: shuffle.next().value as number })).sort((x, y) => x.k - y.k).map((x) => x.s);
        const order = deployOrder(keyed).map((s) => s.name);
        expect([...order].sort()).toEqual(services.map((s) => s.name).sort());
        for (const s of services) for (const callee of s.calls) expect(order.indexOf(callee)).toBeLessThan(order.indexOf(s.name));
      }),
    );
  });

  test("property: validation refuses exactly the call graphs that have a cycle", () => {
    const names = ["api", "a1", "a2", "a3"];
    const graph = fc.tuple(...names.map((self) => fc.subarray(names.filter((n) => n !== self))));
    fc.assert(
      fc.property(graph, (calls) => {
        const services = [web({ calls: calls[0] }), ...names.slice(1).map((n, i) => internal(n, { calls: calls[i + 1] }))];
        let cyclic = false;
        try {
          deployOrder(names.map((name, i) => ({ name, calls: calls[i]! })));
        } catch {
          cyclic = true;
        }
        let refused: string[] = [];
        try {
          loadConfig(configWith({ services }));
        } catch {
          refused = problemsOf(configWith({ services }));
        }
        expect(refused.length > 0).toBe(cyclic);
        for (const line of refused) expect(line).toContain("calls form a cycle");
      }),
      { numRuns: 200 },
    );
  });
});

describe("calls and sends together", () => {
  test("a cycle through a call and a send is refused, naming each hop", () => {
    expect(callsOf([web({ calls: ["orders"] }), internal("orders", { sends: ["mailer"] }), worker("mailer", { queue: {}, calls: ["api"] })])).toEqual([
      'sandbox: calls and sends = "api calls orders, orders sends to mailer, mailer calls api": form a cycle: a caller\'s stack is applied after its callee\'s and a producer\'s after its worker\'s, so these stacks cannot be deployed in any order; drop one call or send (e.g. report back through the worker\'s logs or a second queue read by a service outside the cycle)',
    ]);
  });

  test("property: any graph of calls and sends loads exactly when it has no cycle, refused with a ConfigError that names one, and loads into a deploy order with every edge respected", () => {
    // api is web, o1 and o2 internal, w1 and w2 workers with queues: calls go to web or internal
    // services, sends to workers, from anyone but themselves.
    const names = ["api", "o1", "o2", "w1", "w2"];
    const callable = ["api", "o1", "o2"];
    const workers = ["w1", "w2"];
    const edges = fc.tuple(...names.map((self) => fc.tuple(fc.subarray(callable.filter((n) => n !== self)), fc.subarray(workers.filter((n) => n !== self)))));
    fc.assert(
      fc.property(edges, (e) => {
        const [calls, sends] = [e.map((x) => x[0]), e.map((x) => x[1])];
        const services = [
          web({ calls: calls[0], sends: sends[0] }),
          internal("o1", { calls: calls[1], sends: sends[1] }),
          internal("o2", { calls: calls[2], sends: sends[2] }),
          worker("w1", { queue: {}, calls: calls[3], sends: sends[3] }),
          worker("w2", { queue: {}, calls: calls[4], sends: sends[4] }),
        ];
        const cyclic = dependencyCycle(names.map((name, i) => ({ name, calls: calls[i]!, sends: sends[i]! }))) !== undefined;
        let thrown: unknown;
        let order: string[] = [];
        try {
          order = deployOrder(loadConfig(configWith({ services })).environments[0]!.services).map((s) => s.name);
        } catch (err) {
          thrown = err;
        }
        expect(thrown === undefined).toBe(!cyclic);
        if (thrown) {
          expect(thrown).toBeInstanceOf(ConfigError);
          const lines = problemsOf(configWith({ services }));
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) expect(line).toMatch(/cycle/);
        } else {
          for (let i = 0; i < names.length; i++) {
            for (const dep of [...calls[i]!, ...sends[i]!]) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(names[i]!));
          }
        }
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});
