import { ConfigError, formatIssue } from "./errors";
import { show } from "./show";
import { loadConfig } from "./load";
import { defaultConfig } from "./platform";
import { LOG_RETENTION_DAYS } from "./schema/environment";
import { configWith, environment, service } from "./testing";
import type { PlatformConfig, ServiceConfig } from "./types";

const worker = (overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name: "mailer", kind: "worker", source: "services/mailer", healthCheckPath: undefined, routing: undefined, ...overrides });

const scheduled = (schedule: string | undefined, overrides: Partial<ServiceConfig> = {}): ServiceConfig =>
  service({ name: "nightly", kind: "scheduled", source: "services/etl", healthCheckPath: undefined, routing: undefined, schedule, ...overrides });


/** Every issue of a configuration that must fail, formatted as it appears in the error message. */
function problems(config: PlatformConfig): string[] {
  let error: unknown;
  try {
    loadConfig(config);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${error === undefined ? "a loaded config" : String(error)}`);
  const lines = error.issues.map(formatIssue);
  for (const line of lines) expect(error.message).toContain(`  - ${line}`);
  return lines;
}

/** The whole error message, for checking that a secret is not in it. */
function errorText(config: PlatformConfig): string {
  try {
    loadConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) return `${e.message}\n${JSON.stringify(e.issues)}`;
    throw e;
  }
  throw new Error("expected a ConfigError, but the configuration loaded");
}

const loads = (config: PlatformConfig) => expect(() => loadConfig(config)).not.toThrow();
const invalid = (value: unknown): never => value as never;

/** An environment's view of the service: its override, or the entry resolved with the environment's values. */
const SVC = 'sandbox / service "orders"';
/** The entry in the service list itself, reported once for all environments. */
const ENTRY = 'service "orders"';

// ---------------------------------------------------------------------------------------------

test("the factory's baseline configuration is valid (so each failure below is the one change)", () => {
  loads(configWith());
  loads(configWith({ services: [service(), worker(), scheduled("cron(0 3 * * ? *)")] }));
});

describe("task size", () => {
  test.each([
    [256, 4096, "memoryMiB 4096 is not valid with cpu 256; allowed: 512, 1024, 2048"],
    [512, 512, "memoryMiB 512 is not valid with cpu 512; allowed: 1024, 2048, 3072, 4096"],
    [1024, 1536, "memoryMiB 1536 is not valid with cpu 1024; allowed: 2048 to 8192 in steps of 1024"],
    [4096, 2048, "memoryMiB 2048 is not valid with cpu 4096; allowed: 8192 to 30720 in steps of 1024"],
    [8192, 18432, "memoryMiB 18432 is not valid with cpu 8192; allowed: 16384 to 61440 in steps of 4096"],
  ])("fails when cpu %i / memory %i MiB is not a Fargate combination", (cpu, memoryMiB, allowed) => {
    expect(problems(configWith({ service: { cpu, memoryMiB } }))).toEqual([
      `${SVC}: cpu/memoryMiB = "${cpu}/${memoryMiB}": not a valid Fargate combination: ${allowed}`,
    ]);
  });

  test("fails when cpu is not a Fargate CPU value or memory is below Fargate's least, on the entry itself", () => {
    expect(problems(configWith({ service: { cpu: 300 } }))).toEqual([`${ENTRY}: cpu = 300: not a Fargate CPU value; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384`]);
    expect(problems(configWith({ service: { memoryMiB: 256 } }))).toEqual([`${ENTRY}: memoryMiB = 256: must be a whole number from 512 to 122880`]);
  });

  test("fails when an environment override makes the size invalid, naming that environment", () => {
    const config = configWith({ service: { cpu: 1024, memoryMiB: 2048 }, env: { services: { orders: { cpu: 2048 } } } });
    expect(problems(config)).toEqual([
      `${SVC}: cpu/memoryMiB = "2048/2048": not a valid Fargate combination: memoryMiB 2048 is not valid with cpu 2048; allowed: 4096 to 16384 in steps of 1024`,
    ]);
  });

  test.each([
    [256, 512],
    [256, 2048],
    [512, 1024],
    [512, 4096],
    [1024, 8192],
    [2048, 16384],
    [4096, 30720],
    [8192, 61440],
    [16384, 32768],
    [16384, 122880],
  ])("accepts the edge pair cpu %i / %i MiB", (cpu, memoryMiB) => {
    loads(configWith({ service: { cpu, memoryMiB } }));
  });
});

describe("task counts", () => {
  test("fails when minTasks > maxTasks", () => {
    expect(problems(configWith({ service: { minTasks: 5, maxTasks: 3, desiredTasks: 3 } }))).toContain(
      `${SVC}: minTasks = 5: must not exceed maxTasks (3)`,
    );
  });

  test("fails when an environment override raises minTasks above the entry's maxTasks", () => {
    const config = configWith({ service: { maxTasks: 4 }, env: { services: { orders: { minTasks: 6, desiredTasks: 4 } } } });
    expect(problems(config)).toContain(`${SVC}: minTasks = 6: must not exceed maxTasks (4)`);
  });

  test.each([
    [1, 3, 4],
    [2, 3, 1],
    [1, 3, 0],
  ])("fails when desiredTasks is outside [minTasks %i, maxTasks %i]: %i", (minTasks, maxTasks, desiredTasks) => {
    expect(problems(configWith({ service: { minTasks, maxTasks, desiredTasks } }))).toEqual([
      `${SVC}: desiredTasks = ${desiredTasks}: must be within [minTasks, maxTasks] = [${minTasks}, ${maxTasks}]`,
    ]);
  });

  test("accepts desiredTasks at either end of the range", () => {
    loads(configWith({ service: { minTasks: 1, maxTasks: 3, desiredTasks: 1 } }));
    loads(configWith({ service: { minTasks: 1, maxTasks: 3, desiredTasks: 3 } }));
  });

  test.each([
    ["minTasks", -1],
    ["minTasks", 1.5],
    ["maxTasks", 1001],
    ["desiredTasks", 2.5],
  ])("fails when %s is not a whole number from 0 to 1000: %d", (field, value) => {
    expect(problems(configWith({ service: { maxTasks: 1000, [field]: value } }))).toContain(
      `${ENTRY}: ${field} = ${value}: must be a whole number from 0 to 1000`,
    );
  });

  test("fails when a web or worker service may never run a task (maxTasks 0)", () => {
    const zero = { minTasks: 0, maxTasks: 0, desiredTasks: 0 };
    expect(problems(configWith({ service: zero }))).toEqual([`${SVC}: maxTasks = 0: must be at least 1`]);
    expect(problems(configWith({ services: [worker(zero)] }))).toEqual([`sandbox / service "mailer": maxTasks = 0: must be at least 1`]);
    loads(configWith({ services: [scheduled("rate(1 day)", zero)] }));
  });

  test.each([-0.1, 1.5, 0.333])("fails when a service's spotShare is not 0 to 1 in steps of 0.01: %d", (spotShare) => {
    expect(problems(configWith({ env: { services: { orders: { spotShare } } } }))).toEqual([
      `${SVC}: spotShare = ${spotShare}: must be a number from 0 to 1 in steps of 0.01`,
    ]);
  });

  test("fails when architecture is not ARM64 or X86_64", () => {
    expect(problems(configWith({ service: { architecture: invalid("arm64") } }))).toEqual([
      `${ENTRY}: architecture = "arm64": allowed: "ARM64", "X86_64" (did you mean "ARM64"?)`,
    ]);
  });

  test("fails when a service's logLevel is not a known level", () => {
    expect(problems(configWith({ service: { logLevel: invalid("verbose") } }))).toEqual([
      `${ENTRY}: logLevel = "verbose": allowed: "debug", "info", "warn", "error"`,
    ]);
  });
});

describe("network", () => {
  test.each(["10.40.0/16", "10.40.0.0", "ten/16", "", " 10.40.0.0/16"])("fails when vpcCidr is malformed: %j", (vpcCidr) => {
    expect(problems(configWith({ env: { vpcCidr } }))).toEqual([`sandbox: vpcCidr = ${JSON.stringify(vpcCidr)}: must be an IPv4 CIDR such as "10.10.0.0/16"`]);
  });

  test("fails when an octet or the prefix is out of range", () => {
    expect(problems(configWith({ env: { vpcCidr: "10.400.0.0/16" } }))).toEqual([
      `sandbox: vpcCidr = "10.400.0.0/16": must be an IPv4 CIDR such as "10.10.0.0/16" (octets 0-255, prefix 0-32)`,
    ]);
  });

  test.each([
    ["10.40.0.1/16", "10.40.0.0/16"],
    ["10.40.1.0/16", "10.40.0.0/16"],
    ["10.40.2.0/22", "10.40.0.0/22"],
  ])("fails when vpcCidr has host bits set, naming the network: %s", (vpcCidr, network) => {
    expect(problems(configWith({ env: { vpcCidr } }))).toEqual([`sandbox: vpcCidr = "${vpcCidr}": has host bits set; the network of that address is "${network}"`]);
  });

  test.each([
    ["010.40.0.0/16", "10.40.0.0/16"],
    ["10.040.0.0/16", "10.40.0.0/16"],
    ["10.40.00.0/16", "10.40.0.0/16"],
  ])("refuses a CIDR not written canonically rather than writing it verbatim: %s", (vpcCidr, canonical) => {
    expect(problems(configWith({ env: { vpcCidr } }))).toEqual([`sandbox: vpcCidr = "${vpcCidr}": is not written canonically (no leading zeros); write "${canonical}"`]);
  });

  test.each(["10.0.0.0/8", "10.40.0.0/15", "10.40.0.0/23", "10.40.0.0/24"])("fails when the vpcCidr prefix is not /16 to /22: %s", (vpcCidr) => {
    expect(problems(configWith({ env: { vpcCidr } }))).toEqual([
      `sandbox: vpcCidr = "${vpcCidr}": prefix must be /16 to /22 (room for 8 subnets of /19 to /25)`,
    ]);
  });

  test.each(["10.40.0.0/16", "172.16.0.0/16", "10.40.4.0/22"])("accepts vpcCidr %s", (vpcCidr) => {
    loads(configWith({ env: { vpcCidr } }));
  });

  test.each([
    ["10.40.0.0/16", "10.40.0.0/16"],
    ["10.40.0.0/16", "10.40.128.0/17"],
    ["10.40.4.0/22", "10.40.0.0/16"],
  ])("fails when environment CIDRs overlap: %s and %s", (first, second) => {
    const config = configWith({ environments: { alpha: environment({ vpcCidr: first }), beta: environment({ vpcCidr: second }) } });
    expect(problems(config)).toEqual([`beta: vpcCidr = "${second}": overlaps alpha's ${first}; give each environment its own range`]);
  });

  test("reports each overlapping pair and only those", () => {
    const config = configWith({
      environments: {
        alpha: environment({ vpcCidr: "10.1.0.0/16" }),
        beta: environment({ vpcCidr: "10.2.0.0/16" }),
        gamma: environment({ vpcCidr: "10.1.4.0/22" }),
      },
    });
    expect(problems(config)).toEqual([`gamma: vpcCidr = "10.1.4.0/22": overlaps alpha's 10.1.0.0/16; give each environment its own range`]);
  });

  test("accepts adjacent, non-overlapping environment ranges", () => {
    loads(configWith({ environments: { alpha: environment({ vpcCidr: "10.40.0.0/16" }), beta: environment({ vpcCidr: "10.41.0.0/16" }) } }));
  });

  test.each([1, 5, 0, 2.5])("fails when azCount is not 2, 3 or 4: %d", (azCount) => {
    expect(problems(configWith({ env: { azCount } }))).toEqual([`sandbox: azCount = ${azCount}: must be 2, 3 or 4 (an ALB needs at least 2 AZs)`]);
  });

  test.each([2, 3, 4])("accepts azCount %i", (azCount) => loads(configWith({ env: { azCount } })));

  test.each([
    ["both", ""],
    ["NONE", ' (did you mean "none"?)'],
    ["per_az", ' (did you mean "per-az"?)'],
    ["", ""],
  ])("fails when natStrategy is unknown: %j", (natStrategy, hint) => {
    expect(problems(configWith({ env: { natStrategy: invalid(natStrategy) } }))).toEqual([
      `sandbox: natStrategy = ${JSON.stringify(natStrategy)}: allowed: "none", "single", "per-az"${hint}`,
    ]);
  });

  test.each([
    ["ecr", ""],
    ["dynamodb", ""],
    ["S3", ' (did you mean "s3"?)'],
  ])("fails when a VPC endpoint is unknown: %j", (name, hint) => {
    expect(problems(configWith({ env: { vpcEndpoints: ["s3", invalid(name)] } }))).toEqual([
      `sandbox: vpcEndpoints[1] = "${name}": allowed: "ecr-api", "ecr-dkr", "logs", "secretsmanager", "ssm", "s3"${hint}`,
    ]);
  });

  test("fails when a VPC endpoint is listed twice", () => {
    expect(problems(configWith({ env: { vpcEndpoints: ["s3", "logs", "s3"] } }))).toEqual([`sandbox: vpcEndpoints = ["s3","logs","s3"]: lists an endpoint twice`]);
  });

  test("accepts every known VPC endpoint", () => {
    loads(configWith({ env: { vpcEndpoints: ["ecr-api", "ecr-dkr", "logs", "secretsmanager", "ssm", "s3"] } }));
  });
});

