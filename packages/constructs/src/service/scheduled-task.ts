import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { capacityStrategy } from "./capacity-strategy";
import { FailedRuns } from "./failed-runs";
import type { FargateTaskDefinition } from "./task-definition";
import { workloadSecurityGroup, workloadTask, type FargateWorkloadProps } from "./workload";

export interface ScheduledTaskProps extends FargateWorkloadProps {
  /** `cron(…)` or `rate(…)`, evaluated in `timezone`. */
  readonly schedule: string;
  /** @default "UTC" */
  readonly timezone?: string;
  /** Retries when EventBridge cannot start the task (0-185). @default 2 */
  readonly maximumRetryAttempts?: number;
  /** Minutes after the scheduled time within which Scheduler may start the run (1-1440), or "off". @default "off" */
  readonly flexibleWindowMinutes?: number | "off";
  /** Seconds Scheduler keeps retrying a run it could not start (60-86400). @default 3600 */
  readonly maximumEventAgeSeconds?: number;
}

const inRange = (n: number, min: number, max: number) => Token.isUnresolved(n) || (Number.isInteger(n) && n >= min && n <= max);

/**
 * A task that EventBridge Scheduler starts on a schedule (a nightly ETL, say). The scheduler
 * gets its own role that may run only this task definition and pass only its two roles.
 */
export class ScheduledTask extends Construct {
  public readonly task: FargateTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  public readonly schedulerRole: IamRole;
  public readonly schedule: SchedulerSchedule;
  /** The rule, log group, metric and alarm that make a failed run noticed. */
  public readonly failedRuns: FailedRuns;

  constructor(scope: Construct, id: string, props: ScheduledTaskProps) {
    super(scope, id);
    if (!/^(cron|rate|at)\(.+\)$/.test(props.schedule)) {
      throw new Error(`ScheduledTask "${props.name}": schedule "${props.schedule}" must be cron(...), rate(...) or at(...)`);
    }
    const retries = props.maximumRetryAttempts ?? 2;
    const window = props.flexibleWindowMinutes ?? "off";
    const eventAge = props.maximumEventAgeSeconds ?? 3600;
    if (!inRange(retries, 0, 185)) throw new Error(`ScheduledTask "${props.name}": maximumRetryAttempts ${retries} must be a whole number from 0 to 185`);
    if (window !== "off" && !inRange(window, 1, 1440)) throw new Error(`ScheduledTask "${props.name}": flexibleWindowMinutes ${window} must be "off" or a whole number from 1 to 1440`);
    if (!inRange(eventAge, 60, 86400)) throw new Error(`ScheduledTask "${props.name}": maximumEventAgeSeconds ${eventAge} must be a whole number from 60 to 86400`);
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
      flexibleTimeWindow: window === "off" ? { mode: "OFF" } : { mode: "FLEXIBLE", maximumWindowInMinutes: window },
      target: {
        arn: props.cluster.cluster.arn,
        roleArn: this.schedulerRole.arn,
        retryPolicy: { maximumRetryAttempts: retries, maximumEventAgeInSeconds: eventAge },
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

    this.failedRuns = new FailedRuns(this, "FailedRuns", {
      name: fullName,
      clusterArn: props.cluster.cluster.arn,
      // The family workloadTask gives the task definition, as a literal so the rule reads plainly.
      family: fullName,
      logRetentionDays: props.logRetentionDays,
    });
  }
}
