import { createHash } from "node:crypto";
import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import type { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { EMAIL, webhookProblem } from "@bun-fargate/config";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  /** Topic, key alias and Chatbot configuration name, e.g. `shop-prod-alarms`. */
  readonly name: string;
  readonly region: string;
  /** Subscribed by email; each must confirm SNS's mail first. @default [] */
  readonly emails?: readonly string[];
  /** https endpoints SNS POSTs to. @default [] */
  readonly webhooks?: readonly string[];
  /** A Slack channel through AWS Chatbot. @default - none */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
  /** Name of the role Chatbot relays with. @default - `<name>-chatbot` */
  readonly chatbotRoleName?: string;
}

/** Short, stable construct ID part for a subscription: the endpoint is its identity, its position is not. */
const idOf = (endpoint: string) => createHash("sha256").update(endpoint).digest("hex").slice(0, 10);

/**
 * An environment's one channel that speaks up: an SNS topic encrypted with its own KMS key, which
 * CloudWatch alarms of this account (and only those) may publish to, and its subscriptions.
 * `route(alarm)` points an alarm's ALARM and OK actions at it.
 */
export class AlarmTopic extends Construct {
  public readonly key: KmsKey;
  public readonly topic: SnsTopic;
  public readonly subscriptions: SnsTopicSubscription[] = [];
  public readonly chatbot: ChatbotSlackChannelConfiguration | undefined;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    for (const email of props.emails ?? []) {
      if (!EMAIL.test(email)) throw new Error(`AlarmTopic "${props.name}": email "${email}" is not an email address`);
    }
    for (const url of props.webhooks ?? []) {
      const problem = webhookProblem(url);
      if (problem) throw new Error(`AlarmTopic "${props.name}": webhook ${problem}`);
    }
    const account = new DataAwsCallerIdentity(this, "Account").accountId;
    const partition = new DataAwsPartition(this, "Partition").partition;
    const alarmsOfAccount = `arn:${partition}:cloudwatch:${props.region}:${account}:alarm:*`;

    // A key policy's "*" resource means this key. The account keeps administration (through IAM);
    // using the key is CloudWatch's only, as AWS documents for alarms on an encrypted topic.
    this.key = new KmsKey(this, "Key", {
      description: `Encrypts the ${props.name} SNS topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${account}:root` },
            Action: [
              "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*",
              "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
            ],
            Resource: "*",
          },
          {
            Sid: "CloudWatchAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: "*",
          },
        ],
      }),
    });
    new KmsAlias(this, "KeyAlias", { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
    this.topic = new SnsTopic(this, "Topic", { name: props.name, kmsMasterKeyId: this.key.arn });
    // Only this account's alarms publish (no confused deputy through another account's alarm).
    const policy = new DataAwsIamPolicyDocument(this, "TopicPolicyDocument", {
      statement: [
        {
          sid: "CloudWatchAlarmsPublish",
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [alarmsOfAccount] },
          ],
        },
      ],
    });
    new SnsTopicPolicy(this, "TopicPolicy", { arn: this.topic.arn, policy: policy.json });

    for (const email of props.emails ?? []) {
      this.subscriptions.push(new SnsTopicSubscription(this, `Email${idOf(email)}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email }));
    }
    for (const url of props.webhooks ?? []) {
      this.subscriptions.push(new SnsTopicSubscription(this, `Webhook${idOf(url)}`, { topicArn: this.topic.arn, protocol: "https", endpoint: url }));
    }
    if (props.slack) {
      // Chatbot only relays the topic to Slack: its role may do nothing, its guardrail is read-only.
      const trust = new DataAwsIamPolicyDocument(this, "ChatbotTrust", {
        statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["chatbot.amazonaws.com"] }] }],
      });
      const role = new IamRole(this, "ChatbotRole", { name: props.chatbotRoleName ?? `${props.name}-chatbot`, assumeRolePolicy: trust.json });
      this.chatbot = new ChatbotSlackChannelConfiguration(this, "Slack", {
        configurationName: props.name,
        iamRoleArn: role.arn,
        slackTeamId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        snsTopicArns: [this.topic.arn],
        guardrailPolicyArns: [`arn:${partition}:iam::aws:policy/CloudWatchReadOnlyAccess`],
        loggingLevel: "ERROR",
      });
    }
  }

  /** The seam for any alarm of the environment: ALARM and OK both notify the topic. */
  public route<T extends CloudwatchMetricAlarm | CloudwatchCompositeAlarm>(alarm: T): T {
    alarm.alarmActions = [this.topic.arn];
    alarm.okActions = [this.topic.arn];
    return alarm;
  }
}