describe("environment settings", () => {
  test.each([
    ["us-east", ' (did you mean "us-east-1"?)'],
    ["US-EAST-1", ' (did you mean "us-east-1"?)'],
    ["useast1", ' (did you mean "us-east-1"?)'],
    ["eu-west-10", ' (did you mean "eu-west-1"?)'],
    ["eu-west-4", ' (did you mean "eu-west-1"?)'],
    ["mars-north-1x", ""],
    ["", ""],
  ])("fails when region is not an AWS region: %j", (region, hint) => {
    expect(problems(configWith({ env: { region: invalid(region) } }))).toEqual([
      `sandbox: region = ${JSON.stringify(region)}: must be an AWS region such as "us-east-1" (if AWS opened a new one, add it to packages/config/src/regions.ts)${hint}`,
    ]);
  });

  test.each(["us-east-1", "ap-southeast-2", "eu-central-1", "us-gov-west-1", "mx-central-1", "cn-north-1", "il-central-1"])("accepts region %s", (region) => {
    loads(configWith({ env: { region: invalid(region) } }));
  });

  test.each(["12345", "1234567890123", "abcdefghijkl", "1234-5678-9012", " 123456789012"])("fails when an account ID is invalid: %j", (id) => {
    expect(problems(configWith({ env: { allowedAccountIds: ["123456789012", id] } }))).toEqual([
      `sandbox: allowedAccountIds[1] = ${JSON.stringify(id)}: must be a 12-digit AWS account ID, as a string`,
    ]);
  });

  test("fails when an account ID is a number (JavaScript would drop leading zeros) or listed twice", () => {
    expect(problems(configWith({ env: { allowedAccountIds: [invalid(123456789012)] } }))).toEqual([
      "sandbox: allowedAccountIds[0] = 123456789012: must be a 12-digit AWS account ID, as a string",
    ]);
    expect(problems(configWith({ env: { allowedAccountIds: ["123456789012", "123456789012"] } }))).toEqual([
      'sandbox: allowedAccountIds = ["123456789012","123456789012"]: lists an account twice',
    ]);
  });

  test("fails when no account ID is allowed", () => {
    expect(problems(configWith({ env: { allowedAccountIds: [] } }))).toEqual([
      "sandbox: allowedAccountIds = []: list at least one 12-digit AWS account ID: deploys refuse any other account",
    ]);
  });

  test.each([0, 2, 10, 1000, 3654, -7])("fails when logRetentionDays is not a CloudWatch value: %d", (days) => {
    expect(problems(configWith({ env: { logRetentionDays: invalid(days) } }))).toEqual([
      `sandbox: logRetentionDays = ${days}: allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653`,
    ]);
  });

  test("accepts every CloudWatch retention value", () => {
    for (const days of LOG_RETENTION_DAYS) loads(configWith({ env: { logRetentionDays: days } }));
  });

  test.each([-0.5, 1.01, 2])("fails when the environment's spotShare is outside 0 to 1, reported where it is set: %d", (spotShare) => {
    expect(problems(configWith({ env: { spotShare } }))).toEqual([`sandbox: spotShare = ${spotShare}: must be a number from 0 to 1 in steps of 0.01`]);
  });

  test("fails when the environment's spotShare is not a number", () => {
    expect(problems(configWith({ env: { spotShare: Number.NaN } }))).toEqual(["sandbox: spotShare = NaN: must be a number from 0 to 1 in steps of 0.01"]);
    expect(problems(configWith({ env: { spotShare: invalid("") } }))).toEqual(['sandbox: spotShare = "": must be a number from 0 to 1 in steps of 0.01']);
    expect(problems(configWith({ env: { spotShare: invalid("0.5") } }))).toEqual([
      'sandbox: spotShare = "0.5": must be a number from 0 to 1 in steps of 0.01 (a string; write 0.5 without quotes)',
    ]);
  });

  test("fails when the environment's logLevel is unknown, even with no service to inherit it", () => {
    expect(problems(configWith({ env: { logLevel: invalid("trace") }, services: [] }))).toEqual([
      `sandbox: logLevel = "trace": allowed: "debug", "info", "warn", "error"`,
    ]);
  });

  test.each([
    ["My_Bucket", "must be 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"],
    ["ab", "must be 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"],
    ["-bucket", "must be 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"],
    ["bucket-", "must be 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"],
    ["my..state", "must not contain two dots in a row"],
    ["192.168.5.4", "must not look like an IP address"],
    ["xn--state", "must not start with xn--, sthree- or amzn-s3-demo-"],
    ["state-s3alias", "must not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3"],
  ])("fails when stateBucket is not an S3 bucket name: %j", (stateBucket, why) => {
    expect(problems(configWith({ env: { stateBucket } }))).toEqual([`sandbox: stateBucket = "${stateBucket}": must be a valid S3 bucket name: ${why}`]);
  });

  test.each(["Prod", "p", "pre-prod", "production-eu1", "1prod"])("fails when an environment name is invalid: %j", (name) => {
    expect(problems(configWith({ environments: { [name]: environment() } }))).toContain(
      `${name}: name = "${name}": environment names are 2-12 lower-case letters and digits, starting with a letter`,
    );
  });
});

