/** Checks across the fields of one resolved environment: routes, names, reachability, quotas. */
import { cidrsOverlap, parseCidr } from "./cidr";
import type { ConfigIssue } from "./errors";
import { albName, alternateTargetGroupName, MAX_LB_NAME_LENGTH, targetGroupName } from "./names";
import { QUOTAS, quotaText } from "./quotas";
import type { ResolvedEnvironment, ResolvedService } from "./resolved";
import { shadows } from "./routes";
import { validatePermissions } from "./validate-permissions";
import { taskDefinitionBytes } from "./task-definition-size";
import type { RoutingConfig, VpcEndpointName } from "./types";

const describeRoute = (r: RoutingConfig) =>
  [r.pathPatterns?.length ? `paths ${JSON.stringify(r.pathPatterns)}` : "any path", r.hostHeaders?.length ? `hosts ${JSON.stringify(r.hostHeaders)}` : "any host"].join(", ");

function validateRoutes(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const web = env.services.filter((s): s is ResolvedService & { routing: RoutingConfig } => s.kind === "web" && s.routing !== undefined);
  const priorities = new Map<number, string>();
  for (const svc of web) {
    const other = priorities.get(svc.routing.priority);
    if (other) issues.push({ where: `${env.name} / service "${svc.name}"`, field: "routing.priority", value: svc.routing.priority, problem: `already used by service "${other}"; listener rule priorities must be unique` });
    else priorities.set(svc.routing.priority, svc.name);
  }
  // A traffic-shifting deployment's test rule sits at priority - 1, so it is evaluated before its own
  // production rule; that slot must be free.
  const testRules = new Map<number, string>();
  for (const svc of web) if (svc.deployment.strategy !== "rolling") testRules.set(svc.routing.priority - 1, svc.name);
  for (const [priority, owner] of testRules) {
    const other = priorities.get(priority);
    if (other === undefined) continue;
    const svc = web.find((s) => s.name === owner)!;
    issues.push({
      where: `${env.name} / service "${owner}"`,
      field: "routing.priority",
      value: svc.routing.priority,
      problem: `its "${svc.deployment.strategy}" deployment puts a test listener rule at priority ${priority}, which service "${other}" uses; leave the priority just below a traffic-shifting web service's free`,
    });
  }
  // The ALB evaluates rules by priority, lowest first; a rule whose requests an earlier rule all takes never gets one.
  const ordered = [...web].sort((a, b) => a.routing.priority - b.routing.priority);
  for (const [i, later] of ordered.entries()) {
    for (const earlier of ordered.slice(0, i)) {
      if (earlier.routing.priority === later.routing.priority || !shadows(earlier.routing, later.routing)) continue;
      const where = `${env.name} / service "${later.name}"`;
      const identical = shadows(later.routing, earlier.routing);
      issues.push({
        where,
        field: "routing",
        value: later.routing,
        problem: identical
          ? `identical to the route of service "${earlier.name}"; one of them would never receive traffic`
          : `never receives traffic: service "${earlier.name}"'s rule at priority ${earlier.routing.priority} (${describeRoute(earlier.routing)}) is evaluated first and matches every request this one matches; give this rule a priority below ${earlier.routing.priority}, or narrow that one`,
      });
      break;
    }
  }
}

function validateNames(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const alb = albName(env.project, env.name);
  if (alb.length > MAX_LB_NAME_LENGTH) {
    issues.push({ where: env.name, field: "name", value: alb, problem: `makes the ALB name ${alb.length} characters long; AWS allows ${MAX_LB_NAME_LENGTH}` });
  }
  if (alb.startsWith("internal-")) {
    issues.push({ where: env.name, field: "name", value: alb, problem: 'makes the ALB name start with "internal-", which AWS refuses; rename the project' });
  }
  if (alb.startsWith("sg-")) {
    issues.push({ where: env.name, field: "name", value: `${alb}-alb`, problem: 'makes the ALB security group name start with "sg-", which AWS refuses; rename the project' });
  }
  for (const svc of env.services) {
    if (svc.kind !== "web") continue;
    const tg = targetGroupName(env.project, env.name, svc.name);
    if (tg.length > MAX_LB_NAME_LENGTH) {
      issues.push({ where: `${env.name} / service "${svc.name}"`, field: "name", value: tg, problem: `makes the target group name ${tg.length} characters long; AWS allows ${MAX_LB_NAME_LENGTH}` });
    }
  }
}

