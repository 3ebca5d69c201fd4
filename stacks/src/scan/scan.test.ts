import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatScan } from "./format";
import { classify, stackInfo, type CheckovCheck, type StackInfo } from "./results";
import { prepareScanDir } from "./scan-dir";
import { findSkip, globToRegExp, parseSkips } from "./skips";

const stackJson = (env: string, resources: Record<string, Record<string, string>>) => ({
  provider: { aws: [{ region: "us-east-1", default_tags: [{ tags: { Environment: env } }] }] },
  resource: Object.fromEntries(
    Object.entries(resources).map(([type, byId]) => [type, Object.fromEntries(Object.entries(byId).map(([id, path]) => [id, { "//": { metadata: { path, uniqueId: id } } }]))]),
  ),
});

const check = (id: string, stack: string, resource: string): CheckovCheck => ({ check_id: id, check_name: `${id} name`, file_path: `/${stack}/cdk.tf.json`, resource });

describe("skips.yaml", () => {
  test("the checked-in file parses and every entry has a reason", () => {
    const skips = parseSkips(readFileSync(join(__dirname, "../../scan/skips.yaml"), "utf8"));
    expect(skips.length).toBeGreaterThan(0);
    for (const s of skips) expect(s.reason.length).toBeGreaterThanOrEqual(10);
  });

  test("fails when the check ID, the resource or the reason is missing", () => {
    expect(() => parseSkips("skips:\n  - check: AWS_91\n    resource: a/b\n    reason: long enough reason")).toThrow(
      'skips.yaml: skips[0]: check is "AWS_91"; expected a checkov ID such as CKV_AWS_91 or CKV2_AWS_28',
    );
    expect(() => parseSkips("skips:\n  - check: CKV_AWS_91\n    reason: long enough reason")).toThrow(
      'skips.yaml: skips[0] (CKV_AWS_91): resource is undefined; expected "<stack>/<construct path>", globs allowed',
    );
    expect(() => parseSkips("skips:\n  - check: CKV2_AWS_28\n    resource: prod-cluster/Alb\n    reason: because")).toThrow(
      'skips.yaml: skips[0] (CKV2_AWS_28 on prod-cluster/Alb): reason is "because"; write why (at least 10 characters)',
    );
  });

  test("globs: * stays within a segment, ** crosses segments, braces list alternatives", () => {
    expect(globToRegExp("*-cluster/LoadBalancer").test("prod-cluster/LoadBalancer")).toBe(true);
    expect(globToRegExp("*-cluster/LoadBalancer").test("prod-cluster/x/LoadBalancer")).toBe(false);
    expect(globToRegExp("*-*/**/LogGroup").test("dev-bun-api/Web/Fargate/Task/LogGroup")).toBe(true);
    expect(globToRegExp("{dev,staging}-network/Vpc").test("staging-network/Vpc")).toBe(true);
    expect(globToRegExp("{dev,staging}-network/Vpc").test("prod-network/Vpc")).toBe(false);
    expect(globToRegExp("a.b/c").test("axb/c")).toBe(false);
  });

  test("a skip covers only its own check", () => {
    const skips = parseSkips("skips:\n  - check: CKV_AWS_91\n    resource: '*-cluster/Alb'\n    reason: access logs only in prod");
    expect(findSkip(skips, "CKV_AWS_91", "dev-cluster/Alb")).toBe(skips[0]);
    expect(findSkip(skips, "CKV_AWS_150", "dev-cluster/Alb")).toBeUndefined();
  });
});

