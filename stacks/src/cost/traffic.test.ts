import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, FORMER_REQUESTS_PER_TASK_PER_MINUTE, defaultConfig } from "@bun-fargate/config";
import { buildApp } from "../app";
import { AWS_PROFILE } from "../testing";
import { formatMarkdown, formatTable } from "./format";
import { loadPrices } from "./prices";
import { buildReports } from "./report";
import { readStacks } from "./terraform-json";
import { tasksAt } from "./traffic";

describe("tasksAt", () => {
  test("the fewest tasks that keep each under the target, within the scaling bounds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 60, max: 3_600_000 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 50 }), (rps, target, min, extra) => {
        const bounds = { min, max: min + extra };
        const { tasks, wanted, capped } = tasksAt(rps, target, bounds);
        expect(tasks).toBeGreaterThanOrEqual(bounds.min);
        expect(tasks).toBeLessThanOrEqual(bounds.max);
        expect(wanted * target).toBeGreaterThanOrEqual(rps * 60);
        if (wanted > 0) expect((wanted - 1) * target).toBeLessThan(rps * 60);
        expect(capped).toBe(wanted > bounds.max);
        if (!capped && wanted >= bounds.min) expect(tasks).toBe(wanted);
      }),
    );
  });
});

describe("pnpm cost at a stated traffic level", () => {
  const outdir = mkdtempSync(join(tmpdir(), "cost-traffic-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const { app } = buildApp({ profile: AWS_PROFILE, outdir });
  app.synth();
  const table = loadPrices();
  const prod = (rps?: number) => buildReports(readStacks(outdir), table, rps).find((r) => r.estimate.environment === "prod")!;
  const shipped = defaultConfig.environments.prod!.services!["bun-api"]!;

  test("defaults: prices.json's level, the synthesized target against the former one", () => {
    const traffic = prod().traffic!;
    expect(traffic.requestsPerSecond).toBe(table.assumptions.default.webRequestsPerSecond);
    const [api] = traffic.services;
    expect(api).toMatchObject({ name: "bun-api", targetPerMinute: DEFAULT_REQUESTS_PER_TASK_PER_MINUTE });
    expect(api!.now).toEqual(tasksAt(traffic.requestsPerSecond, DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, { min: shipped.minTasks!, max: shipped.maxTasks! }));
    expect(api!.former).toEqual(tasksAt(traffic.requestsPerSecond, FORMER_REQUESTS_PER_TASK_PER_MINUTE, { min: shipped.minTasks!, max: shipped.maxTasks! }));
    // At 500 a second the former target asked for more tasks than prod may run; the measured one keeps the minimum.
    expect(api!.former.capped).toBe(true);
    expect(api!.now.tasks).toBe(shipped.minTasks);
    expect(traffic.monthly.now).toBe(prod().estimate.total.min);
    expect(traffic.monthly.former).toBeGreaterThan(traffic.monthly.now);
  });

  test("--rps: more traffic never costs less, and the bill at the minimum is the minimum estimate", () => {
    const bills = [0, 500, 5_000, 20_000, 60_000].map((rps) => prod(rps).traffic!.monthly.now);
    for (let i = 1; i < bills.length; i++) expect(bills[i]).toBeGreaterThanOrEqual(bills[i - 1]!);
    expect(bills[0]).toBe(prod().estimate.total.min);
    expect(bills.at(-1)).toBeGreaterThan(bills[0]!);
  });

  test("the line is in the terminal table and in the Markdown", () => {
    const reports = buildReports(readStacks(outdir), table, 500);
    for (const text of [formatTable(reports, table.asOf), formatMarkdown(reports, table.asOf)]) {
      const wanted = Math.ceil((500 * 60) / FORMER_REQUESTS_PER_TASK_PER_MINUTE);
      expect(text).toContain(
        `at 500 req/s per web service: bun-api ${shipped.minTasks} tasks at ${DEFAULT_REQUESTS_PER_TASK_PER_MINUTE.toLocaleString("en-US")}/min (former 1,000/min: ${shipped.maxTasks} tasks (maxTasks; ${wanted} wanted))`,
      );
    }
  });
});
