/** Reading a container definition from the real synth output: translated, or refused by name. */
import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRunSpec, STAND_IN_QUEUE_ENDPOINT, standInFor, TaskDefinitionError } from "../src/task-definition";
import { synthesize } from "../src/synth";

const out = synthesize(["dev", "prod"]);

/** A copy of the synth output whose bun-api container definition `edit` changes. */
function edited(stack: string, edit: (container: Record<string, unknown>) => void): string {
  const copy = join(mkdtempSync(join(tmpdir(), "td-")), "cdktf.out");
  cpSync(out, copy, { recursive: true });
  const file = join(copy, "stacks", stack, "cdk.tf.json");
  const json = JSON.parse(readFileSync(file, "utf8"));
  const task = Object.values(json.resource.aws_ecs_task_definition)[0] as { container_definitions: string };
  const containers = JSON.parse(task.container_definitions);
  edit(containers[0]);
  task.container_definitions = JSON.stringify(containers);
  writeFileSync(file, JSON.stringify(json));
  return copy;
}

describe("readRunSpec", () => {
  test("queue URLs (the worker's own, a producer's across stacks) get a loopback stand-in, named in standIns", () => {
    for (const env of ["dev", "prod"]) {
      const worker = readRunSpec(out, `${env}-worker`);
      expect(worker.environment.QUEUE_URL).toStartWith(`${STAND_IN_QUEUE_ENDPOINT}/stand-in-`);
      expect(Object.keys(worker.standIns)).toEqual(["QUEUE_URL"]);
      expect(worker.standIns.QUEUE_URL).toMatch(/^aws_sqs_queue\.[A-Za-z0-9_]+\.url$/);
      const api = readRunSpec(out, `${env}-bun-api`);
      expect(api.environment.WORKER_QUEUE_URL).toBe(worker.environment.QUEUE_URL);
      expect(api.standIns.WORKER_QUEUE_URL).toStartWith("data.terraform_remote_state.");
    }
    // Only a whole value that is a queue's URL: anything else is still refused.
    expect(standInFor("aws_sqs_queue.q.arn")).toBeUndefined();
    expect(standInFor("aws_s3_bucket.b.id")).toBeUndefined();
    const copy = edited("prod-worker", (c) => ((c.environment as { name: string; value: string }[]).push({ name: "MIXED", value: "x-${aws_sqs_queue.q.url}" })));
    expect(() => readRunSpec(copy, "prod-worker")).toThrow(/environment MIXED = "x-\$\{aws_sqs_queue\.q\.url\}": .* is resolved by Terraform at deploy time/);
  });


  test("reads the synthesized definition: user, read-only root, the /tmp mount, size, stop timeout, health check, variables", () => {
    const spec = readRunSpec(out, "prod-bun-api");
    expect(spec).toMatchObject({ user: "65532:65532", readOnlyRoot: true, cpuUnits: 256, memoryMiB: 512, stopTimeoutSeconds: 30, containerPorts: [8080], architecture: "ARM64" });
    expect(spec.mounts).toEqual([{ volume: "tmp", containerPath: "/tmp", readOnly: false }]);
    expect(spec.healthCheck).toEqual({ command: ["CMD", "/app/server", "--healthcheck"], intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 10 });
    expect(spec.environment).toMatchObject({ ENVIRONMENT: "prod", LOG_LEVEL: "info", PORT: "8080", SERVICE_NAME: "bun-api", APP_VERSION: "unversioned" });
  });

  test("environments differ where their config does", () => {
    expect(readRunSpec(out, "dev-bun-api").environment.LOG_LEVEL).toBe("debug");
    expect(readRunSpec(out, "prod-bun-api").environment.LOG_LEVEL).toBe("info");
  });

  test("a Terraform variable takes the value given, else its default", () => {
    expect(readRunSpec(out, "prod-bun-api", { variables: { app_version: "abc123" } }).environment.APP_VERSION).toBe("abc123");
  });

  test("fails on a field it does not translate, naming it", () => {
    const copy = edited("prod-bun-api", (c) => (c.ulimits = [{ name: "nofile", softLimit: 1, hardLimit: 1 }]));
    expect(() => readRunSpec(copy, "prod-bun-api")).toThrow(new TaskDefinitionError('prod-bun-api: container definition field "ulimits" has no local translation yet (tools/containers/src/task-definition.ts)'));
  });

  test("fails on a value only Terraform can resolve, naming the variable", () => {
    const copy = edited("prod-bun-api", (c) => ((c.environment as { name: string; value: string }[]).push({ name: "BUCKET", value: "${aws_s3_bucket.b.id}" })));
    expect(() => readRunSpec(copy, "prod-bun-api")).toThrow(/environment BUCKET = "\$\{aws_s3_bucket\.b\.id\}": \$\{aws_s3_bucket\.b\.id\} is resolved by Terraform at deploy time/);
  });

  test("fails on a stack that was not synthesized", () => {
    expect(() => readRunSpec(out, "qa-bun-api")).toThrow(/no synthesized stack qa-bun-api/);
  });
});
