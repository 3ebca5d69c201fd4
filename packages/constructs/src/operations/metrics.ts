import type { CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

export type EcsDimensions = { readonly ClusterName: string; readonly ServiceName: string };

/**
 * A service's running (and, with Container Insights, desired) task count as metric queries `running`
 * and `desired`. Without Container Insights the count is the SampleCount of AWS/ECS CPUUtilization:
 * every running task contributes one sample a minute, and no task means no data.
 */
export function taskCountQueries(ecs: EcsDimensions, containerInsights: boolean): { running: CloudwatchMetricAlarmMetricQuery; desired?: CloudwatchMetricAlarmMetricQuery } {
  if (containerInsights) {
    const insights = (id: string, metricName: string): CloudwatchMetricAlarmMetricQuery => ({
      id,
      returnData: false,
      metric: { namespace: "ECS/ContainerInsights", metricName, dimensions: { ...ecs }, stat: "Average", period: 60 },
    });
    return { running: insights("running", "RunningTaskCount"), desired: insights("desired", "DesiredTaskCount") };
  }
  return { running: { id: "running", returnData: false, metric: { namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: { ...ecs }, stat: "SampleCount", period: 60 } } };
}