describe("classify", () => {
  const stacks = new Map<string, StackInfo>([
    ["dev-cluster", stackInfo("dev-cluster", stackJson("dev", { aws_lb: { LoadBalancer_1A2B: "dev-cluster/LoadBalancer" } }))],
    ["prod-cluster", stackInfo("prod-cluster", stackJson("prod", { aws_lb: { LoadBalancer_1A2B: "prod-cluster/LoadBalancer" } }))],
  ]);
  const skips = parseSkips(
    [
      "skips:",
      "  - { check: CKV_AWS_91, resource: 'dev-cluster/LoadBalancer', reason: access logs only in prod }",
      "  - { check: CKV_AWS_2, resource: '*-cluster/Gone', reason: the listener was removed }",
    ].join("\n"),
  );
  const result = classify(
    {
      results: {
        passed_checks: [check("CKV_AWS_131", "dev-cluster", "resource.LoadBalancer_1A2B"), check("CKV_AWS_131", "prod-cluster", "aws_lb.LoadBalancer_1A2B")],
        failed_checks: [check("CKV_AWS_91", "dev-cluster", "resource.LoadBalancer_1A2B"), check("CKV_AWS_91", "prod-cluster", "aws_lb.LoadBalancer_1A2B")],
      },
    },
    stacks,
    skips,
  );

  test("counts per environment: listed failures are skipped, others fail", () => {
    expect(Object.fromEntries(result.environments)).toEqual({ dev: { passed: 1, failed: 0, skipped: 1 }, prod: { passed: 1, failed: 1, skipped: 0 } });
    expect(result.failures.map((f) => [f.check, f.resourcePath, f.environment])).toEqual([["CKV_AWS_91", "prod-cluster/LoadBalancer", "prod"]]);
  });

  test("maps checkov's resource names to construct paths, and falls back to the raw name", () => {
    expect(result.skipped[0]?.resourcePath).toBe("dev-cluster/LoadBalancer");
    const unknown = classify({ results: { failed_checks: [check("CKV_AWS_1", "dev-cluster", "provider.aws")] } }, stacks, []);
    expect(unknown.failures[0]?.resourcePath).toBe("dev-cluster/provider.aws");
  });

  test("reports skips that matched nothing", () => {
    expect(result.unusedSkips.map((s) => s.resource)).toEqual(["*-cluster/Gone"]);
  });

  test("ends with the line the test runner counts", () => {
    const text = formatScan(result);
    expect(text.split("\n").at(-1)).toBe("2 passed, 1 failed, 1 skipped");
    expect(text).toContain("FAILED CKV_AWS_91 prod-cluster/LoadBalancer (prod)");
    expect(text).toContain("warning: skip CKV_AWS_2 *-cluster/Gone matched nothing");
  });
});

describe("prepareScanDir", () => {
  test("copies every stack, removing terraform.required_version (checkov #7454), and reads its environment", () => {
    const out = mkdtempSync(join(tmpdir(), "scan-out-"));
    for (const [name, json] of [
      ["prod-network", { ...stackJson("prod", {}), terraform: { required_version: ">= 1.5.0", required_providers: {} } }],
      ["qa-network", { terraform: {} }],
    ] as const) {
      mkdirSync(join(out, "stacks", name), { recursive: true });
      writeFileSync(join(out, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
    }
    const dest = mkdtempSync(join(tmpdir(), "scan-copy-"));
    const prepared = prepareScanDir(out, dest);
    expect(prepared.strippedRequiredVersion).toEqual(["prod-network"]);
    expect(JSON.parse(readFileSync(join(dest, "prod-network/cdk.tf.json"), "utf8")).terraform).toEqual({ required_providers: {} });
    expect(JSON.parse(readFileSync(join(out, "stacks/prod-network/cdk.tf.json"), "utf8")).terraform.required_version).toBe(">= 1.5.0");
    expect([...prepared.stacks].map(([name, info]) => [name, info.environment])).toEqual([
      ["prod-network", "prod"],
      ["qa-network", "qa"],
    ]);
  });

  test("fails when nothing was synthesized", () => {
    expect(() => prepareScanDir(mkdtempSync(join(tmpdir(), "scan-empty-")), tmpdir())).toThrow(/no synthesized stacks in .*; run pnpm synth first/);
  });
});