/** Target group names are unique per account and region; a second group's shortened name could repeat one. */
function validateTargetGroupNames(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const owners = new Map<string, string>();
  for (const svc of env.services.filter((s) => s.kind === "web")) {
    const name = targetGroupName(env.project, env.name, svc.name);
    if (name.length <= MAX_LB_NAME_LENGTH) owners.set(name, `service "${svc.name}"`);
  }
  for (const svc of env.services.filter((s) => s.kind === "web" && s.deployment.strategy !== "rolling")) {
    const second = alternateTargetGroupName(env.project, env.name, svc.name);
    const owner = owners.get(second);
    if (owner) {
      issues.push({
        where: `${env.name} / service "${svc.name}"`,
        field: "name",
        value: second,
        problem: `its "${svc.deployment.strategy}" deployment needs a second target group, named "${second}", which ${owner} already uses as a target group name; rename one of the services`,
      });
    } else {
      owners.set(second, `the second target group of service "${svc.name}"`);
    }
  }
}

/** Subscriptions that would never receive anything, and a reason that suppresses nothing. */
function validateNotifications(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const n = env.notifications;
  if (!n.enabled) {
    const listed = [n.emails.length ? "emails" : "", n.webhooks.length ? "webhooks" : "", n.slack ? "slack" : ""].filter(Boolean);
    if (listed.length > 0) {
      issues.push({ where: env.name, field: "notifications.enabled", value: false, problem: `turns the alarm topic off, yet ${listed.join(", ")} ${listed.length > 1 ? "are" : "is"} listed and would never receive an alarm; remove them or leave enabled out (on)` });
    }
  } else if (n.reason !== undefined) {
    issues.push({ where: env.name, field: "notifications.reason", value: n.reason, problem: "explains turning notifications off, but they are on (enabled is true or left out); remove the reason" });
  }
}

function validateCertificate(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const arn = env.certificate?.certificateArn;
  if (arn !== undefined && arn.split(":")[3] !== env.region) {
    issues.push({ where: env.name, field: "certificate.certificateArn", value: arn, problem: `must be an ACM certificate ARN in ${env.region} (the ALB's region)` });
  }
}

/**
 * Tasks in private subnets with no NAT reach AWS only through endpoints; a secret store without
 * its endpoint means tasks that never start.
 */
function validateSecretReachability(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  if (env.natStrategy !== "none") return;
  const privateTasks = (["ecr-api", "ecr-dkr", "logs", "s3"] as const).every((e) => env.vpcEndpoints.includes(e));
  if (!privateTasks) return;
  for (const svc of env.services) {
    const refs = Object.values(svc.secrets);
    for (const [store, key] of [["secretsmanager", "secretsManagerArn"], ["ssm", "ssmParameterArn"]] as const) {
      if (refs.some((r) => key in r) && !env.vpcEndpoints.includes(store as VpcEndpointName)) {
        issues.push({
          where: `${env.name} / service "${svc.name}"`,
          field: "secrets",
          value: Object.keys(svc.secrets),
          problem: `tasks run privately without NAT, so reading ${key === "ssmParameterArn" ? "SSM parameters" : "Secrets Manager secrets"} needs the "${store}" VPC endpoint in ${env.name}'s vpcEndpoints`,
        });
      }
    }
  }
}

/** What the stacks of one environment put on its ALB, as the constructs build it (a synth test keeps this in step). */
export function albUsage(env: ResolvedEnvironment): { listenerRules: number; targetGroups: number; targets: number; securityGroupEgressRules: number } {
  const web = env.services.filter((s) => s.kind === "web");
  // A traffic-shifting deployment adds a test listener rule and a second target group.
  const pairs = web.reduce((sum, s) => sum + (s.deployment.strategy === "rolling" ? 1 : 2), 0);
  return {
    listenerRules: pairs,
    targetGroups: pairs,
    // A rolling deploy at 200 %, and a blue/green one before its clean-up, register the old and the new tasks at once.
    targets: web.reduce((sum, s) => sum + 2 * s.maxTasks, 0),
    securityGroupEgressRules: web.length,
  };
}

