import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { capacityStrategy } from "./capacity-strategy";
import type { FargateTaskDefinition } from "./task-definition";
import { workloadSecurityGroup, workloadTask, type FargateWorkloadProps } from "./workload";

export interface ScheduledTaskProps extends FargateWorkloadProps {
  /** `cron(…)` or `rate(…)`, evaluated in `timezone`. */
  readonly schedule: string;
  /** @default "UTC" */
  readonly timezone?: string;
  /** Retries when EventBridge cannot start the task. @default 2 */
  readonly maximumRetryAttempts?: number;
}

/**
 * A task that EventBridge Scheduler starts on a schedule (a nightly ETL, say). The scheduler
 * gets its own role that may run only this task definition and pass only its two roles.
 */
export class ScheduledTask extends Construct {
  public readonly task: FargateTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  public readonly schedulerRole: IamRole;
  public readonly schedule: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: ScheduledTaskProps) {
    super(scope, id);
    if (!/^(cron|rate|at)\(.+\)$/.test(props.schedule)) {
      throw new Error(`ScheduledTask "${props.name}": schedule "${props.schedule}" must be cron(...), rate(...) or at(...)`);
    }
    const fullName = `${props.namePrefix}-${props.name}`;
    // A batch task is judged by its exit code, not by a health endpoint.
    this.task = workloadTask(this, props, { healthCheckCommand: null });
    this.securityGroup = workloadSecurityGroup(this, props, `Scheduled tasks of ${fullName}`);

    const trust = new DataAwsIamPolicyDocument(this, "SchedulerTrust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }] }],
    });
    this.schedulerRole = new IamRole(this, "SchedulerRole", { name: `${fullName}-scheduler`, assumeRolePolicy: trust.json });
    const family = this.task.taskDefinition.family;
    const runTask = new DataAwsIamPolicyDocument(this, "SchedulerPolicyDocument", {
      statement: [
        {
          sid: "RunThisTask",
          actions: ["ecs:RunTask"],
          resources: [this.task.taskDefinition.arnWithoutRevision, `${this.task.taskDefinition.arnWithoutRevision}:*`],
          condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [props.cluster.cluster.arn] }],
        },
        {
          sid: "PassTaskRoles",
          actions: ["iam:PassRole"],
          resources: [this.task.roles.executionRole.arn, this.task.roles.taskRole.arn],
          condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
        },
        {
          // propagateTags copies the task definition's tags onto each task, and ECS authorizes
          // tagging on creation separately: without this, RunTask is denied.
          sid: "TagStartedTasks",
          actions: ["ecs:TagResource"],
          resources: [`${Fn.replace(props.cluster.cluster.arn, ":cluster/", ":task/")}/*`],
          condition: [{ test: "StringEquals", variable: "ecs:CreateAction", values: ["RunTask"] }],
        },
      ],
    });
    new IamRolePolicy(this, "SchedulerPolicy", { role: this.schedulerRole.id, name: `run-${family}`, policy: runTask.json });

    this.schedule = new SchedulerSchedule(this, "Schedule", {
      name: fullName,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: props.timezone ?? "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: props.cluster.cluster.arn,
        roleArn: this.schedulerRole.arn,
        retryPolicy: { maximumRetryAttempts: props.maximumRetryAttempts ?? 2 },
        ecsParameters: {
          taskDefinitionArn: this.task.taskDefinition.arnWithoutRevision,
          taskCount: 1,
          platformVersion: "LATEST",
          capacityProviderStrategy: capacityStrategy(props.spotShare ?? 0, 0),
          networkConfiguration: {
            subnets: props.network.taskSubnets.map((s) => s.id),
            securityGroups: [this.securityGroup.id],
            assignPublicIp: props.network.tasksNeedPublicIp,
          },
          propagateTags: "TASK_DEFINITION",
          enableEcsManagedTags: true,
        },
      },
    });
  }
}
