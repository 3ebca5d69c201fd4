import type { EnvironmentConfig } from "./types";

/** Why the nightly job's write is a statement: the s3 grant's `write` also allows deletes and multipart uploads, which it never makes. */
const NIGHTLY_WRITE_REASON = "the job only puts its one report object; the s3 grant's write access would add DeleteObject and multipart actions";

/**
 * The environments. Add one by adding an entry: its stacks (`<name>-network`, `<name>-cluster`,
 * `<name>-<service>`) appear at the next synth. Replace the account IDs with your own: deploys
 * refuse any other account.
 */
export const environments: Readonly<Record<string, EnvironmentConfig>> = {
  dev: {
    region: "us-east-1",
    allowedAccountIds: ["111111111111"],
    vpcCidr: "10.10.0.0/16",
    // No NAT gateway and no interface endpoints: tasks get public IPs (still reachable only from
    // the ALB). With one web service dev stays under $30 a month (README "What it costs").
    natStrategy: "none",
    logRetentionDays: 7,
    spotShare: 1,
    // Development runs on weekdays, 07:00-19:00 UTC; the rest of the week it scales to zero.
    activeHours: { days: "MON-FRI", startHour: 7, endHour: 19 },
    containerInsights: false,
    logLevel: "debug",
    // Alarms go to this address once it has confirmed SNS's mail. To keep dev quiet (and save the
    // alarms' ~$0.10 each a month): notifications: { enabled: false }.
    notifications: { emails: ["dev-alerts@example.com"] },
    // Terraform state for BF_BACKEND=s3 deploys; created by the account's bootstrap stack.
    stateBucket: "bun-fargate-dev-tfstate",
    services: {
      // Idle, the worker runs no task; the first message wakes it (README, "Queue workers"). Its
      // first deploy still starts one task, so a new stack proves its image runs before it sleeps.
      worker: { minTasks: 0, desiredTasks: 1 },
      nightly: {
        environment: { NIGHTLY_BUCKET: "bun-fargate-dev-nightly" },
        permissions: [
          { grant: "s3", bucketArn: "arn:aws:s3:::bun-fargate-dev-nightly", access: "read", prefix: "incoming/" },
          { grant: "statement", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::bun-fargate-dev-nightly/reports/*"], reason: NIGHTLY_WRITE_REASON },
        ],
      },
    },
  },
  staging: {
    region: "us-east-1",
    allowedAccountIds: ["222222222222"],
    vpcCidr: "10.20.0.0/16",
    natStrategy: "single",
    vpcEndpoints: ["s3"],
    logRetentionDays: 30,
    spotShare: 0.5,
    stateBucket: "bun-fargate-staging-tfstate",
    notifications: { emails: ["staging-alerts@example.com"] },
    services: {
      "bun-api": { minTasks: 1, maxTasks: 4 },
      nightly: {
        environment: { NIGHTLY_BUCKET: "bun-fargate-staging-nightly" },
        permissions: [
          { grant: "s3", bucketArn: "arn:aws:s3:::bun-fargate-staging-nightly", access: "read", prefix: "incoming/" },
          { grant: "statement", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::bun-fargate-staging-nightly/reports/*"], reason: NIGHTLY_WRITE_REASON },
        ],
      },
    },
  },
  prod: {
    // Deploys take 10 % of the traffic for 5 minutes, then all of it, and keep the old revision for
    // 10 minutes more (the prod tier's default; staging shifts 25 % a minute, dev rolls). To change it:
    //   deployment: { strategy: "canary", canaryPercent: 10, canaryMinutes: 5, bakeTimeMinutes: 10 },
    region: "us-east-1",
    allowedAccountIds: ["333333333333"],
    vpcCidr: "10.30.0.0/16",
    natStrategy: "per-az",
    // The free S3 gateway only: interface endpoints ($14.60 a month each over 2 AZs) pay for
    // themselves only above about 1 TB a month of NAT traffic.
    vpcEndpoints: ["s3"],
    // api.example.com in the account's public zone example.com: the cluster stack writes the A and
    // AAAA alias records, creates the ACM certificate and waits until DNS validation has issued it.
    // HSTS for a year (the prod default) and for every name under api.example.com; preload needs the
    // apex domain's consent, so it stays off.
    certificate: { domainName: "api.example.com", hostedZoneName: "example.com", hsts: { includeSubDomains: true } },
    // IPv6 clients reach the ALB directly (AAAA record, dual-stack ALB); tasks stay on IPv4 behind it.
    dualStack: true,
    logRetentionDays: 90,
    flowLogs: true,
    deletionProtection: true,
    albAccessLogs: true,
    // Minimum capacity runs on demand; half of any scale-out runs on spot.
    spotShare: 0.5,
    stateBucket: "bun-fargate-prod-tfstate",
    // Production may not turn notifications off (policy check BF-OPS-001). For Slack through AWS
    // Chatbot add slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCDE" }.
    notifications: { emails: ["oncall@example.com"], webhooks: ["https://hooks.example.com/bun-fargate/alarms"] },
    services: {
      "bun-api": { minTasks: 2, maxTasks: 10 },
      // One task per AZ: an AZ outage or a spot interruption never leaves the queue unserved.
      worker: { minTasks: 2, maxTasks: 10 },
      // A night's run may start up to 15 minutes late, which lets Scheduler spread it.
      nightly: {
        scheduling: { flexibleWindowMinutes: 15 },
        environment: { NIGHTLY_BUCKET: "bun-fargate-prod-nightly" },
        permissions: [
          { grant: "s3", bucketArn: "arn:aws:s3:::bun-fargate-prod-nightly", access: "read", prefix: "incoming/" },
          { grant: "statement", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::bun-fargate-prod-nightly/reports/*"], reason: NIGHTLY_WRITE_REASON },
        ],
      },
      // Two tasks on two AZs, as every prod service: bun-api's order reads depend on it.
      orders: { minTasks: 2, maxTasks: 4 },
    },
  },
};
