import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { Lb } from "@cdktf/provider-aws/lib/lb";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import { LOG_METRICS_NAMESPACE, logErrorMetricName } from "../service/log-error-alarm";

/** One service as the dashboard shows it. */
export interface DashboardService {
  readonly name: string;
  /** Alarm and metric name prefix, e.g. `prod-bun-api`. */
  readonly prefix: string;
  readonly clusterName: string;
  /** The ECS service name; none for a scheduled task (only its log errors are shown). */
  readonly serviceName?: string;
  /** A web service's target groups (two while a deploy shifts traffic). @default - not behind the ALB */
  readonly targetGroups?: readonly LbTargetGroup[];
  readonly maxTasks: number;
  /** The saturation alarm's threshold, drawn on the CPU and memory graph. */
  readonly saturationPercent: number;
}

export interface DashboardLink {
  readonly label: string;
  readonly url: string;
}

export interface EnvironmentDashboardProps {
  readonly name: string;
  readonly region: string;
  readonly loadBalancer: Lb;
  /** Running and desired tasks from ECS/ContainerInsights; otherwise running from AWS/ECS samples. */
  readonly containerInsights: boolean;
  readonly services: readonly DashboardService[];
  /** Saved queries, runbook, alarms: listed in the text widget at the top. */
  readonly links: readonly DashboardLink[];
}

type Metric = (string | Record<string, unknown>)[];
export interface Widget {
  readonly type: "metric" | "text";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

const WIDTH = 8;
const HEIGHT = 6;

/**
 * The environment's one place to look: a row of links, the ALB's totals, then one row per service
 * (requests, 5xx, p50/p99 latency; running vs desired tasks; CPU and memory against the saturation
 * threshold; error log lines). Generated from the config, so a new service gets its row.
 */
export class EnvironmentDashboard extends Construct {
  public readonly dashboard: CloudwatchDashboard;
  /** The widgets as written into the body, for tests and for other tools. */
  public readonly widgets: readonly Widget[];

  constructor(scope: Construct, id: string, props: EnvironmentDashboardProps) {
    super(scope, id);
    const widgets: Widget[] = [];
    let y = 0;
    const region = props.region;
    const metric = (title: string, metrics: Metric[], extra: Record<string, unknown> = {}) => ({ title, region, view: "timeSeries", stacked: false, period: 60, metrics, ...extra });
    const row = (items: Record<string, unknown>[]) => {
      items.forEach((properties, i) => widgets.push({ type: "metric", x: i * WIDTH, y, width: WIDTH, height: HEIGHT, properties }));
      y += HEIGHT;
    };

    const links = props.links.map((l) => `[${l.label}](${l.url})`).join(" · ");
    widgets.push({ type: "text", x: 0, y, width: 24, height: 2, properties: { markdown: `## ${props.name}\n${links}` } });
    y += 2;

    const lb = props.loadBalancer.arnSuffix;
    const alb = (metricName: string, stat: string, label: string): Metric => ["AWS/ApplicationELB", metricName, "LoadBalancer", lb, { stat, label }];
    row([
      metric("ALB requests", [alb("RequestCount", "Sum", "requests")]),
      metric("ALB 5xx", [alb("HTTPCode_ELB_5XX_Count", "Sum", "from the ALB"), alb("HTTPCode_Target_5XX_Count", "Sum", "from the tasks")]),
      metric("ALB latency", [alb("TargetResponseTime", "p50", "p50"), alb("TargetResponseTime", "p99", "p99")]),
    ]);

    for (const svc of props.services) {
      const tgs = svc.targetGroups ?? [];
      const perGroup = (metricName: string, stat: string, label: string): Metric[] =>
        tgs.map((tg, i) => ["AWS/ApplicationELB", metricName, "LoadBalancer", lb, "TargetGroup", tg.arnSuffix, { stat, label: tgs.length > 1 ? `${label} (group ${i + 1})` : label }]);
      if (tgs.length > 0) {
        row([
          metric(`${svc.name}: requests`, perGroup("RequestCount", "Sum", "requests")),
          metric(`${svc.name}: 5xx`, perGroup("HTTPCode_Target_5XX_Count", "Sum", "5xx")),
          metric(`${svc.name}: latency`, [...perGroup("TargetResponseTime", "p50", "p50"), ...perGroup("TargetResponseTime", "p99", "p99")]),
        ]);
      }
      const ecs = svc.serviceName ? ["ClusterName", svc.clusterName, "ServiceName", svc.serviceName] : undefined;
      const tasks: Metric[] = !ecs
        ? []
        : props.containerInsights
          ? [
              ["ECS/ContainerInsights", "RunningTaskCount", ...ecs, { stat: "Average", label: "running" }],
              ["ECS/ContainerInsights", "DesiredTaskCount", ...ecs, { stat: "Average", label: "desired" }],
            ]
          : [["AWS/ECS", "CPUUtilization", ...ecs, { stat: "SampleCount", label: "running (tasks reporting)" }]];
      const saturation = { annotations: { horizontal: [{ label: `saturated at ${svc.maxTasks} tasks`, value: svc.saturationPercent }] }, yAxis: { left: { min: 0, max: 100 } } };
      row([
        ...(ecs
          ? [
              metric(`${svc.name}: tasks (max ${svc.maxTasks})`, tasks),
              metric(
                `${svc.name}: CPU and memory (%)`,
                [
                  ["AWS/ECS", "CPUUtilization", ...ecs, { stat: "Average", label: "CPU" }],
                  ["AWS/ECS", "MemoryUtilization", ...ecs, { stat: "Average", label: "memory" }],
                ],
                saturation,
              ),
            ]
          : []),
        metric(`${svc.name}: error log lines`, [[LOG_METRICS_NAMESPACE, logErrorMetricName(svc.prefix), { stat: "Sum", label: "error + fatal lines" }]]),
      ]);
    }
    this.widgets = widgets;
    this.dashboard = new CloudwatchDashboard(this, "Dashboard", { dashboardName: props.name, dashboardBody: JSON.stringify({ widgets }) });
  }
}
