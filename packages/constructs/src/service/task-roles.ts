import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { permissionStatements, secretResourceArn, type Grant } from "@bun-fargate/config";
import { Construct } from "constructs";
import type { JobQueue } from "../queue/job-queue";

/** What a worker's task may do on its own queue: receive, delete, extend a job's visibility, read its attributes. */
export const CONSUME_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"] as const;
/** What a producer's task may do on a worker's queue: send (batch sends need the same action), and read its attributes. */
export const SEND_ACTIONS = ["sqs:SendMessage", "sqs:GetQueueAttributes"] as const;

/** The job queues a task consumes and sends to. */
export interface TaskQueues {
  /** The worker's own queue. @default - none */
  readonly consumes?: JobQueue;
  /** The workers' queues this service enqueues jobs on. @default [] */
  readonly sendsTo?: readonly JobQueue[];
}

export interface TaskRolesProps {
  /** Role name prefix, e.g. `prod-bun-api`. */
  readonly name: string;
  readonly repository: EcrRepository;
  readonly logGroup: CloudwatchLogGroup;
  /** ARNs of the Secrets Manager secrets and SSM parameters the container receives. @default [] */
  readonly secretArns?: readonly string[];
  /** Let the task open ECS Exec sessions. @default false */
  readonly enableExec?: boolean;
  /** What the application may do: grants expanded by the config's grants table into the task role. @default [] */
  readonly permissions?: readonly Grant[];
  /** Job queues: consume rights on the worker's own, send rights on the targets', each on its exact ARN. @default - none */
  readonly queues?: TaskQueues;
}

/**
 * Two roles, kept apart as ECS intends: the execution role is what ECS uses to start the task
 * (pull this image, write this log group, read exactly these secrets); the task role is what the
 * application's code may do: nothing but the declared `permissions` (and ECS Exec's channels when on).
 */
export class TaskRoles extends Construct {
  public readonly executionRole: IamRole;
  public readonly taskRole: IamRole;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "TrustPolicy", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }] }],
    });
    this.executionRole = new IamRole(this, "ExecutionRole", {
      name: `${props.name}-execution`,
      description: `Starts ${props.name} tasks: image pull, logs, secrets`,
      assumeRolePolicy: trust.json,
    });
    this.taskRole = new IamRole(this, "TaskRole", {
      name: `${props.name}-task`,
      description: `Permissions of the ${props.name} application`,
      assumeRolePolicy: trust.json,
    });

    const secretArns = props.secretArns ?? [];
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
      { sid: "EcrAuth", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
      {
        sid: "PullImage",
        actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        resources: [props.repository.arn],
      },
      { sid: "WriteLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${props.logGroup.arn}:*`] },
    ];
    const sm = secretArns.filter((a) => a.includes(":secretsmanager:"));
    const ssm = secretArns.filter((a) => a.includes(":ssm:"));
    // A partial ARN (no -XXXXXX suffix) would match no secret in IAM: granted as <partial>-??????.
    if (sm.length > 0) statements.push({ sid: "ReadSecrets", actions: ["secretsmanager:GetSecretValue"], resources: [...new Set(sm.map(secretResourceArn))] });
    if (ssm.length > 0) statements.push({ sid: "ReadParameters", actions: ["ssm:GetParameters"], resources: [...new Set(ssm)] });
    const execution = new DataAwsIamPolicyDocument(this, "ExecutionPolicyDocument", { statement: statements });
    new IamRolePolicy(this, "ExecutionPolicy", { role: this.executionRole.id, name: "start-task", policy: execution.json });

    const grants = permissionStatements(props.permissions ?? []);
    if (grants.length > 0) {
      const app = new DataAwsIamPolicyDocument(this, "AppPolicyDocument", {
        statement: grants.map((g) => ({
          sid: g.sid,
          actions: [...g.actions],
          resources: [...g.resources],
          condition: g.condition?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
        })),
      });
      new IamRolePolicy(this, "AppPolicy", { role: this.taskRole.id, name: "app-permissions", policy: app.json });
    }

    const queues: DataAwsIamPolicyDocumentStatement[] = [
      ...(props.queues?.consumes ? [{ sid: "ConsumeJobs", actions: [...CONSUME_ACTIONS], resources: [props.queues.consumes.queue.arn] }] : []),
      ...(props.queues?.sendsTo ?? []).map((q, i) => ({ sid: `SendJobs${i + 1}`, actions: [...SEND_ACTIONS], resources: [q.queue.arn] })),
    ];
    if (queues.length > 0) {
      const doc = new DataAwsIamPolicyDocument(this, "QueuePolicyDocument", { statement: queues });
      new IamRolePolicy(this, "QueuePolicy", { role: this.taskRole.id, name: "job-queues", policy: doc.json });
    }

    if (props.enableExec ?? false) {
      // The SSM session channels have no resource-level permissions.
      const exec = new DataAwsIamPolicyDocument(this, "ExecPolicyDocument", {
        statement: [
          {
            sid: "EcsExecChannels",
            actions: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
            resources: ["*"],
          },
        ],
      });
      new IamRolePolicy(this, "ExecPolicy", { role: this.taskRole.id, name: "ecs-exec", policy: exec.json });
    }
  }
}
