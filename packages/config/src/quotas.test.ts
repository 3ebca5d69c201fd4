import { loadConfig } from "./load";
import { configWith, environment, problemsOf, service } from "./testing";
import type { EnvironmentConfig, ServiceConfig } from "./types";

// Rolling, so that each web service counts once; traffic-shifting deployments are counted below.
const webServices = (n: number, overrides: Partial<ServiceConfig> = {}): ServiceConfig[] =>
  Array.from({ length: n }, (_, i) =>
    service({ name: `svc-${i + 1}`, source: `services/svc-${i + 1}`, routing: { priority: i + 1, pathPatterns: [`/s${i + 1}/*`] }, deployment: { strategy: "rolling" }, ...overrides }),
  );
const loads = (config: Parameters<typeof loadConfig>[0]) => expect(() => loadConfig(config)).not.toThrow();

describe("security group rules per group (60, adjustable)", () => {
  test("60 web services fit the ALB security group's outbound rules; the 61st is refused, naming the quota and the setting", () => {
    loads(configWith({ services: webServices(60) }));
    expect(problemsOf(configWith({ services: webServices(61) }))).toEqual([
      'sandbox: services = "61 web services": each web service adds an outbound rule to the ALB\'s security group: 61 rules, AWS allows 60 (quota "Inbound or outbound rules per security group", adjustable: once AWS raises it for the account, set quotas.rulesPerSecurityGroup in environments.ts)',
    ]);
  });

  test("workers and scheduled tasks add no rule to the ALB", () => {
    const workers = Array.from({ length: 70 }, (_, i) => service({ name: `w-${i}`, kind: "worker", source: "services/w", routing: undefined, healthCheckPath: undefined }));
    loads(configWith({ services: [...webServices(60), ...workers] }));
  });

  test("a raised quota is honoured", () => {
    loads(configWith({ services: webServices(61), env: { quotas: { rulesPerSecurityGroup: 100 } } }));
  });
});

describe("listener rules (100, adjustable) and target groups (100, not adjustable) per ALB", () => {
  const raised: EnvironmentConfig["quotas"] = { rulesPerSecurityGroup: 200 };

  test("the 101st web service needs a 101st rule and target group", () => {
    loads(configWith({ services: webServices(100), env: { quotas: raised } }));
    expect(problemsOf(configWith({ services: webServices(101), env: { quotas: raised } }))).toEqual([
      'sandbox: services = "101 web services": each web service adds a listener rule to the ALB (two with a blue-green, canary or linear deployment): 101 rules, AWS allows 100 (quota "Rules per Application Load Balancer (excluding default rules)", adjustable: once AWS raises it for the account, set quotas.listenerRulesPerAlb in environments.ts)',
      'sandbox: services = "101 web services": each web service adds a target group to the ALB (two with a blue-green, canary or linear deployment): 101 target groups, AWS allows 100 (quota "Target Groups per Application Load Balancer", not adjustable); split the services over environments',
    ]);
  });

  test("raising the listener rule quota leaves the target group quota, which AWS does not raise", () => {
    const lines = problemsOf(configWith({ services: webServices(101), env: { quotas: { ...raised, listenerRulesPerAlb: 200 } } }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("101 target groups, AWS allows 100");
  });

  test("a blue-green, canary or linear deployment counts a test listener rule and a second target group", () => {
    const shifting = (n: number) => webServices(n).map((s, i) => ({ ...s, routing: { priority: 2 * (i + 1), pathPatterns: [`/s${i + 1}/*`] }, deployment: { strategy: "canary" as const } }));
    loads(configWith({ services: shifting(50) }));
    const lines = problemsOf(configWith({ services: [...shifting(50), ...webServices(1).map((s) => ({ ...s, name: "one-more", routing: { priority: 1000, pathPatterns: ["/more/*"] } }))] }));
    expect(lines).toEqual([
      expect.stringContaining("101 rules, AWS allows 100"),
      expect.stringContaining("101 target groups, AWS allows 100"),
    ]);
  });
});

describe("targets per ALB (1000, adjustable)", () => {
  test("counts every web service's tasks at maxTasks twice, for a deploy's old and new tasks", () => {
    loads(configWith({ services: webServices(5, { maxTasks: 100 }) }));
    expect(problemsOf(configWith({ services: webServices(6, { maxTasks: 100 }) }))).toEqual([
      'sandbox: services = "6 web services": at maxTasks, a deploy (old and new tasks together) registers 1200 targets with the ALB, AWS allows 1000 (quota "Targets per Application Load Balancer", adjustable: once AWS raises it for the account, set quotas.targetsPerAlb in environments.ts); lower maxTasks',
    ]);
    loads(configWith({ services: webServices(6, { maxTasks: 100 }), env: { quotas: { targetsPerAlb: 1200 } } }));
  });
});

describe("task definition size (64 KiB, not adjustable)", () => {
  test("environment variables that make the task definition larger than ECS takes are refused", () => {
    const big = { A: "x".repeat(32_000), B: "y".repeat(32_000) };
    const lines = problemsOf(configWith({ service: { environment: big } }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^sandbox \/ service "orders": environment = "\d+ bytes": makes the task definition about \d+ bytes \(environment 64\d{3}, secrets 0, command 0, the rest 3072\), AWS allows 65536 \(quota "Task definition size \(64 KiB\)", not adjustable\); move large values into the image or a secret$/,
    );
    loads(configWith({ service: { environment: { A: "x".repeat(30_000), B: "y".repeat(30_000) } } }));
  });

  test("an environment's override counts with the entry's variables", () => {
    const config = configWith({ service: { environment: { A: "x".repeat(40_000) } }, env: { services: { orders: { environment: { B: "y".repeat(25_000) } } } } });
    expect(problemsOf(config)[0]).toMatch(/^sandbox \/ service "orders": environment = /);
  });
});

describe("Elastic IPs and VPCs per region, over environments sharing an account", () => {
  const perAz = (vpcCidr: string, overrides: Partial<EnvironmentConfig> = {}) => environment({ vpcCidr, natStrategy: "per-az", azCount: 3, ...overrides });

  test("two environments with a NAT gateway per AZ in 3 AZs need 6 Elastic IPs", () => {
    const config = configWith({ environments: { one: perAz("10.1.0.0/16"), two: perAz("10.2.0.0/16") } });
    expect(problemsOf(config)).toEqual([
      'two: natStrategy = "per-az": the NAT gateways of one, two in account 123456789012, eu-west-1 need 6 Elastic IPs, AWS allows 5 (quota "EC2-VPC Elastic IPs (per Region)", adjustable: once AWS raises it for the account, set quotas.elasticIpsPerRegion in environments.ts)',
    ]);
    loads(configWith({ environments: { one: perAz("10.1.0.0/16"), two: perAz("10.2.0.0/16", { quotas: { elasticIpsPerRegion: 6 } }) } }));
    loads(configWith({ environments: { one: perAz("10.1.0.0/16"), two: perAz("10.2.0.0/16", { allowedAccountIds: ["210987654321"] }) } }));
    loads(configWith({ environments: { one: perAz("10.1.0.0/16"), two: perAz("10.2.0.0/16", { region: "eu-west-2" }) } }));
  });

  test("six environments in one account and region need six VPCs", () => {
    const environments = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`env${i}`, environment({ vpcCidr: `10.${i + 1}.0.0/16`, natStrategy: "none" })]));
    expect(problemsOf(configWith({ environments }))).toEqual([
      'env5: region = "eu-west-1": env0, env1, env2, env3, env4, env5 put 6 VPCs in account 123456789012, eu-west-1, AWS allows 5 (quota "VPCs per Region", adjustable: once AWS raises it for the account, set quotas.vpcsPerRegion in environments.ts)',
    ]);
  });
});

