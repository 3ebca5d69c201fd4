import { EnvironmentDashboard, SavedQueries, ScheduledTask, WebService, type DashboardService } from "@bun-fargate/constructs";
import { dashboardName, queryFolder } from "@bun-fargate/config";
import { LOG_QUERIES } from "@bun-fargate/config/log-queries";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { ClusterStack } from "./cluster-stack";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";
import type { ServiceStack } from "./service-stack";

export interface OperationsStackProps extends PlatformStackProps {
  readonly cluster: ClusterStack;
  readonly services: readonly ServiceStack[];
  /** Where docs/operations.md is read, linked from the dashboard. */
  readonly runbookUrl: string;
}

/**
 * `<env>-operations`: the environment's dashboard and saved Logs Insights queries. Deployed after
 * the services, whose target groups and log groups it reads; the alarm topic lives in the cluster
 * stack, before them, since their alarms notify it.
 */
export class OperationsStack extends PlatformStack {
  public readonly queries: SavedQueries;
  public readonly dashboard: EnvironmentDashboard;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const env = props.environment;
    const logGroups = props.services.map((s) => (s.workload instanceof ScheduledTask ? s.workload.task : s.workload.fargate.task).logGroup.name);
    this.queries = new SavedQueries(this, "Queries", { folder: queryFolder(env.project, env.name), logGroupNames: logGroups });

    const console = `https://${env.region}.console.aws.amazon.com/cloudwatch/home?region=${env.region}`;
    const services: DashboardService[] = props.services.flatMap((stack) => {
      const svc = stack.service;
      const w = stack.workload;
      if (w instanceof ScheduledTask) return [];
      return [
        {
          name: svc.name,
          prefix: `${env.name}-${svc.name}`,
          clusterName: props.cluster.cluster.cluster.name,
          serviceName: w.fargate.service.name,
          targetGroups: w instanceof WebService ? [w.targetGroup, ...(w.alternateTargetGroup ? [w.alternateTargetGroup] : [])] : undefined,
          maxTasks: svc.maxTasks,
          saturationPercent: svc.alarms.saturationPercent,
        },
      ];
    });
    this.dashboard = new EnvironmentDashboard(this, "Dashboard", {
      name: dashboardName(env.project, env.name),
      region: env.region,
      loadBalancer: props.cluster.loadBalancer.loadBalancer,
      containerInsights: env.containerInsights,
      services,
      links: [
        ...Object.values(LOG_QUERIES).map((q) => ({ label: `query: ${this.queries.nameOf(q.name)}`, url: `${console}#logsV2:logs-insights` })),
        { label: `alarms (${env.name}-*)`, url: `${console}#alarmsV2:?search=${env.name}-` },
        { label: "runbook", url: props.runbookUrl },
      ],
    });
    new TerraformOutput(this, "DashboardUrl", { value: `${console}#dashboards/dashboard/${dashboardName(env.project, env.name)}` });
    new TerraformOutput(this, "QueryDefinitionIds", { value: Object.fromEntries([...this.queries.definitions].map(([name, d]) => [name, d.queryDefinitionId])) });
  }
}
