import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Architecture } from "./inventory";

export interface Range {
  readonly min: number;
  readonly max: number;
}

export interface RegionPrices {
  readonly fargate: Readonly<Record<Architecture, { readonly vcpuHour: number; readonly gbHour: number }>> & { readonly ephemeralGbHourAbove20: number };
  readonly albHour: number;
  readonly albLcuHour: number;
  readonly nlbHour: number;
  readonly natGatewayHour: number;
  readonly natGatewayGb: number;
  readonly publicIpv4Hour: number;
  readonly interfaceEndpointAzHour: number;
  readonly logsIngestionGb: number;
  readonly metricMonth: number;
  readonly alarmMonth: number;
  readonly ecrGbMonth: number;
  readonly kmsKeyMonth: number;
  readonly dashboardMonth: number;
  /** Email deliveries past the free 1,000 a month, per 100,000. */
  readonly snsEmailPer100k: number;
  readonly hostedZoneMonth: number;
  /** SQS standard queue requests, per million (each 64 KB chunk of a payload is a request). */
  readonly sqsRequestsPerMillion: number;
  /** SQS's always-free requests a month, per account. */
  readonly sqsFreeRequests: number;
  readonly cloudwatchFreeTier: { readonly logsGb: number; readonly metrics: number; readonly alarms: number; readonly dashboards: number };
}

export interface Assumptions {
  readonly albLcuPerHour: Range;
  readonly logsGbPerTaskMonth: number;
  readonly natGbPerMonth: Range;
  readonly flowLogsGbPerMonth: number;
  readonly scheduledRunMinutes: number;
  readonly ecrGbPerRepository: number;
  readonly containerInsightsMetricsPerCluster: number;
  readonly containerInsightsMetricsPerService: number;
  /** Requests a second each web service is assumed to receive, for the tasks autoscaling keeps. @default - not modelled */
  readonly webRequestsPerSecond?: number;
}

export interface PriceTable {
  readonly asOf: string;
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly sources: Readonly<Record<string, string>>;
  readonly regions: Readonly<Record<string, RegionPrices>>;
  readonly spotPriceRatio: number;
  readonly assumptions: { readonly default: Assumptions } & Readonly<Record<string, Partial<Assumptions>>>;
}

export const PRICES_FILE = join(__dirname, "../../cost/prices.json");

export function loadPrices(file = PRICES_FILE): PriceTable {
  return JSON.parse(readFileSync(file, "utf8")) as PriceTable;
}

/** The region's prices, or us-east-1's with a note when the table has none for it. */
export function regionPrices(table: PriceTable, region: string): { prices: RegionPrices; note?: string } {
  const prices = table.regions[region];
  if (prices) return { prices };
  const fallback = table.regions["us-east-1"];
  if (!fallback) throw new Error(`prices.json has no prices for ${region} and none for us-east-1`);
  return { prices: fallback, note: `no prices for ${region} in prices.json (as of ${table.asOf}); used us-east-1's` };
}

/** An environment's assumptions: its own entry over the defaults. */
export function assumptionsFor(table: PriceTable, environment: string): Assumptions {
  return { ...table.assumptions.default, ...(table.assumptions[environment] ?? {}) };
}