function validateQuotas(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const usage = albUsage(env);
  const web = env.services.filter((s) => s.kind === "web").length;
  const report = (field: string, value: unknown, problem: string) => issues.push({ where: env.name, field, value, problem });
  if (usage.securityGroupEgressRules > env.quotas.rulesPerSecurityGroup) {
    report("services", `${web} web services`, `each web service adds an outbound rule to the ALB's security group: ${usage.securityGroupEgressRules} rules, ${quotaText("rulesPerSecurityGroup", env.quotas.rulesPerSecurityGroup)}`);
  }
  if (usage.listenerRules > env.quotas.listenerRulesPerAlb) {
    report("services", `${web} web services`, `each web service adds a listener rule to the ALB (two with a blue-green, canary or linear deployment): ${usage.listenerRules} rules, ${quotaText("listenerRulesPerAlb", env.quotas.listenerRulesPerAlb)}`);
  }
  if (usage.targetGroups > QUOTAS.targetGroupsPerAlb.default) {
    report("services", `${web} web services`, `each web service adds a target group to the ALB (two with a blue-green, canary or linear deployment): ${usage.targetGroups} target groups, ${quotaText("targetGroupsPerAlb", QUOTAS.targetGroupsPerAlb.default)}; split the services over environments`);
  }
  if (usage.targets > env.quotas.targetsPerAlb) {
    report("services", `${web} web services`, `at maxTasks, a deploy (old and new tasks together) registers ${usage.targets} targets with the ALB, ${quotaText("targetsPerAlb", env.quotas.targetsPerAlb)}; lower maxTasks`);
  }
  for (const svc of env.services) {
    const size = taskDefinitionBytes(env, svc);
    if (size.total > QUOTAS.taskDefinitionBytes.default) {
      issues.push({
        where: `${env.name} / service "${svc.name}"`,
        field: "environment",
        value: `${size.total} bytes`,
        problem: `makes the task definition about ${size.total} bytes (environment ${size.environment}, secrets ${size.secrets}, command ${size.command}, the rest ${size.platform}), ${quotaText("taskDefinitionBytes", QUOTAS.taskDefinitionBytes.default)}; move large values into the image or a secret`,
      });
    }
  }
}

/**
 * Checks one resolved environment and its services; appends every problem to `issues`. Names built
 * from the project are checked only when the project name itself is valid (`names`), so that one bad
 * project name is one problem.
 */
export function validateEnvironment(env: ResolvedEnvironment, issues: ConfigIssue[], names = true): void {
  validateCertificate(env, issues);
  validateNotifications(env, issues);
  validateRoutes(env, issues);
  if (names) validateNames(env, issues);
  if (names) validateTargetGroupNames(env, issues);
  validateSecretReachability(env, issues);
  validateQuotas(env, issues);
  validatePermissions(env, issues);
}

/** Environments must not overlap, so they can be peered or joined by VPN later. */
export function validateCidrOverlaps(envs: readonly ResolvedEnvironment[], issues: ConfigIssue[]): void {
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) {
      const a = parseCidr(envs[i]!.vpcCidr);
      const b = parseCidr(envs[j]!.vpcCidr);
      if (a && b && cidrsOverlap(a, b)) {
        issues.push({ where: envs[j]!.name, field: "vpcCidr", value: envs[j]!.vpcCidr, problem: `overlaps ${envs[i]!.name}'s ${envs[i]!.vpcCidr}; give each environment its own range` });
      }
    }
  }
}

/** Region-wide quotas, summed over the environments that share an account and a region. */
export function validateRegionQuotas(envs: readonly ResolvedEnvironment[], issues: ConfigIssue[]): void {
  const groups = new Map<string, ResolvedEnvironment[]>();
  for (const env of envs) {
    for (const account of new Set(env.allowedAccountIds)) {
      const key = `${account} ${env.region}`;
      groups.set(key, [...(groups.get(key) ?? []), env]);
    }
  }
  for (const [key, group] of groups) {
    const [account, region] = key.split(" ");
    const names = group.map((e) => e.name).join(", ");
    const last = group.at(-1)!;
    const eips = group.reduce((sum, e) => sum + (e.natStrategy === "per-az" ? e.azCount : e.natStrategy === "single" ? 1 : 0), 0);
    const eipQuota = Math.max(...group.map((e) => e.quotas.elasticIpsPerRegion));
    if (eips > eipQuota) {
      issues.push({ where: last.name, field: "natStrategy", value: last.natStrategy, problem: `the NAT gateways of ${names} in account ${account}, ${region} need ${eips} Elastic IPs, ${quotaText("elasticIpsPerRegion", eipQuota)}` });
    }
    // Every scheduled service writes its failed runs through a resource policy of the account's.
    const scheduled = group.flatMap((e) => e.services.filter((s) => s.kind === "scheduled").map((s) => `${e.name}-${s.name}`));
    const policies = QUOTAS.logResourcePoliciesPerRegion.default;
    if (scheduled.length > policies) {
      issues.push({
        where: last.name,
        field: "services",
        value: `${scheduled.length} scheduled services`,
        problem: `each scheduled service adds a CloudWatch Logs resource policy for its failed-run events (${scheduled.join(", ")}): ${scheduled.length} in account ${account}, ${region}, ${quotaText("logResourcePoliciesPerRegion", policies)}; move environments to another account or region, or run several jobs as one service`,
      });
    }
    const vpcQuota = Math.max(...group.map((e) => e.quotas.vpcsPerRegion));
    if (group.length > vpcQuota) {
      issues.push({ where: last.name, field: "region", value: region, problem: `${names} put ${group.length} VPCs in account ${account}, ${region}, ${quotaText("vpcsPerRegion", vpcQuota)}` });
    }
  }
}
