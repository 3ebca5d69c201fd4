import { AlarmTopic, FargateCluster, PublicDomain, PublicLoadBalancer, ServiceRepository, type Network } from "@bun-fargate/constructs";
import { alarmTopicName, albName, hstsHeader, repositoryName } from "@bun-fargate/config";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { pascalCase } from "../naming";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface ClusterStackProps extends PlatformStackProps {
  readonly network: Network;
}

/**
 * `<env>-cluster`: the ECS cluster, the shared ALB, one ECR repository per service and the
 * environment's alarm topic (here because every service stack's alarms notify it, so it must exist
 * before them).
 */
export class ClusterStack extends PlatformStack {
  public readonly cluster: FargateCluster;
  public readonly loadBalancer: PublicLoadBalancer;
  /** The domain's records and certificate; only where the environment names a hosted zone. */
  public readonly domain: PublicDomain | undefined;
  public readonly repositories: ReadonlyMap<string, ServiceRepository>;
  /** Where every alarm that should reach a person goes; none where `notifications.enabled` is false. */
  public readonly alarmTopic: AlarmTopic | undefined;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const env = props.environment;
    this.cluster = new FargateCluster(this, "Cluster", { name: `${env.project}-${env.name}`, containerInsights: env.containerInsights });
    const cert = env.certificate;
    this.domain = cert?.hostedZone
      ? new PublicDomain(this, "Domain", { domainName: cert.domainName, hostedZone: cert.hostedZone, certificateArn: cert.certificateArn })
      : undefined;
    this.loadBalancer = new PublicLoadBalancer(this, "LoadBalancer", {
      name: albName(env.project, env.name),
      vpc: props.network.vpc,
      subnets: props.network.publicSubnets,
      region: env.region,
      certificate: cert ? { domainName: cert.domainName, certificateArn: this.domain?.certificateArn ?? cert.certificateArn } : undefined,
      hsts: cert ? hstsHeader(cert.hsts) : undefined,
      dualStack: env.dualStack,
      deletionProtection: env.deletionProtection,
      accessLogs: env.albAccessLogs,
    });
    this.domain?.aliasTo(this.loadBalancer);
    const repositories = new Map<string, ServiceRepository>();
    for (const svc of env.services) {
      // IDs come from the service name: renaming a service replaces its repository.
      repositories.set(svc.name, new ServiceRepository(this, `Repository${pascalCase(svc.name)}`, { name: repositoryName(env.project, env.name, svc.name) }));
    }
    this.repositories = repositories;
    const n = env.notifications;
    this.alarmTopic = n.enabled
      ? new AlarmTopic(this, "AlarmTopic", { name: alarmTopicName(env.project, env.name), region: env.region, emails: n.emails, webhooks: n.webhooks, slack: n.slack, chatbotRoleName: `${env.name}-alarms-chatbot` })
      : undefined;

    const scheme = this.loadBalancer.https ? "https" : "http";
    new TerraformOutput(this, "ClusterName", { value: this.cluster.cluster.name });
    new TerraformOutput(this, "LoadBalancerDnsName", { value: this.loadBalancer.loadBalancer.dnsName });
    new TerraformOutput(this, "BaseUrl", {
      value: env.certificate ? `${scheme}://${env.certificate.domainName}` : `${scheme}://${this.loadBalancer.loadBalancer.dnsName}`,
    });
    new TerraformOutput(this, "RepositoryUrls", {
      value: Object.fromEntries([...repositories].map(([name, repo]) => [name, repo.repository.repositoryUrl])),
    });
    if (this.alarmTopic) new TerraformOutput(this, "AlarmTopicArn", { value: this.alarmTopic.topic.arn });
  }
}