describe("CloudWatch Logs resource policies per region (10, not adjustable), one per scheduled service", () => {
  const jobs = (n: number) => Array.from({ length: n }, (_, i) => service({ name: `job-${i + 1}`, kind: "scheduled", source: `services/job-${i + 1}`, schedule: "cron(0 3 * * ? *)", routing: undefined, healthCheckPath: undefined }));

  test("ten scheduled services in one account and region fit; the eleventh is refused, naming the quota and every one", () => {
    loads(configWith({ services: jobs(10) }));
    const problems = problemsOf(configWith({ services: jobs(11) }));
    expect(problems).toEqual([
      expect.stringMatching(/^sandbox: services = "11 scheduled services": each scheduled service adds a CloudWatch Logs resource policy for its failed-run events \(sandbox-job-1, .*sandbox-job-11\): 11 in account 123456789012, eu-west-1, AWS allows 10 \(quota "CloudWatch Logs resource policies per Region", not adjustable\); move environments to another account or region/),
    ]);
  });

  test("counted over the environments that share an account and region, not elsewhere", () => {
    const two = { one: environment({ vpcCidr: "10.1.0.0/16" }), two: environment({ vpcCidr: "10.2.0.0/16" }) };
    expect(problemsOf(configWith({ environments: two, services: jobs(6) }))[0]).toContain('two: services = "12 scheduled services"');
    loads(configWith({ environments: { ...two, two: environment({ vpcCidr: "10.2.0.0/16", region: "eu-west-2" }) }, services: jobs(6) }));
  });
});

describe("the quotas setting", () => {
  test.each([
    ["listenerRulesPerAlb", 50, "must be the quota AWS granted this account: a whole number from the default 100 to 10000"],
    ["rulesPerSecurityGroup", 1001, "must be the quota AWS granted this account: a whole number from the default 60 to 1000"],
    ["targetsPerAlb", "2000", "must be the quota AWS granted this account: a whole number from the default 1000 to 100000 (a string; write 2000 without quotes)"],
  ])("refuses %s = %j", (key, value, why) => {
    expect(problemsOf(configWith({ env: { quotas: { [key]: value } as never } }))).toEqual([`sandbox: quotas.${key} = ${JSON.stringify(value)}: ${why}`]);
  });

  test("has no setting for quotas AWS does not raise", () => {
    expect(problemsOf(configWith({ env: { quotas: { targetGroupsPerAlb: 200 } as never } }))[0]).toMatch(/^sandbox: quotas.targetGroupsPerAlb = 200: unknown setting/);
  });
});
