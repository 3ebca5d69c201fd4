import type { PolicyRule } from "../types";
import { asRecord, isTrue } from "../model/hcl";
import { EVERYWHERE } from "./common";

export const logRetention: PolicyRule = {
  id: "BF-LOG-001",
  title: "log groups expire their logs instead of keeping (and billing) them forever",
  fix: "set retention_in_days on the log group (config: logRetentionDays)",
  severity: EVERYWHERE,
  *check(ctx) {
    for (const group of ctx.resources("aws_cloudwatch_log_group")) {
      const days = group.attrs.retention_in_days;
      if (days === undefined || days === 0) yield { resource: group, detail: "keeps logs forever (no retention_in_days)" };
    }
  },
};

const IMMUTABLE = new Set(["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"]);

export const immutableTags: PolicyRule = {
  id: "BF-ECR-001",
  title: "image tags cannot be overwritten, so a deployed tag always means the same image",
  fix: 'set image_tag_mutability = "IMMUTABLE" on the repository',
  severity: EVERYWHERE,
  *check(ctx) {
    for (const repo of ctx.resources("aws_ecr_repository")) {
      const mutability = repo.attrs.image_tag_mutability ?? "MUTABLE";
      if (typeof mutability === "string" && !IMMUTABLE.has(mutability)) yield { resource: repo, detail: `tags are ${mutability}` };
    }
  },
};

export const scanOnPush: PolicyRule = {
  id: "BF-ECR-002",
  title: "images are scanned for known vulnerabilities when pushed",
  fix: "set image_scanning_configuration { scan_on_push = true } on the repository",
  severity: EVERYWHERE,
  *check(ctx) {
    // Registry-wide scanning (aws_ecr_registry_scanning_configuration) supersedes the per-repository flag.
    const registryScanning = ctx.app.memo("registry-scanning", () =>
      ctx.app.stackNames().some((name) => (ctx.app.stack(name)?.resources("aws_ecr_registry_scanning_configuration").length ?? 0) > 0),
    );
    if (registryScanning) return;
    for (const repo of ctx.resources("aws_ecr_repository")) {
      if (!isTrue(asRecord(repo.attrs.image_scanning_configuration)?.scan_on_push)) yield { resource: repo, detail: "does not scan images on push" };
    }
  },
};

/** `${aws_sqs_queue.<name>.<attribute>}` → `<name>`, for the redrive resources that point at a queue. */
function queueOf(value: unknown): string | undefined {
  return typeof value === "string" ? /^\$\{aws_sqs_queue\.([^.}]+)\.(url|id|arn)\}$/.exec(value)?.[1] : undefined;
}

export const queueEncryptedWithDeadLetters: PolicyRule = {
  id: "BF-SQS-001",
  title: "SQS queues are encrypted at rest, and a queue that is not a dead-letter queue moves failing messages to one",
  fix: "set sqs_managed_sse_enabled = true (or kms_master_key_id), and give the queue a redrive policy (aws_sqs_queue_redrive_policy; JobQueue does both)",
  severity: EVERYWHERE,
  *check(ctx) {
    const queues = ctx.resources("aws_sqs_queue");
    if (queues.length === 0) return;
    const redriven = new Set<string>();
    const deadLetters = new Set<string>();
    for (const r of ctx.resources("aws_sqs_queue_redrive_policy")) {
      const source = queueOf(r.attrs.queue_url);
      if (source) redriven.add(source);
      const target = typeof r.attrs.redrive_policy === "string" ? queueOf(/"deadLetterTargetArn":"(\$\{[^}]+\})"/.exec(r.attrs.redrive_policy)?.[1]) : undefined;
      if (target) deadLetters.add(target);
    }
    for (const r of ctx.resources("aws_sqs_queue_redrive_allow_policy")) {
      const dlq = queueOf(r.attrs.queue_url);
      if (dlq) deadLetters.add(dlq);
    }
    for (const q of queues) {
      if (!isTrue(q.attrs.sqs_managed_sse_enabled) && q.attrs.kms_master_key_id === undefined) yield { resource: q, detail: "is not encrypted at rest (no sqs_managed_sse_enabled, no kms_master_key_id)" };
      const dead = deadLetters.has(q.name) || q.attrs.redrive_allow_policy !== undefined;
      if (!dead && !redriven.has(q.name) && q.attrs.redrive_policy === undefined) yield { resource: q, detail: "has no redrive policy: a message that always fails is received forever" };
    }
  },
};