describe("certificate", () => {
  const arn = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/12345678-90ab-cdef-1234-567890abcdef`;

  test("fails when the certificate ARN is in another region than the environment", () => {
    const certificateArn = arn("us-east-1");
    expect(problems(configWith({ env: { region: "eu-west-1", certificate: { domainName: "api.example.com", certificateArn } } }))).toEqual([
      `sandbox: certificate.certificateArn = "${certificateArn}": must be an ACM certificate ARN in eu-west-1 (the ALB's region)`,
    ]);
  });

  test.each(["not-an-arn", "arn:aws:acm:eu-west-1:123456789012:certificate/short", "arn:aws:iam::123456789012:server-certificate/x"])(
    "fails when the certificate ARN is malformed: %j",
    (certificateArn) => {
      expect(problems(configWith({ env: { certificate: { domainName: "api.example.com", certificateArn } } }))).toEqual([
        `sandbox: certificate.certificateArn = "${certificateArn}": must be an ACM certificate ARN in the environment's region (the ALB's region)`,
      ]);
    },
  );

  test("accepts a certificate in the environment's region, or none (looked up by domain)", () => {
    loads(configWith({ env: { certificate: { domainName: "api.example.com", certificateArn: arn("eu-west-1") } } }));
    loads(configWith({ env: { certificate: { domainName: "api.example.com" } } }));
  });

  test.each(["API.example.com", "localhost", "api..example.com", "https://api.example.com"])("fails when the domain name is invalid: %j", (domainName) => {
    expect(problems(configWith({ env: { certificate: { domainName } } }))).toEqual([
      `sandbox: certificate.domainName = "${domainName}": must be a lower-case domain name such as "api.example.com"`,
    ]);
  });
});

