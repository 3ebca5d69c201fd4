/**
 * The configuration examples of the README's "My service needs a bucket, another service, my
 * domain" section, as code: `readme-examples.test.ts` loads each one through `loadConfig` and checks
 * that the README shows it verbatim (the text between each `#region` and `#endregion`).
 */
import type { EnvironmentConfig, ServiceConfig } from "../types";

// #region permissions-service
// services.ts: grants that hold in every environment
const orders: ServiceConfig = {
  name: "orders",
  kind: "web",
  source: "services/orders",
  healthCheckPath: "/readyz",
  routing: { priority: 50, pathPatterns: ["/orders/*"] },
  permissions: [{ grant: "s3", bucketArn: "arn:aws:s3:::shop-uploads", access: "read-write", prefix: "invoices/" }],
};
// #endregion permissions-service

// #region permissions-environment
// environments.ts: dev (account 111111111111, us-east-1) adds grants on resources of its own account
const dev: EnvironmentConfig = {
  region: "us-east-1",
  allowedAccountIds: ["111111111111"],
  vpcCidr: "10.10.0.0/16",
  services: {
    orders: {
      permissions: [
        { grant: "dynamodb", tableArn: "arn:aws:dynamodb:us-east-1:111111111111:table/orders", access: "read-write" },
        { grant: "sqs", queueArn: "arn:aws:sqs:us-east-1:111111111111:order-events", access: "send" },
        { grant: "sns", topicArn: "arn:aws:sns:us-east-1:111111111111:order-placed" },
        { grant: "ssm", parameterArn: "arn:aws:ssm:us-east-1:111111111111:parameter/shop/orders/*" },
        { grant: "secretsmanager", secretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:shop/stripe" },
        { grant: "kms", keyArn: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", access: "decrypt" },
      ],
    },
  },
};
// #endregion permissions-environment

// #region domain
// environments.ts: prod serves https://api.example.com from the account's public zone example.com
const prod: EnvironmentConfig = {
  region: "us-east-1",
  allowedAccountIds: ["333333333333"],
  vpcCidr: "10.30.0.0/16",
  certificate: {
    domainName: "api.example.com",
    hostedZoneName: "example.com", // or hostedZoneId: "Z0123456789ABCDEFGHIJ"
    // certificateArn: "arn:aws:acm:us-east-1:333333333333:certificate/...",  // an existing one instead of a new one
    hsts: { maxAgeSeconds: 31536000, includeSubDomains: true }, // preload: true needs includeSubDomains and a year
  },
  dualStack: true, // IPv6 on the VPC's public side, a dual-stack ALB and an AAAA record
};
// #endregion domain

export const README_EXAMPLES = {
  project: "shop",
  services: [orders],
  environments: { dev, prod },
} as const;
