import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { DEFAULT_CPU_TARGET_PERCENT, DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, DEFAULT_WEB_CPU_TARGET_PERCENT, type ActiveHours } from "@bun-fargate/config";
import { HEALTH_CHECK_GRACE_PERIOD_SECONDS } from "@bun-fargate/config/runtime";
import { TerraformStack, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { capacityStrategy } from "./capacity-strategy";
import { deploymentProblem, ecsDeploymentConfiguration, type DeploymentSettings } from "./deployment-strategy";
import type { JobQueue } from "../queue/job-queue";
import { ServiceAutoscaling } from "./service-autoscaling";
import type { FargateTaskDefinition } from "./task-definition";
import { workloadSecurityGroup, workloadTask, type FargateWorkloadProps } from "./workload";


export interface FargateServiceProps extends FargateWorkloadProps {
  /** @default 1 */
  readonly minTasks?: number;
  /** @default max(2, minTasks) */
  readonly maxTasks?: number;
  /** Tasks at creation; ignored afterwards because autoscaling owns the count. @default minTasks */
  readonly desiredTasks?: number;
  /** @default - no port mapping */
  readonly containerPort?: number;
  /** Register tasks with this target group. @default - not load balanced */
  readonly loadBalancing?: {
    readonly targetGroup: LbTargetGroup;
    /** Resources that must exist first (the listener rule that attaches the target group). */
    readonly dependsOn: readonly ITerraformDependable[];
    /** ALB request-count scaling label: `<alb arn suffix>/<target group arn suffix>`. */
    readonly requestLabel: string;
    /**
     * Requests per task per minute that autoscaling tracks.
     * @default 151500 (DEFAULT_REQUESTS_PER_TASK_PER_MINUTE: half the measured capacity of a 0.25 vCPU task, packages/config/src/capacity.ts)
     */
    readonly requestsPerTask?: number;
    /**
     * What ECS needs to move traffic itself (blue-green, canary, linear): the second target group,
     * the rules whose weights it changes, and the role it changes them with.
     * @default - none; the strategy must then be rolling
     */
    readonly alternate?: {
      readonly targetGroup: LbTargetGroup;
      readonly productionListenerRule: LbListenerRule;
      readonly testListenerRule: LbListenerRule;
      readonly role: IamRole;
      /** `<alb arn suffix>` and each target group's arn suffix: requests per task are counted over both. */
      readonly requestDimensions: readonly { readonly LoadBalancer: string; readonly TargetGroup: string }[];
    };
  };
  /** How a deploy replaces the tasks. @default { strategy: "rolling" } */
  readonly deployment?: DeploymentSettings;
  /** CloudWatch alarms that roll a deployment back. @default [] */
  readonly deploymentAlarmNames?: readonly string[];
  /** Run only in these hours; scale to zero outside them. @default - always */
  readonly activeHours?: ActiveHours;
  /**
   * Average CPU autoscaling keeps the tasks at.
   * @default 85 behind a load balancer (requests lead; DEFAULT_WEB_CPU_TARGET_PERCENT), else 60
   */
  readonly cpuTargetPercent?: number;
  /** Scale on this queue's backlog per task too (a worker's own queue). @default - not on a queue */
  readonly queueBacklog?: { readonly queue: JobQueue; readonly backlogPerTask: number; readonly containerInsights?: boolean };
}

/**
 * An ECS service on Fargate: its own security group (egress HTTPS only, no ingress unless a
 * caller adds it), circuit breaker with rollback, zero-downtime rolling deploys (or ECS's own
 * blue-green, canary and linear ones), and autoscaling
 * that owns the task count.
 */
export class FargateService extends Construct {
  public readonly task: FargateTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  public readonly service: EcsService;
  public readonly autoscaling: ServiceAutoscaling;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const minTasks = props.minTasks ?? 1;
    const maxTasks = props.maxTasks ?? Math.max(2, minTasks);
    const desiredTasks = props.desiredTasks ?? minTasks;
    if (desiredTasks < minTasks || desiredTasks > maxTasks) {
      throw new Error(`FargateService "${props.name}": desiredTasks ${desiredTasks} must be within [minTasks, maxTasks] = [${minTasks}, ${maxTasks}]`);
    }
    const deployment = props.deployment ?? { strategy: "rolling" };
    const problem = deploymentProblem(deployment);
    if (problem) throw new Error(`FargateService "${props.name}": deployment ${problem}`);
    if (props.loadBalancing && deployment.strategy !== "rolling" && !props.loadBalancing.alternate) {
      throw new Error(`FargateService "${props.name}": a "${deployment.strategy}" deployment behind a load balancer needs loadBalancing.alternate (a second target group, the listener rules and ECS's infrastructure role)`);
    }
    if (!props.loadBalancing && (deployment.strategy === "canary" || deployment.strategy === "linear")) {
      throw new Error(`FargateService "${props.name}": a "${deployment.strategy}" deployment shifts traffic through a load balancer; without one use "rolling" or "blue-green"`);
    }
    this.task = workloadTask(this, props, { containerPort: props.containerPort });
    this.securityGroup = workloadSecurityGroup(this, props, `Tasks of ${props.namePrefix}-${props.name}`);

    const lb = props.loadBalancing;
    const alarms = props.deploymentAlarmNames ?? [];
    // depends_on can only name objects of the same stack. A cluster in another stack is applied
    // before this one (a stack dependency), so its capacity providers exist by then.
    const capacityProviders = TerraformStack.of(props.cluster) === TerraformStack.of(this) ? [props.cluster.capacityProviders] : [];
    const alternate = lb?.alternate;
    this.service = new EcsService(this, "Service", {
      name: props.name,
      cluster: props.cluster.cluster.arn,
      taskDefinition: this.task.taskDefinition.arn,
      desiredCount: desiredTasks,
      capacityProviderStrategy: capacityStrategy(props.spotShare ?? 0, minTasks),
      platformVersion: "LATEST",
      networkConfiguration: {
        subnets: props.network.taskSubnets.map((s) => s.id),
        securityGroups: [this.securityGroup.id],
        assignPublicIp: props.network.tasksNeedPublicIp,
      },
      loadBalancer: lb
        ? [
            {
              targetGroupArn: lb.targetGroup.arn,
              containerName: this.task.containerName,
              containerPort: props.containerPort ?? 0,
              advancedConfiguration: alternate
                ? {
                    alternateTargetGroupArn: alternate.targetGroup.arn,
                    productionListenerRule: alternate.productionListenerRule.arn,
                    testListenerRule: alternate.testListenerRule.arn,
                    roleArn: alternate.role.arn,
                  }
                : undefined,
            },
          ]
        : undefined,
      healthCheckGracePeriodSeconds: lb ? HEALTH_CHECK_GRACE_PERIOD_SECONDS : undefined,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentConfiguration: ecsDeploymentConfiguration(deployment),
      alarms: alarms.length > 0 ? { alarmNames: [...alarms], enable: true, rollback: true } : undefined,
      enableExecuteCommand: props.enableExec ?? false,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      // A rolling deploy takes minutes and Terraform's wait catches its rollback. A blue-green, canary
      // or linear one runs through shift and bake for a quarter of an hour, and Terraform could
      // report no stage of it: the pipeline's verification waits, reports each stage and smoke-tests
      // the new revision through the test rule (stacks/src/ci/verify-deploy.ts).
      waitForSteadyState: deployment.strategy === "rolling",
      dependsOn: [...(lb?.dependsOn ?? []), ...capacityProviders],
      // Autoscaling owns the task count; Terraform sets it only at creation. (ECS keeps which of the
      // two target groups is live in the service revision, not in this block, so the block stays ours.)
      lifecycle: { ignoreChanges: ["desired_count"] },
    });

    this.autoscaling = new ServiceAutoscaling(this, "Autoscaling", {
      cluster: props.cluster.cluster,
      service: this.service,
      minTasks,
      maxTasks,
      cpuTargetPercent: props.cpuTargetPercent ?? (lb ? DEFAULT_WEB_CPU_TARGET_PERCENT : DEFAULT_CPU_TARGET_PERCENT),
      requestsPerTarget: lb
        ? { resourceLabel: lb.requestLabel, target: lb.requestsPerTask ?? DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, targetGroups: alternate?.requestDimensions }
        : undefined,
      activeHours: props.activeHours,
      alarmPrefix: `${props.namePrefix}-${props.name}`,
      queueBacklog: props.queueBacklog && {
        queueName: props.queueBacklog.queue.queueName,
        backlogPerTask: props.queueBacklog.backlogPerTask,
        containerInsights: props.queueBacklog.containerInsights,
      },
    });
  }
}