describe("routing", () => {
  const billing = (routing: ServiceConfig["routing"]) => service({ name: "billing", source: "services/billing", routing });
  const BILLING = 'sandbox / service "billing"';

  test("fails when two web services use the same listener priority", () => {
    const config = configWith({ services: [service(), billing({ priority: 10, pathPatterns: ["/billing/*"] })] });
    expect(problems(config)).toEqual([`${BILLING}: routing.priority = 10: already used by service "orders"; listener rule priorities must be unique`]);
  });

  test("fails when an environment override creates the duplicate priority", () => {
    const config = configWith({
      services: [service(), billing({ priority: 20, pathPatterns: ["/billing/*"] })],
      env: { services: { billing: { routing: { priority: 10, pathPatterns: ["/billing/*"] } } } },
    });
    expect(problems(config)).toEqual([`${BILLING}: routing.priority = 10: already used by service "orders"; listener rule priorities must be unique`]);
  });

  test.each([
    [{ priority: 10, pathPatterns: ["/a/*", "/b/*"] }, { priority: 20, pathPatterns: ["/a/*", "/b/*"] }],
    [{ priority: 10, pathPatterns: ["/a/*", "/b/*"] }, { priority: 20, pathPatterns: ["/b/*", "/a/*"] }],
    [
      { priority: 10, pathPatterns: ["/api/*"], hostHeaders: ["a.example.com", "b.example.com"] },
      { priority: 20, pathPatterns: ["/api/*"], hostHeaders: ["b.example.com", "a.example.com"] },
    ],
    [{ priority: 10, hostHeaders: ["api.example.com"] }, { priority: 20, hostHeaders: ["API.example.com"] }],
    [{ priority: 10, pathPatterns: ["/a/*"] }, { priority: 20, pathPatterns: ["/a/*", "/a/*"] }],
  ])("fails when two routes are identical: %j and %j", (first, second) => {
    const config = configWith({ services: [service({ routing: first }), billing(second)] });
    expect(problems(config)).toEqual([
      `${BILLING}: routing = ${JSON.stringify(second)}: identical to the route of service "orders"; one of them would never receive traffic`,
    ]);
  });

  test("accepts routes that differ in paths or hosts", () => {
    loads(configWith({ services: [service({ routing: { priority: 10, pathPatterns: ["/a/*"] } }), billing({ priority: 20, pathPatterns: ["/a/*", "/b/*"] })] }));
    loads(
      configWith({
        services: [
          service({ routing: { priority: 10, pathPatterns: ["/*"], hostHeaders: ["a.example.com"] } }),
          billing({ priority: 20, pathPatterns: ["/*"], hostHeaders: ["b.example.com"] }),
        ],
      }),
    );
  });

  test("fails when a web service has no routing", () => {
    expect(problems(configWith({ service: { routing: undefined } }))).toEqual([
      `${SVC}: routing = undefined: a web service needs routing: { priority, pathPatterns and/or hostHeaders }`,
    ]);
  });

  test.each([
    ["worker", worker({ name: "orders", routing: { priority: 10, pathPatterns: ["/orders/*"] } })],
    ["scheduled", scheduled("rate(1 hour)", { name: "orders", routing: { priority: 10, pathPatterns: ["/orders/*"] } })],
  ])("fails when a %s has routing", (kind, svc) => {
    expect(problems(configWith({ services: [svc] }))).toEqual([
      `${SVC}: routing = {"priority":10,"pathPatterns":["/orders/*"]}: only web services are routed by the ALB; this one is a ${kind}`,
    ]);
  });

  test.each([0, 50001, 1.5, -3])("fails when the priority is not a whole number from 1 to 50000: %d", (priority) => {
    expect(problems(configWith({ service: { routing: { priority, pathPatterns: ["/orders/*"] } } }))).toEqual([
      `${ENTRY}: routing.priority = ${priority}: must be a whole number from 1 to 50000`,
    ]);
  });

  test("fails when routing gives neither paths nor hosts", () => {
    expect(problems(configWith({ service: { routing: { priority: 10, pathPatterns: [] } } }))).toEqual([
      `${ENTRY}: routing = {"priority":10,"pathPatterns":[]}: give pathPatterns and/or hostHeaders`,
    ]);
  });

  test("fails when a rule has more than 5 conditions values", () => {
    const routing = { priority: 10, pathPatterns: ["/a", "/b", "/c", "/d"], hostHeaders: ["x.example.com", "y.example.com"] };
    expect(problems(configWith({ service: { routing } }))).toEqual([
      `${ENTRY}: routing = ${JSON.stringify(routing)}: at most 5 path patterns and host headers in all (ALB limit)`,
    ]);
  });

  test.each(["orders/*", "/orders list", `/${"a".repeat(128)}`])("fails when a path pattern is invalid: %j", (pattern) => {
    expect(problems(configWith({ service: { routing: { priority: 10, pathPatterns: [pattern] } } }))).toEqual([
      `${ENTRY}: routing.pathPatterns[0] = ${JSON.stringify(pattern)}: must start with / and use letters, digits, / _ . - * ? ~ (at most 128 characters)`,
    ]);
  });

  test.each(["api example.com", "api.example.com:443", "https://api.example.com", "localhost", "api.example.*", "api.example.c0m"])("fails when a host header is invalid: %j", (host) => {
    expect(problems(configWith({ service: { routing: { priority: 10, hostHeaders: [host] } } }))).toEqual([
      `${ENTRY}: routing.hostHeaders[0] = ${JSON.stringify(host)}: must be a host name with a dot and letters after the last dot, e.g. "api.example.com" or "*.example.com"; wildcards * and ? allowed (at most 128 characters)`,
    ]);
  });

  test("fails when a host header is not a string, reporting it instead of crashing", () => {
    expect(problems(configWith({ service: { routing: { priority: 10, hostHeaders: [invalid(5)] } } }))).toEqual([
      `${ENTRY}: routing.hostHeaders[0] = 5: must be a host name with a dot and letters after the last dot, e.g. "api.example.com" or "*.example.com"; wildcards * and ? allowed (at most 128 characters)`,
    ]);
  });

  test("fails when a rule's values hold more than 5 wildcards in all (an ALB quota)", () => {
    const routing = { priority: 10, pathPatterns: ["/a/*/b/*", "/c/???"], hostHeaders: ["*.example.com"] };
    expect(problems(configWith({ service: { routing } }))).toEqual([
      `${ENTRY}: routing = ${JSON.stringify(routing)}: at most 5 wildcards (* and ?) in all of a rule's values (ALB quota "Condition wildcards per rule", not adjustable)`,
    ]);
    loads(configWith({ service: { routing: { priority: 10, pathPatterns: ["/a/*/b/*", "/c/??"], hostHeaders: ["api.example.com"] } } }));
  });
});

