import { defaultConfig, NAMED_ACTION, starOnly, type EnvironmentConfig, type Grant, type PlatformConfig } from "@bun-fargate/config";
import { buildApp } from "../app";
import { AWS_PROFILE, resources, synth, type SynthesizedStack } from "../testing";

/**
 * Across every environment, no task role holds a wildcard action or a "*" resource where the
 * action has ARNs, and the application's grants stay out of the execution role: with the shipped
 * configuration, and with one of every grant kind added to every service in every environment.
 */

/** One of every grant kind and access level, on ARNs of the environment's own region and account. */
function everyGrant(env: EnvironmentConfig): Grant[] {
  const a = (service: string, rest: string) => `arn:aws:${service}:${env.region}:${env.allowedAccountIds[0]}:${rest}`;
  return [
    { grant: "s3", bucketArn: "arn:aws:s3:::shop-uploads", access: "read-write", prefix: "in/" },
    { grant: "s3", bucketArn: "arn:aws:s3:::shop-exports", access: "write" },
    { grant: "dynamodb", tableArn: a("dynamodb", "table/orders"), access: "read-write" },
    { grant: "sqs", queueArn: a("sqs", "orders"), access: "consume" },
    { grant: "sqs", queueArn: a("sqs", "emails"), access: "send" },
    { grant: "sns", topicArn: a("sns", "order-placed") },
    { grant: "ssm", parameterArn: a("ssm", "parameter/shop/*") },
    { grant: "secretsmanager", secretArn: a("secretsmanager", "secret:shop/stripe") },
    { grant: "kms", keyArn: a("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"), access: "decrypt" },
    { grant: "statement", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"], reason: "X-Ray segments have no resource ARN" },
  ];
}

function withEveryGrant(config: PlatformConfig): PlatformConfig {
  const environments = Object.fromEntries(
    Object.entries(config.environments).map(([name, env]) => [
      name,
      { ...env, services: Object.fromEntries(config.services.map((s) => [s.name, { ...(env.services?.[s.name] ?? {}), permissions: everyGrant(env) }])) },
    ]),
  );
  return { ...config, environments };
}

interface Statement {
  readonly sid?: string;
  readonly actions: string[];
  readonly resources: string[];
}

/** The statements of every inline policy of the role a reference (`${aws_iam_role.X.arn}`) names. */
function roleStatements(stack: SynthesizedStack, roleRef: string): Statement[] {
  const role = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(roleRef)?.[1];
  if (!role) throw new Error(`not a role reference: ${roleRef}`);
  return resources(stack, "aws_iam_role_policy")
    .filter((p) => p.role === `\${aws_iam_role.${role}.id}`)
    .flatMap((p) => {
      const doc = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(p.policy as string)?.[1];
      if (!doc) throw new Error(`a role policy not written from a policy document: ${String(p.policy)}`);
      return (stack.data?.aws_iam_policy_document?.[doc]?.statement ?? []) as Statement[];
    });
}

function taskDefinitions(config: PlatformConfig) {
  const platform = buildApp({ config, profile: AWS_PROFILE });
  return platform.environments.flatMap((env) =>
    env.services.map((stack) => {
      const json = synth(stack);
      const [td] = resources(json, "aws_ecs_task_definition");
      return { stack: stack.node.id, json, task: roleStatements(json, td!.task_role_arn as string), execution: roleStatements(json, td!.execution_role_arn as string) };
    }),
  );
}

describe("task roles across every environment", () => {
  test.each([
    ["the shipped configuration", defaultConfig, 0],
    ["every grant kind added to every service", withEveryGrant(defaultConfig), 12],
  ])("%s: named actions only, no * resource where ARNs exist, nothing of the app's in the execution role", (_, config, minimum) => {
    const all = taskDefinitions(config);
    expect(all.map((t) => t.stack).sort()).toEqual(Object.keys(defaultConfig.environments).flatMap((e) => defaultConfig.services.map((s) => `${e}-${s.name}`)).sort());
    for (const { stack, task, execution } of all) {
      // Of the shipped services only nightly declares permissions; the others hold only their job queues' statements.
      const own = task.filter((s) => !/^(ConsumeJobs|SendJobs\d+)$/.test(s.sid ?? ""));
      const declares = minimum > 0 || stack.endsWith("-nightly");
      expect({ stack, granted: own.length >= minimum, empty: own.length === 0 }).toEqual({ stack, granted: true, empty: !declares });
      for (const s of task) {
        for (const action of s.actions) expect({ stack, action, named: NAMED_ACTION.test(action) }).toEqual({ stack, action, named: true });
        if (s.resources.includes("*")) expect({ stack, sid: s.sid, starOnly: s.actions.every(starOnly) }).toEqual({ stack, sid: s.sid, starOnly: true });
      }
      const taskActions = new Set(task.flatMap((s) => s.actions));
      expect({ stack, leaked: execution.flatMap((s) => s.actions).filter((a) => taskActions.has(a) && a !== "secretsmanager:GetSecretValue") }).toEqual({ stack, leaked: [] });
    }
  });
});

describe("job queues across every environment", () => {
  const all = taskDefinitions(defaultConfig);
  const sqs = (statements: readonly Statement[]) => statements.filter((s) => s.actions.some((a) => a.startsWith("sqs:")));

  test.each(all.map((t) => [t.stack, t] as const))("%s: SQS actions only by name, each on exactly one queue ARN, never *", (stack, { task, execution }) => {
    for (const s of sqs(task)) {
      expect({ stack, sid: s.sid, wildcards: s.actions.filter((a) => a.includes("*")) }).toEqual({ stack, sid: s.sid, wildcards: [] });
      expect({ stack, sid: s.sid, resources: s.resources.length, star: s.resources.some((r) => r.includes("*")) }).toEqual({ stack, sid: s.sid, resources: 1, star: false });
    }
    expect({ stack, executionSqs: sqs(execution).length }).toEqual({ stack, executionSqs: 0 });
  });

  test("the worker consumes exactly its own queue, bun-api sends to exactly it, nothing else touches SQS", () => {
    const by = (suffix: string) => all.filter((t) => t.stack.endsWith(suffix));
    expect(by("-worker").map((t) => sqs(t.task).map((s) => [s.sid, s.actions]))).toEqual(
      Object.keys(defaultConfig.environments).map(() => [["ConsumeJobs", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]]]),
    );
    expect(by("-bun-api").map((t) => sqs(t.task).map((s) => [s.sid, s.actions]))).toEqual(Object.keys(defaultConfig.environments).map(() => [["SendJobs1", ["sqs:SendMessage", "sqs:GetQueueAttributes"]]]));
    // In a whole-app synth the producer's resource is the worker stack's output, read as remote state.
    for (const t of by("-bun-api")) expect(sqs(t.task)[0]!.resources).toEqual([expect.stringMatching(/^\$\{aws_sqs_queue\.\w+\.arn\}$|terraform_remote_state/)]);
  });
});

describe("nightly's task role", () => {
  test.each(Object.keys(defaultConfig.environments))("%s: get and list under incoming/ and put under reports/ of its own bucket, nothing else", (env) => {
    const { task } = taskDefinitions(defaultConfig).find((t) => t.stack === `${env}-nightly`)!;
    const bucket = `arn:aws:s3:::bun-fargate-${env}-nightly`;
    expect(task.map((s) => ({ actions: s.actions, resources: s.resources, condition: (s as { condition?: unknown }).condition }))).toEqual([
      { actions: ["s3:GetObject"], resources: [`${bucket}/incoming/*`], condition: undefined },
      { actions: ["s3:ListBucket"], resources: [bucket], condition: [{ test: "StringLike", variable: "s3:prefix", values: ["incoming/*"] }] },
      { actions: ["s3:PutObject"], resources: [`${bucket}/reports/*`], condition: undefined },
    ]);
  });
});
