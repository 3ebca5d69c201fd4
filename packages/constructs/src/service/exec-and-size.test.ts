import { ServiceRepository } from "../cluster/service-repository";
import { applyPolicies, RULES, type PolicyFinding } from "../policy";
import { IMAGE, REGION, synth } from "../testing/fixtures";
import { FargateTaskDefinition, type FargateTaskDefinitionProps } from "./task-definition";

const task = (props: Partial<FargateTaskDefinitionProps> = {}) =>
  synth((stack) => {
    const repository = new ServiceRepository(stack, "Repository", { name: "t/api" }).repository;
    return { task: new FargateTaskDefinition(stack, "Task", { family: "t-api", image: IMAGE, repository, region: REGION, logGroupName: "/ecs/t/api", ...props }) };
  });

const containerOf = (json: { container_definitions: string }) => JSON.parse(json.container_definitions)[0];

describe("FargateTaskDefinition with ECS Exec", () => {
  test("defaults: only /tmp is writable", () => {
    const { tf, task: t } = task();
    const def = tf.of(t.taskDefinition);
    expect(def.volume).toEqual([{ name: "tmp" }]);
    expect(containerOf(def as never).mountPoints).toEqual([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
  });

  test("enableExec keeps the root read-only and gives the SSM agent its own writable paths", () => {
    const { tf, task: t } = task({ enableExec: true });
    const def = tf.of(t.taskDefinition);
    const container = containerOf(def as never);
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.linuxParameters).toEqual({ initProcessEnabled: true });
    expect(container.mountPoints.map((m: { containerPath: string }) => m.containerPath)).toEqual(["/tmp", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"]);
    expect(def.volume).toEqual([{ name: "tmp" }, { name: "ssm-state" }, { name: "ssm-logs" }]);
  });
});

describe("FargateTaskDefinition sizeReason", () => {
  const findings = (props: Partial<FargateTaskDefinitionProps>) => {
    const seen: PolicyFinding[] = [];
    const { tf } = synth((stack) => {
      applyPolicies(stack, { environment: "prod", rules: RULES.filter((r) => r.id === "BF-SIZE-001"), onFinding: (f) => seen.push(f) });
      const repository = new ServiceRepository(stack, "Repository", { name: "t/api" }).repository;
      return { task: new FargateTaskDefinition(stack, "Task", { family: "t-api", image: IMAGE, repository, region: REGION, logGroupName: "/ecs/t/api", ...props }) };
    });
    return { seen, tf };
  };

  test("a larger task without a reason is a size error in prod", () => {
    const { seen } = findings({ cpu: 1024, memoryMiB: 2048 });
    expect(seen.map((f) => [f.ruleId, f.level])).toEqual([["BF-SIZE-001", "error"]]);
  });

  test("the reason turns the error into a recorded suppression that carries it", () => {
    const { seen } = findings({ cpu: 1024, memoryMiB: 2048, sizeReason: "image resizing holds 1.5 GB per request" });
    expect(seen).toEqual([expect.objectContaining({ ruleId: "BF-SIZE-001", level: "suppressed", reason: "image resizing holds 1.5 GB per request" })]);
  });
});