describe("resource names", () => {
  test("valid project (16) and environment (12) names cap the ALB name at 29 characters; a longer environment name is refused as a name", () => {
    const config = configWith({ project: "abcdefghijklmnop", environments: { "europe-west-stage": environment() }, services: [worker()] });
    expect(problems(config)).toEqual([
      'europe-west-stage: name = "europe-west-stage": environment names are 2-12 lower-case letters and digits, starting with a letter',
    ]);
  });

  test.each([
    ["internal", 'sandbox: name = "internal-sandbox": makes the ALB name start with "internal-", which AWS refuses; rename the project'],
    ["internal-tools", 'sandbox: name = "internal-tools-sandbox": makes the ALB name start with "internal-", which AWS refuses; rename the project'],
    ["sg-shop", 'sandbox: name = "sg-shop-sandbox-alb": makes the ALB security group name start with "sg-", which AWS refuses; rename the project'],
  ])("fails when the project %j gives a name AWS refuses", (project, line) => {
    expect(problems(configWith({ project }))).toEqual([line]);
  });

  test("fails when the target group name would be longer than 32 characters", () => {
    const name = "recommendations-apis";
    const config = configWith({ services: [service({ name })] });
    expect(problems(config)).toEqual([
      `sandbox / service "${name}": name = "shop-sandbox-${name}": makes the target group name 33 characters long; AWS allows 32`,
    ]);
  });

  test("accepts names of exactly 32 characters, and long names on services without a target group", () => {
    loads(configWith({ services: [service({ name: "recommendations-api" })] }));
    loads(configWith({ services: [worker({ name: "recommendations-apis" })] }));
  });

  test("the longest valid project and environment names leave room for a 2-character web service", () => {
    const environments = { stagingwest1: environment() };
    loads(configWith({ project: "abcdefghijklmnop", environments, service: { name: "ab" } }));
    expect(problems(configWith({ project: "abcdefghijklmnop", environments, service: { name: "abc" } }))).toEqual([
      `stagingwest1 / service "abc": name = "abcdefghijklmnop-stagingwest1-abc": makes the target group name 33 characters long; AWS allows 32`,
    ]);
  });
});

