/**
 * Names of AWS resources derived from config. Validation and constructs both use these, so a
 * name that would be too long is caught before synth writes anything.
 */

/** ALB and target group names: at most 32 characters, letters, digits and hyphens. */
export const MAX_LB_NAME_LENGTH = 32;

export const stackName = (environment: string, unit: string): string => `${environment}-${unit}`;
export const albName = (project: string, environment: string): string => `${project}-${environment}`;
export const targetGroupName = (project: string, environment: string, service: string): string =>
  `${project}-${environment}-${service}`;
export const serviceLogGroupName = (project: string, environment: string, service: string): string =>
  `/ecs/${project}/${environment}/${service}`;
/** One repository per service and environment: environments may live in different accounts. */
export const repositoryName = (project: string, environment: string, service: string): string =>
  `${project}/${environment}/${service}`;
