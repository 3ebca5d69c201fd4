/**
 * pnpm bench:image [--runs N] [--env prod] [--cold-bases]: per service, image size (compressed and
 * not), build time without and with the layer cache, and the time from `run` to the first 200 of
 * /healthz under the task definition's CPU and memory limits (median of N, default 5).
 * --cold-bases also remakes the stand-in base images first and times that.
 */
import { loadConfig, stackName } from "@bun-fargate/config";
import { parseArgs } from "node:util";
import { buildImage } from "../src/build";
import { engineOk, engineRun, findEngine, type Engine } from "../src/engine";
import { firstOk, startContainer } from "../src/run";
import { STAND_IN_REPOSITORY } from "../src/stand-ins";
import { synthesize } from "../src/synth";
import { readRunSpec } from "../src/task-definition";

const { values } = parseArgs({ options: { runs: { type: "string" }, env: { type: "string" }, "cold-bases": { type: "boolean" } } });
const runs = Number(values.runs ?? 5);
const envName = values.env ?? "prod";
const engine = findEngine();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Bytes of `save` output gzipped at level 6: close to what a registry stores for the layers. */
async function compressedSize(e: Engine, image: string): Promise<number> {
  const save = Bun.spawn([e.name, "save", "--format", "docker-archive", image], { env: { ...process.env, ...e.env }, stdout: "pipe", stderr: "inherit" });
  const tar = new Uint8Array(await new Response(save.stdout).arrayBuffer());
  if ((await save.exited) !== 0) throw new Error(`${e.name} save ${image} failed`);
  return Bun.gzipSync(tar, { level: 6 }).length;
}

let basesSeconds: number | undefined;
if (values["cold-bases"]) {
  const ids = engineRun(engine, ["images", "--format", "{{.Repository}}:{{.Tag}}"]).stdout.split("\n").filter((r) => r.startsWith(STAND_IN_REPOSITORY));
  if (ids.length) engineRun(engine, ["rmi", "--force", ...ids]);
}

const config = loadConfig(undefined, { only: [envName] });
const out = synthesize([envName]);
const rows: string[][] = [];
for (const service of config.environments[0]!.services) {
  const tag = (arch: string) => `localhost/bun-fargate-bench/${service.name}:${arch}`;
  // The first build makes the stand-in bases when they are missing; time it apart from the service's own build.
  const t0 = performance.now();
  const warm = await buildImage(engine, { source: service.source, tag: tag("amd64") });
  if (values["cold-bases"] && basesSeconds === undefined) basesSeconds = (performance.now() - t0) / 1000 - warm.seconds;
  const cold = await buildImage(engine, { source: service.source, tag: tag("amd64"), noCache: true });
  const cached = await buildImage(engine, { source: service.source, tag: tag("amd64") });
  const arm = await buildImage(engine, { source: service.source, tag: tag("arm64"), arch: "arm64", noCache: true });
  const size = (t: string) => Number(engineOk(engine, ["image", "inspect", "--format", "{{.Size}}", t]).trim());
  const [gzAmd, gzArm] = [await compressedSize(engine, tag("amd64")), await compressedSize(engine, tag("arm64"))];

  let firstFromRun: number[] = [];
  let firstFromStart: number[] = [];
  if (service.kind === "web") {
    const spec = readRunSpec(out, stackName(envName, service.name));
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const wall = Date.now();
      const c = startContainer(engine, { image: tag("amd64"), spec });
      try {
        const ms = await firstOk(c.port!, "/healthz", started);
        const startedAt = Number(BigInt(engineOk(engine, ["container", "inspect", "--format", "{{.State.StartedAt.UnixNano}}", c.name]).trim()) / 1_000_000n);
        firstFromRun.push(ms);
        firstFromStart.push(wall + ms - startedAt);
      } finally {
        c.remove();
      }
    }
  }
  rows.push([
    service.name,
    cold.bases,
    mb(size(tag("amd64"))),
    mb(gzAmd),
    mb(size(tag("arm64"))),
    mb(gzArm),
    `${cold.seconds.toFixed(1)} s`,
    `${cached.seconds.toFixed(1)} s`,
    `${arm.seconds.toFixed(1)} s`,
    firstFromRun.length ? `${median(firstFromRun).toFixed(0)} ms` : "n/a",
    firstFromStart.length ? `${median(firstFromStart).toFixed(0)} ms` : "n/a",
    `${(gzArm / 70e6).toFixed(2)}×`,
    firstFromRun.length ? `${(median(firstFromRun) / 500).toFixed(2)}×` : "n/a",
  ]);
  firstFromRun = [];
  firstFromStart = [];
}

const head = ["service", "bases", "amd64", "amd64 gz", "arm64", "arm64 gz", "build cold", "cached", "arm64 cold", "run→200", "start→200", "gz/70MB", "run→200/500ms"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
console.log(`\npnpm bench:image (${engine.name}; ${envName} task definition: limits from it; median of ${runs} runs; build times of the amd64 image unless named)`);
if (basesSeconds !== undefined) console.log(`stand-in base images made cold in ${basesSeconds.toFixed(1)} s`);
for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