describe("service kind", () => {
  test("fails when a web service has no health check path", () => {
    expect(problems(configWith({ service: { healthCheckPath: undefined } }))).toEqual([
      `${SVC}: healthCheckPath = undefined: a web service needs a health check path, e.g. "/readyz"`,
    ]);
  });

  test.each(["readyz", "/ready z", "/ready?full=1", `/${"a".repeat(1024)}`])("fails when the health check path is invalid: %j", (healthCheckPath) => {
    expect(problems(configWith({ service: { healthCheckPath } }))).toEqual([
      `${ENTRY}: healthCheckPath = ${show(healthCheckPath)}: must be an absolute path of letters, digits and / _ . - (at most 1024 characters)`,
    ]);
  });

  test("workers and scheduled tasks need no health check path", () => {
    loads(configWith({ services: [worker(), scheduled("rate(5 minutes)")] }));
  });

  test("fails when kind is unknown", () => {
    expect(problems(configWith({ service: { kind: invalid("cron") } }))).toEqual([`${ENTRY}: kind = "cron": allowed: "web", "internal", "worker", "scheduled"`]);
    expect(problems(configWith({ service: { kind: invalid("Web") } }))).toEqual([`${ENTRY}: kind = "Web": allowed: "web", "internal", "worker", "scheduled" (did you mean "web"?)`]);
  });

  const NIGHTLY = 'sandbox / service "nightly"';
  const NIGHTLY_ENTRY = 'service "nightly"';
  const NOT_ONE = 'must be "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)" or "rate(<n> <unit>)"';
  const RATE = 'must be "rate(1 minute|hour|day)" or "rate(<n> minutes|hours|days)" with n a whole number from 2, no leading zeros';

  test("fails when a scheduled service has no schedule", () => {
    expect(problems(configWith({ services: [scheduled(undefined)] }))).toEqual([
      `${NIGHTLY}: schedule = undefined: a scheduled service needs a schedule: "cron(<6 fields>)" or "rate(<n> <unit>)", e.g. "cron(0 3 * * ? *)"`,
    ]);
  });

  test.each([
    ["", NOT_ONE],
    ["cron(0 3 * * *)", "cron needs 6 fields separated by single spaces (minutes hours day-of-month month day-of-week year), got 5"],
    ["cron(0 3 * * ? * *)", "cron needs 6 fields separated by single spaces (minutes hours day-of-month month day-of-week year), got 7"],
    ["cron(0  3 * * ? *)", "cron needs 6 fields separated by single spaces (minutes hours day-of-month month day-of-week year), got 6"],
    ["0 3 * * ? *", NOT_ONE],
    ["every day", NOT_ONE],
    ["rate(0 minutes)", RATE],
    ["rate(-5 minutes)", RATE],
    ["rate(5 seconds)", RATE],
    ["rate(5 weeks)", RATE],
    ["rate(1 minutes)", 'use the singular unit: EventBridge accepts "rate(1 minute)" and "rate(2 minutes)"'],
    ["rate(1 hours)", 'use the singular unit: EventBridge accepts "rate(1 hour)" and "rate(2 hours)"'],
    ["rate(5 minute)", 'use the plural unit: EventBridge accepts "rate(1 minute)" and "rate(5 minutes)"'],
    ["rate(12 day)", 'use the plural unit: EventBridge accepts "rate(1 day)" and "rate(12 days)"'],
    ["rate(05 minutes)", RATE],
    ["RATE(5 minutes)", NOT_ONE],
  ])("fails when a scheduled service's schedule is not valid: %j", (schedule, why) => {
    expect(problems(configWith({ services: [scheduled(schedule)] }))).toEqual([`${NIGHTLY_ENTRY}: schedule = ${JSON.stringify(schedule)}: ${why}`]);
  });

  test.each(["cron(0 3 * * * *)", "cron(0 3 1 * MON *)", "cron(0 3 ? * ? *)"])(
    "fails when a cron schedule sets both or neither day field: %j",
    (schedule) => {
      expect(problems(configWith({ services: [scheduled(schedule)] }))).toEqual([
        `${NIGHTLY_ENTRY}: schedule = ${JSON.stringify(schedule)}: exactly one of day-of-month and day-of-week must be "?", e.g. "cron(0 3 * * ? *)"`,
      ]);
    },
  );

  test.each([
    ["cron(61 3 * * ? *)", 'minutes field "61" is out of range (allowed 0-59)'],
    ["cron(0 24 * * ? *)", 'hours field "24" is out of range (allowed 0-23)'],
    ["cron(0 3 0 * ? *)", 'day-of-month field "0" is out of range (allowed 1-31)'],
    ["cron(0 3 32 * ? *)", 'day-of-month field "32" is out of range (allowed 1-31)'],
    ["cron(0 3 ? 13 MON *)", 'month field "13" is out of range (allowed 1-12 or JAN-DEC)'],
    ["cron(0 3 ? FOO MON *)", 'month field "FOO" is out of range (allowed 1-12 or JAN-DEC)'],
    ["cron(0 3 ? * 8 *)", 'day-of-week field "8" is out of range (allowed 1-7 or SUN-SAT)'],
    ["cron(0 3 ? * MON-FRY *)", 'day-of-week field "MON-FRY" is out of range (allowed 1-7 or SUN-SAT)'],
    ["cron(0 3 * * ? 1969)", 'year field "1969" is out of range (allowed 1970-2199)'],
    ["cron(0 3 * * ? 2200)", 'year field "2200" is out of range (allowed 1970-2199)'],
    ["cron(0/0 3 * * ? *)", 'minutes field "0/0" has an increment outside 1-59'],
    ["cron(0/60 3 * * ? *)", 'minutes field "0/60" has an increment outside 1-59'],
    ["cron(0 3 * * ? */0)", 'year field "*/0" has an increment outside 1-2199'],
    ["cron(0 3 ? * MON/2 *)", 'day-of-week field "MON/2" uses /, which day-of-week does not take'],
    ["cron(0 3 ? * 2#6 *)", 'day-of-week field "2#6" asks for an occurrence outside 1-5 in the month'],
    ["cron(0 3 ? * 2#1,3 *)", 'day-of-week field "2#1,3" may hold only one expression when it uses #'],
    ["cron(0 3 32W * ? *)", 'day-of-month field "32W" is not a valid day (1-31)'],
    ["cron(0 3 L * L *)", 'exactly one of day-of-month and day-of-week must be "?", e.g. "cron(0 3 * * ? *)"'],
    ["cron(? 3 * * ? *)", 'minutes field "?" is only allowed in day-of-month or day-of-week'],
    ["cron(0,,5 3 * * ? *)", 'minutes field "" is not a value, range or increment'],
    ["cron(5- 3 * * ? *)", 'minutes field "5-" is not a value, range or increment'],
    ["cron(1-2-3 3 * * ? *)", 'minutes field "1-2-3" is not a value, range or increment'],
    ["cron(0 3 L-2 * ? *)", 'day-of-month field "L-2" is out of range (allowed 1-31)'],
    ["cron(0 3 ? * 0 *)", 'day-of-week field "0" is out of range (allowed 1-7 or SUN-SAT)'],
  ])("fails when a cron field is out of range or malformed: %j", (schedule, why) => {
    expect(problems(configWith({ services: [scheduled(schedule)] }))).toEqual([`${NIGHTLY_ENTRY}: schedule = ${JSON.stringify(schedule)}: ${why}`]);
  });

  test.each([
    "cron(0 3 * * ? *)",
    "cron(0/15 * ? * MON-FRI *)",
    "cron(0 12 1 * ? 2030)",
    "cron(59 23 31 12 ? 2199)",
    "cron(0 0 1 1 ? 1970)",
    "cron(0,15,30,45 8-18 ? * 2-6 *)",
    "cron(0 10 ? * 6L *)",
    "cron(0 10 ? * L *)",
    "cron(0 10 ? * 3#2 *)",
    "cron(0 10 ? * TUE#1 *)",
    "cron(0 10 L * ? *)",
    "cron(0 10 LW * ? *)",
    "cron(0 10 15W * ? *)",
    "cron(0 10 1/7 * ? *)",
    "cron(*/5 * * jan-mar ? *)",
    "cron(0 0 ? * SUN-SAT 2030-2040/2)",
    "rate(1 minute)",
    "rate(1 hour)",
    "rate(1 day)",
    "rate(2 minutes)",
    "rate(15 minutes)",
    "rate(10 days)",
  ])("accepts the schedule %j", (schedule) => {
    loads(configWith({ services: [scheduled(schedule)] }));
  });

  test.each([
    ["web", service({ schedule: "rate(1 hour)" })],
    ["worker", worker({ name: "orders", schedule: "rate(1 hour)" })],
  ])("fails when a %s has a schedule", (kind, svc) => {
    expect(problems(configWith({ services: [svc] }))).toEqual([
      `${SVC}: schedule = "rate(1 hour)": only scheduled services take a schedule; this one is a ${kind}`,
    ]);
  });

  test.each([80, 443, 0, 1023, 65536, 8080.5])("fails when containerPort is not 1024 to 65535: %d", (containerPort) => {
    expect(problems(configWith({ service: { containerPort } }))).toEqual([
      `${ENTRY}: containerPort = ${containerPort}: must be a whole number from 1024 to 65535 (non-root containers cannot bind lower ports)`,
    ]);
  });

  test.each([1024, 3000, 65535])("accepts containerPort %i", (containerPort) => loads(configWith({ service: { containerPort } })));
});

