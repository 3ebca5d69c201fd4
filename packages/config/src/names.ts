/**
 * Names of AWS resources derived from config. Validation and constructs both use these, so a
 * name that would be too long is caught before synth writes anything.
 */

/** ALB and target group names: at most 32 characters, letters, digits and hyphens. */
export const MAX_LB_NAME_LENGTH = 32;

/** Stacks every environment has besides one per service: no service may take their names. */
export const ENVIRONMENT_STACKS = ["network", "cluster", "operations"] as const;
export const stackName = (environment: string, unit: string): string => `${environment}-${unit}`;
export const albName = (project: string, environment: string): string => `${project}-${environment}`;
export const targetGroupName = (project: string, environment: string, service: string): string =>
  `${project}-${environment}-${service}`;
/**
 * The second target group of a blue-green, canary or linear deployment: the first one's name with
 * `-2`, shortened where that would pass 32 characters (validation refuses a name two groups share).
 */
export function alternateTargetGroupName(project: string, environment: string, service: string): string {
  const first = targetGroupName(project, environment, service);
  return `${first.slice(0, MAX_LB_NAME_LENGTH - 2).replace(/-+$/, "")}-2`;
}
export const serviceLogGroupName = (project: string, environment: string, service: string): string =>
  `/ecs/${project}/${environment}/${service}`;
/** One repository per service and environment: environments may live in different accounts. */
export const repositoryName = (project: string, environment: string, service: string): string =>
  `${project}/${environment}/${service}`;
/** The environment's alarm topic (and its KMS key alias and Chatbot configuration). */
export const alarmTopicName = (project: string, environment: string): string => `${project}-${environment}-alarms`;
/** The environment's CloudWatch dashboard. */
export const dashboardName = (project: string, environment: string): string => `${project}-${environment}`;
/** Folder of the environment's saved Logs Insights queries (`/` makes folders in the console). */
export const queryFolder = (project: string, environment: string): string => `${project}/${environment}`;

/** The Cloud Map HTTP namespace of an environment's Service Connect: `<project>-<env>`. */
export const serviceConnectNamespaceName = (project: string, env: string): string => `${project}-${env}`;
