import { Fn } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { suppressPolicy } from "./suppress";
import { check, compliantStack, goodContainer, ids, type Patches } from "./testing";

const only = (patches: Patches, environment = "prod") => check((s) => compliantStack(s, patches), environment);

describe("policy rules", () => {
  test("a compliant stack reports nothing in any environment", () => {
    for (const env of ["dev", "staging", "prod"]) expect(check((s) => compliantStack(s), env)).toEqual([]);
  });

  describe("BF-ECS-001 circuit breaker", () => {
    test("fires when the breaker is missing, naming the resource and the fix", () => {
      const found = only({ service: { deploymentCircuitBreaker: undefined } });
      expect(ids(found)).toEqual(["BF-ECS-001"]);
      expect(found[0]?.level).toBe("error");
      expect(found[0]?.message).toContain('aws_ecs_service.Service ("api"): deployment circuit breaker is off');
      expect(found[0]?.message).toContain("Fix: set deployment_circuit_breaker");
      expect(found[0]?.path).toBe("prod-api/Service");
    });
    test("fires when rollback is off", () => {
      const found = only({ service: { deploymentCircuitBreaker: { enable: true, rollback: false } } });
      expect(found.map((f) => f.message)).toEqual([expect.stringContaining("does not roll back")]);
    });
    test("ignores services deployed by CodeDeploy", () => {
      expect(ids(only({ service: { deploymentCircuitBreaker: undefined, alarms: undefined, deploymentController: { type: "CODE_DEPLOY" } } }))).toEqual([]);
    });
  });

  describe("BF-ECS-002 deployment alarms", () => {
    test("fires without alarms, with rollback off, and with no alarm names", () => {
      expect(ids(only({ service: { alarms: undefined } }))).toEqual(["BF-ECS-002"]);
      expect(ids(only({ service: { alarms: { alarmNames: ["a"], enable: true, rollback: false } } }))).toEqual(["BF-ECS-002"]);
      expect(ids(only({ service: { alarms: { alarmNames: [], enable: true, rollback: true } } }))).toEqual(["BF-ECS-002"]);
    });
  });

  describe("BF-ECS-003 minimum tasks (prod only)", () => {
    test("fires when the scalable target allows 1 task in prod", () => {
      const found = only({ scaling: { minCapacity: 1 } });
      expect(ids(found)).toEqual(["BF-ECS-003"]);
      expect(found[0]?.message).toContain("runs as few as 1 task(s) (min_capacity of aws_appautoscaling_target.Scaling)");
    });
    test("reads desired_count when nothing autoscales the service", () => {
      const found = check((s) => {
        const built = compliantStack(s, { service: { desiredCount: 1 }, scaling: { resourceId: "service/prod/other" } });
        return built;
      });
      expect(found.map((f) => f.message)).toEqual([expect.stringContaining("desired_count (no autoscaling target)")]);
    });
    test("is off in dev and staging", () => {
      expect(only({ scaling: { minCapacity: 1 } }, "dev")).toEqual([]);
      expect(only({ scaling: { minCapacity: 1 } }, "staging")).toEqual([]);
    });
  });

  describe("BF-ECS-004 public IPs (prod only)", () => {
    test("fires for a service with assign_public_ip", () => {
      const found = check((s) => {
        const b = compliantStack(s);
        b.service.networkConfiguration.assignPublicIp = true;
      });
      expect(ids(found)).toEqual(["BF-ECS-004"]);
      expect(ids(check((s) => { compliantStack(s).service.networkConfiguration.assignPublicIp = true; }, "dev"))).toEqual([]);
    });
    test("fires for a scheduled task with public IPs", () => {
      const found = check((s) => {
        compliantStack(s);
        new SchedulerSchedule(s, "Nightly", {
          scheduleExpression: "cron(0 3 * * ? *)",
          flexibleTimeWindow: { mode: "OFF" },
          target: {
            arn: "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
            roleArn: "arn:aws:iam::123456789012:role/scheduler",
            ecsParameters: { taskDefinitionArn: "arn:task", networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: true } },
          },
        });
      });
      expect(found.map((f) => [f.ruleId, f.path])).toEqual([["BF-ECS-004", "prod-api/Nightly"]]);
    });
  });

  describe("BF-ECS-005 deploys with a bake time (prod only)", () => {
    test("fires for a rolling service, named or by default, with the fix", () => {
      const found = only({ service: { deploymentConfiguration: undefined } });
      expect(ids(found)).toEqual(["BF-ECS-005"]);
      expect(found[0]?.message).toContain('aws_ecs_service.Service ("api"): deploys rolling: a bad revision replaces the tasks before an alarm can fire');
      expect(found[0]?.message).toContain('Fix: set deployment_configuration { strategy = "CANARY", "LINEAR" or "BLUE_GREEN"');
      expect(ids(only({ service: { deploymentConfiguration: { strategy: "ROLLING" } } }))).toEqual(["BF-ECS-005"]);
    });
    test("fires for a blue/green, canary or linear deploy that bakes 0 minutes, or gives no bake time", () => {
      for (const strategy of ["BLUE_GREEN", "CANARY", "LINEAR"]) {
        const found = only({ service: { deploymentConfiguration: { strategy, bakeTimeInMinutes: "0" } } });
        expect(found.map((f) => f.message)).toEqual([expect.stringContaining(`${strategy} deploy without a bake time`)]);
      }
      expect(ids(only({ service: { deploymentConfiguration: { strategy: "LINEAR" } } }))).toEqual(["BF-ECS-005"]);
    });
    test("accepts each shifting strategy with a bake time, and is off in dev and staging", () => {
      for (const strategy of ["BLUE_GREEN", "CANARY", "LINEAR"]) expect(only({ service: { deploymentConfiguration: { strategy, bakeTimeInMinutes: "1" } } })).toEqual([]);
      expect(only({ service: { deploymentConfiguration: undefined } }, "dev")).toEqual([]);
      expect(only({ service: { deploymentConfiguration: undefined } }, "staging")).toEqual([]);
    });
    test("leaves services CodeDeploy deploys alone", () => {
      expect(ids(only({ service: { deploymentConfiguration: undefined, deploymentController: { type: "CODE_DEPLOY" }, deploymentCircuitBreaker: undefined, alarms: undefined } }))).toEqual([]);
    });
    test("a suppression with a reason turns the error into a note", () => {
      const found = check((s) => suppressPolicy(compliantStack(s, { service: { deploymentConfiguration: undefined } }).service, "BF-ECS-005", "a queue consumer that tolerates a bad minute"));
      expect(found.map((f) => [f.level, f.ruleId])).toEqual([["info", "BF-ECS-005"]]);
      expect(found[0]?.message).toContain("a queue consumer that tolerates a bad minute");
    });
  });

  describe("BF-NET-001 availability zones (prod only)", () => {
    test("fires for the service and the ALB when they sit in one AZ", () => {
      const found = only({ subnets: 1 });
      expect(found.map((f) => [f.ruleId, f.path]).sort()).toEqual([
        ["BF-NET-001", "prod-api/Alb"],
        ["BF-NET-001", "prod-api/Service"],
      ]);
      expect(found[0]?.message).toContain("runs in 1 availability zone(s)");
    });
    test("counts AZs, not subnets", () => {
      const found = check((s) => {
        const b = compliantStack(s);
        b.service.networkConfiguration.subnets = ["${aws_subnet.Private0.id}", "${aws_subnet.Private0.id}"];
      });
      expect(ids(found)).toEqual(["BF-NET-001"]);
    });
  });

  describe("BF-NET-002 task security group", () => {
    test("fires for an ingress rule from 0.0.0.0/0 into the task group", () => {
      const found = only({ ingress: { referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" } }, "dev");
      expect(found.map((f) => [f.ruleId, f.level, f.path])).toEqual([["BF-NET-002", "warning", "dev-api/FromAlb"]]);
    });
    test("fires for inline ::/0 ingress and for aws_security_group_rule", () => {
      const inline = only({ taskSg: { ingress: [{ fromPort: 0, toPort: 65535, protocol: "-1", ipv6CidrBlocks: ["::/0"] }] } });
      expect(inline.map((f) => [f.ruleId, f.path])).toEqual([["BF-NET-002", "prod-api/TaskSg"]]);
      const rule = check((s) => {
        const b = compliantStack(s);
        new SecurityGroupRule(s, "Open", { type: "ingress", securityGroupId: b.taskSg.id, fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] });
      });
      expect(rule.map((f) => [f.ruleId, f.path])).toEqual([["BF-NET-002", "prod-api/Open"]]);
    });
    test("leaves the ALB's own open group alone", () => {
      expect(only({ albSg: { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] } })).toEqual([]);
    });
  });

  describe("ALB rules", () => {
    test("BF-ALB-001 fires without deletion protection in prod only", () => {
      expect(ids(only({ lb: { enableDeletionProtection: false } }))).toEqual(["BF-ALB-001"]);
      expect(only({ lb: { enableDeletionProtection: false } }, "staging")).toEqual([]);
    });
    test("BF-ALB-002 fires for an HTTP listener that forwards, and for a rule that serves on it", () => {
      const forwards = only({ http: { defaultAction: [{ type: "forward", targetGroupArn: "arn:tg" }] } });
      expect(forwards.map((f) => f.message)).toEqual([expect.stringContaining('port 80 answers with "forward" instead of redirecting to HTTPS')]);
      const rule = check((s) => {
        const b = compliantStack(s);
        new LbListenerRule(s, "Route", { listenerArn: b.http.arn, priority: 10, action: [{ type: "forward", targetGroupArn: "arn:tg" }], condition: [{ pathPattern: { values: ["/*"] } }] });
      });
      expect(rule.map((f) => [f.ruleId, f.path])).toEqual([["BF-ALB-002", "prod-api/Route"]]);
    });
    test("BF-ALB-002 is off in dev, where plain HTTP is the design", () => {
      expect(only({ http: { defaultAction: [{ type: "forward", targetGroupArn: "arn:tg" }] } }, "dev")).toEqual([]);
    });
    test("BF-ALB-003 fires without drop_invalid_header_fields, everywhere", () => {
      expect(only({ lb: { dropInvalidHeaderFields: false } }, "dev").map((f) => [f.ruleId, f.level])).toEqual([["BF-ALB-003", "warning"]]);
      expect(only({ lb: { dropInvalidHeaderFields: undefined } }, "staging").map((f) => [f.ruleId, f.level])).toEqual([["BF-ALB-003", "error"]]);
    });
    test("BF-ALB-004 fires for a prod HTTPS listener without HSTS, naming it and the fix", () => {
      const found = only({ https: { routingHttpResponseStrictTransportSecurityHeaderValue: undefined } });
      expect(ids(found)).toEqual(["BF-ALB-004"]);
      expect(found[0]?.message).toContain("aws_lb_listener.Https: sends no Strict-Transport-Security header");
      expect(found[0]?.message).toContain("Fix: set routing_http_response_strict_transport_security_header_value");
      expect(found[0]?.path).toBe("prod-api/Https");
    });
    test.each([
      ["max-age=86400", 'Strict-Transport-Security "max-age=86400" keeps browsers on HTTPS for 86400 s, less than a year (31536000 s)'],
      ["max-age=0", 'Strict-Transport-Security "max-age=0" keeps browsers on HTTPS for 0 s'],
      ["includeSubDomains", 'Strict-Transport-Security "includeSubDomains" has no max-age'],
    ])("BF-ALB-004 fires for HSTS %j", (value, detail) => {
      const found = only({ https: { routingHttpResponseStrictTransportSecurityHeaderValue: value } });
      expect(found.map((f) => [f.ruleId, f.level])).toEqual([["BF-ALB-004", "error"]]);
      expect(found[0]?.message).toContain(detail);
    });
    test.each(["max-age=31536000", "max-age=63072000; includeSubDomains; preload", "includeSubDomains; max-age=31536000"])("BF-ALB-004 accepts %j", (value) => {
      expect(only({ https: { routingHttpResponseStrictTransportSecurityHeaderValue: value } })).toEqual([]);
    });
    test("BF-ALB-004 is off in dev and staging (a one-day header there wears off by the next day)", () => {
      expect(only({ https: { routingHttpResponseStrictTransportSecurityHeaderValue: undefined } }, "dev")).toEqual([]);
      expect(only({ https: { routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=86400" } }, "staging")).toEqual([]);
    });
    test("BF-ALB-004 leaves HTTP listeners alone (HSTS over plain HTTP is ignored by browsers)", () => {
      expect(only({ http: { routingHttpResponseStrictTransportSecurityHeaderValue: undefined } })).toEqual([]);
    });
    test("network load balancers are not held to ALB rules", () => {
      expect(only({ lb: { loadBalancerType: "network", dropInvalidHeaderFields: undefined, enableDeletionProtection: false } })).toEqual([]);
    });
  });

  describe("container rules", () => {
    const withContainer = (patch: Record<string, unknown>) => only({ containers: [{ ...goodContainer, ...patch }] });
    test("BF-CTR-001 writable root filesystem", () => {
      const found = withContainer({ readonlyRootFilesystem: false });
      expect(ids(found)).toEqual(["BF-CTR-001"]);
      expect(found[0]?.message).toContain('aws_ecs_task_definition.Task ("api"): container "app" has a writable root filesystem');
    });
    test("BF-CTR-002 root or unset user", () => {
      expect(ids(withContainer({ user: "0:0" }))).toEqual(["BF-CTR-002"]);
      expect(ids(withContainer({ user: "root" }))).toEqual(["BF-CTR-002"]);
      expect(ids(withContainer({ user: undefined }))).toEqual(["BF-CTR-002"]);
      expect(withContainer({ user: "1000" })).toEqual([]);
    });
    test("BF-CTR-003 privileged or broad capabilities", () => {
      expect(ids(withContainer({ privileged: true }))).toEqual(["BF-CTR-003"]);
      expect(ids(withContainer({ linuxParameters: { capabilities: { add: ["SYS_ADMIN"] } } }))).toEqual(["BF-CTR-003"]);
    });
    test("BF-CTR-004 host paths and host namespaces", () => {
      expect(ids(only({ taskDefinition: { volume: [{ name: "docker", hostPath: "/var/run/docker.sock" }] } }))).toEqual(["BF-CTR-004"]);
      expect(ids(only({ taskDefinition: { pidMode: "host" } }))).toEqual(["BF-CTR-004"]);
    });
    test("BF-CTR-005 secrets as plain environment values", () => {
      const env = (name: string, value: string) => withContainer({ environment: [{ name, value }] });
      expect(ids(env("DB_PASSWORD", "hunter22"))).toEqual(["BF-CTR-005"]);
      expect(ids(env("STRIPE_API_KEY", "abc123"))).toEqual(["BF-CTR-005"]);
      expect(ids(env("DATABASE_URL", "postgres://app:s3cret@db:5432/app"))).toEqual(["BF-CTR-005"]);
      expect(ids(env("UPSTREAM", "AKIAABCDEFGHIJKLMNOP"))).toEqual(["BF-CTR-005"]);
      expect(env("DATABASE_URL", "postgres://db:5432/app")).toEqual([]);
      expect(env("TOKEN_TTL_SECONDS", "3600")).toEqual([]);
      expect(env("DB_PASSWORD_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:x")).toEqual([]);
    });
    test("reads container definitions written with Fn.jsonencode", () => {
      const found = check((s) => {
        compliantStack(s, { taskDefinition: { containerDefinitions: Fn.jsonencode([{ ...goodContainer, privileged: true }]) } });
      });
      expect(ids(found)).toEqual(["BF-CTR-003"]);
    });
  });

  describe("BF-IAM-001 wildcards", () => {
    const policy = (statement: Record<string, unknown>) => only({ policy: { policy: JSON.stringify({ Statement: [statement] }) } });
    test("fires for service-wide actions and for * resources that could be narrower", () => {
      const star = policy({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" });
      expect(star.map((f) => f.message)).toEqual([expect.stringContaining('statement 1 allows every action of "s3:*"')]);
      const resource = policy({ Effect: "Allow", Action: ["ecr:BatchGetImage"], Resource: "*" });
      expect(resource.map((f) => f.message)).toEqual([expect.stringContaining('allows ecr:BatchGetImage on "*" although they support resource ARNs')]);
      expect(ids(policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }))).toEqual(["BF-IAM-001"]);
    });
    test("accepts * for actions that support nothing narrower, and Deny statements", () => {
      expect(policy({ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ssmmessages:OpenDataChannel"], Resource: "*" })).toEqual([]);
      expect(policy({ Effect: "Deny", Action: "*", Resource: "*" })).toEqual([]);
    });
    test("reads Fn.jsonencode policies, role inline policies and policy document data sources", () => {
      const found = check((s) => {
        compliantStack(s);
        new IamPolicy(s, "Encoded", { policy: Fn.jsonencode({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) });
        new IamRole(s, "Role", {
          assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ecs-tasks.amazonaws.com" } }] }),
          inlinePolicy: [{ name: "wide", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }] }) }],
        });
        new DataAwsIamPolicyDocument(s, "Doc", { statement: [{ actions: ["sqs:*"], resources: ["arn:aws:sqs:us-east-1:1:q"] }] });
      });
      expect(found.map((f) => [f.ruleId, f.path])).toEqual([
        ["BF-IAM-001", "prod-api/Encoded"],
        ["BF-IAM-001", "prod-api/Role"],
        ["BF-IAM-001", "prod-api/Doc"],
      ]);
    });
  });

  describe("storage rules", () => {
    test("BF-LOG-001 fires for log groups without retention", () => {
      expect(ids(only({ logs: { retentionInDays: undefined } }))).toEqual(["BF-LOG-001"]);
    });
    test("BF-ECR-001 fires for mutable tags (the provider default)", () => {
      expect(ids(only({ repo: { imageTagMutability: undefined } }))).toEqual(["BF-ECR-001"]);
    });
    test("BF-ECR-002 fires without scan on push", () => {
      expect(ids(only({ repo: { imageScanningConfiguration: { scanOnPush: false } } }))).toEqual(["BF-ECR-002"]);
    });
  });

  describe("BF-SIZE-001 task size", () => {
    test("fires for 2 vCPU / 4 GB, as a warning in dev and an error in prod", () => {
      const big = { taskDefinition: { cpu: "2048", memory: "4096" } };
      const prod = only(big);
      expect(prod.map((f) => [f.ruleId, f.level])).toEqual([["BF-SIZE-001", "error"]]);
      expect(prod[0]?.message).toContain("asks for 2 vCPU / 4 GB without a stated reason");
      expect(only(big, "dev").map((f) => [f.ruleId, f.level])).toEqual([["BF-SIZE-001", "warning"]]);
    });
    test("fires for memory alone", () => {
      expect(ids(only({ taskDefinition: { cpu: "256", memory: "1024" } }))).toEqual(["BF-SIZE-001"]);
    });
  });

  describe("BF-OPS-001 alarms reach a person", () => {
    test("fires in prod when no alarm of the stack has alarm_actions, naming the service", () => {
      const found = only({ alarm: { alarmActions: [] } });
      expect(ids(found)).toEqual(["BF-OPS-001"]);
      expect(found[0]?.level).toBe("error");
      expect(found[0]?.message).toContain('aws_ecs_service.Service ("api"): none of the stack\'s 1 alarm(s) has alarm_actions');
      expect(found[0]?.message).toContain("notifications.reason");
    });
    test("warns in staging, is off in dev", () => {
      expect(ids(only({ alarm: { alarmActions: undefined } }, "staging"), "warning")).toEqual(["BF-OPS-001"]);
      expect(only({ alarm: { alarmActions: undefined } }, "dev")).toEqual([]);
    });
    test("a reason on the service suppresses it, and the finding stays visible", () => {
      const found = check((s) => {
        const built = compliantStack(s, { alarm: { alarmActions: [] } });
        suppressPolicy(built.service, "BF-OPS-001", "a demo environment nobody is on call for");
      });
      expect(found.map((f) => [f.ruleId, f.level])).toEqual([["BF-OPS-001", "info"]]);
    });
  });
});