describe("secrets", () => {
  const SECRET = "correct-horse-battery-staple";
  const smArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf";
  const ssmArn = "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/db/password";

  test("fails when a secret is a plain string instead of a reference, without printing it", () => {
    const config = configWith({ service: { secrets: { DB_PASSWORD: invalid(SECRET) } } });
    expect(problems(config)).toEqual([
      `${ENTRY}: secrets.DB_PASSWORD = "<redacted>": secrets are references, never values: give { secretsManagerArn } or { ssmParameterArn }`,
    ]);
    expect(errorText(config)).not.toContain(SECRET);
  });

  test("fails when a secret is a number, without printing it", () => {
    const config = configWith({ service: { secrets: { PIN: invalid(918273) } } });
    expect(problems(config)).toEqual([
      `${ENTRY}: secrets.PIN = "<redacted>": secrets are references, never values: give { secretsManagerArn } or { ssmParameterArn }`,
    ]);
    expect(errorText(config)).not.toContain("918273");
  });

  test.each([SECRET, ssmArn, "arn:aws:secretsmanager:eu-west-1:123456789012:db", `${smArn} `])(
    "fails when secretsManagerArn is not a Secrets Manager ARN, without printing it: %j",
    (value) => {
      const config = configWith({ service: { secrets: { DB_PASSWORD: { secretsManagerArn: value } } } });
      expect(problems(config)).toEqual([
        `${ENTRY}: secrets.DB_PASSWORD.secretsManagerArn = "<redacted>": must be a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>), not a value`,
      ]);
      expect(errorText(config)).not.toContain(value);
    },
  );

  test.each([SECRET, smArn, "/shop/db/password"])("fails when ssmParameterArn is not an SSM parameter ARN, without printing it: %j", (value) => {
    const config = configWith({ service: { secrets: { DB_PASSWORD: { ssmParameterArn: value } } } });
    expect(problems(config)).toEqual([
      `${ENTRY}: secrets.DB_PASSWORD.ssmParameterArn = "<redacted>": must be an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), not a value`,
    ]);
    expect(errorText(config)).not.toContain(value);
  });

  test("fails when a secret reference names neither store, listing its keys but not its values", () => {
    const config = configWith({ service: { secrets: { DB_PASSWORD: invalid({ value: SECRET }) } } });
    expect(problems(config)).toEqual([`${ENTRY}: secrets.DB_PASSWORD = ["value"]: needs secretsManagerArn or ssmParameterArn`]);
    expect(errorText(config)).not.toContain(SECRET);
  });

  test("fails when an environment override gives a plain value, without printing it", () => {
    const config = configWith({ env: { services: { orders: { secrets: { DB_PASSWORD: invalid(SECRET) } } } } });
    expect(problems(config)).toEqual([
      `${SVC}: secrets.DB_PASSWORD = "<redacted>": secrets are references, never values: give { secretsManagerArn } or { ssmParameterArn }`,
    ]);
    expect(errorText(config)).not.toContain(SECRET);
  });

  test("fails when a secret's name is not a valid variable name", () => {
    expect(problems(configWith({ service: { secrets: { "db-password": { ssmParameterArn: ssmArn } } } }))).toEqual([
      `${ENTRY}: secrets.db-password = "db-password": secret names must be valid environment variable names`,
    ]);
  });

  test("accepts references to both stores, with a JSON key, in any partition", () => {
    loads(
      configWith({
        service: {
          secrets: {
            DB_PASSWORD: { secretsManagerArn: smArn, jsonKey: "password" },
            API_TOKEN: { ssmParameterArn: ssmArn },
            GOV: { secretsManagerArn: "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x-AbCdEf" },
            CN: { ssmParameterArn: "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/x" },
          },
        },
      }),
    );
  });
});

describe("environment variables", () => {
  const LOOKS = "looks like a secret: move it to `secrets` as a Secrets Manager or SSM reference";
  const MOVE = "move it to `secrets` as a Secrets Manager or SSM reference";

  test.each(["DB_PASSWORD", "PASSWD", "API_KEY", "STRIPE_APIKEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "session_secret", "PRIVATE_KEY", "DB_CREDENTIALS"])(
    "fails when the variable name %s looks like a secret, with the value redacted",
    (name) => {
      const value = "s3cr3t-Value-9f8e7d";
      const config = configWith({ service: { environment: { [name]: value } } });
      expect(problems(config)).toEqual([`${ENTRY}: environment.${name} = "<redacted>": ${LOOKS}`]);
      expect(errorText(config)).not.toContain(value);
    },
  );

  test.each([
    ["DATABASE_URL", "postgres://user:pass@host", "is a connection string with a password in it"],
    ["DATABASE_URL", "postgres://app:s3cr3t-pw@db.internal:5432/shop", "is a connection string with a password in it"],
    ["DATABASE_URL", "postgres://:s3cr3t-pw@db.internal:5432/shop", "is a connection string with a password in it"],
    ["CACHE_URL", "redis://default:hunter22@cache.internal:6379", "is a connection string with a password in it"],
    ["AWS_ID", "AKIAIOSFODNN7EXAMPLE", "holds an AWS access key ID"],
    ["SIGNING", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA", "holds a private key"],
    ["STRIPE", "sk_live_51HxAbCdEfGhIjKlMn", "holds a Stripe secret key"],
    ["GH", `ghp_${"a1B2c3D4e5".repeat(4)}`, "holds a GitHub token"],
  ])("fails when the value of %s holds a credential, with the value redacted", (name, value, why) => {
    const config = configWith({ service: { environment: { [name]: value } } });
    expect(problems(config)).toEqual([`${ENTRY}: environment.${name} = "<redacted>": the value ${why}: ${MOVE}`]);
    expect(errorText(config)).not.toContain(value);
  });

  test("fails when an environment override adds a secret-looking variable, with the value redacted", () => {
    const config = configWith({ env: { services: { orders: { environment: { DATABASE_URL: "postgres://user:pass@host" } } } } });
    expect(problems(config)).toEqual([`${SVC}: environment.DATABASE_URL = "<redacted>": the value is a connection string with a password in it: ${MOVE}`]);
    expect(errorText(config)).not.toContain("user:pass");
  });

  test("fails when a value is not a string, redacting it when the name looks like a secret", () => {
    expect(problems(configWith({ service: { environment: { WORKERS: invalid(4) } } }))).toEqual([`${ENTRY}: environment.WORKERS = 4: must be a string`]);
    const config = configWith({ service: { environment: { DB_PASSWORD: invalid(12345678) } } });
    expect(problems(config)).toEqual([`${ENTRY}: environment.DB_PASSWORD = "<redacted>": must be a string`]);
    expect(errorText(config)).not.toContain("12345678");
  });

  test("fails when a variable name is invalid", () => {
    expect(problems(configWith({ service: { environment: { "feature-x": "on" } } }))).toEqual([
      `${ENTRY}: environment.feature-x = "feature-x": must be a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)`,
    ]);
  });

  test("accepts ordinary variables, including URLs without credentials", () => {
    loads(
      configWith({
        service: {
          environment: {
            DATABASE_HOST: "db.internal",
            DATABASE_URL: "postgres://db.internal:5432/shop",
            PUBLIC_URL: "https://shop.example.com:8443/a@b",
            LOG_FORMAT: "json",
            FEATURE_FLAGS: "search,checkout",
            CONTACT: "ops@example.com",
          },
        },
      }),
    );
  });
});

describe("activeHours and policyTier", () => {
  const load = (env: Record<string, unknown>) => () =>
    loadConfig({ ...defaultConfig, environments: { ...defaultConfig.environments, dev: { ...defaultConfig.environments.dev!, ...env } } });

  test("accepts the shipped dev hours", () => {
    expect(load({})).not.toThrow();
  });

  test("fails when endHour is not after startHour, naming both", () => {
    expect(load({ activeHours: { startHour: 19, endHour: 7 } })).toThrow('dev: activeHours.endHour = 7: must be a whole hour after startHour (19) and at most 24');
  });

  test("fails when startHour is out of range or days unknown", () => {
    expect(load({ activeHours: { startHour: -1, endHour: 7 } })).toThrow("dev: activeHours.startHour = -1: must be a whole hour from 0 to 23");
    expect(load({ activeHours: { startHour: 7, endHour: 19, days: "SAT-SUN" } })).toThrow('dev: activeHours.days = "SAT-SUN": allowed: "MON-FRI", "MON-SUN"');
  });

  test("fails on a 0-24 window, which would wake and sleep at the same minute", () => {
    expect(load({ activeHours: { startHour: 0, endHour: 24 } })).toThrow("dev: activeHours = {\"startHour\":0,\"endHour\":24}: 0-24 means always on");
  });

  test("fails on an unknown policy tier", () => {
    expect(load({ policyTier: "lenient" })).toThrow('dev: policyTier = "lenient": allowed: "dev", "staging", "prod"');
  });
});

describe("secrets in a private network without NAT", () => {
  const privateDev = (vpcEndpoints: string[]) => () =>
    loadConfig({
      ...defaultConfig,
      environments: {
        ...defaultConfig.environments,
        dev: { ...defaultConfig.environments.dev!, natStrategy: "none", vpcEndpoints: vpcEndpoints as never, services: {
          "bun-api": { secrets: { DB_URL: { secretsManagerArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf" } } },
        } },
      },
    });

  test("fails when tasks are private but the Secrets Manager endpoint is missing", () => {
    expect(privateDev(["ecr-api", "ecr-dkr", "logs", "s3"])).toThrow(
      'dev / service "bun-api": secrets = ["DB_URL"]: tasks run privately without NAT, so reading Secrets Manager secrets needs the "secretsmanager" VPC endpoint',
    );
  });

  test("accepts it with the endpoint, or when tasks have public IPs", () => {
    expect(privateDev(["ecr-api", "ecr-dkr", "logs", "s3", "secretsmanager"])).not.toThrow();
    expect(privateDev([])).not.toThrow();
  });
});
