/**
 * What every image test shares: the engine (or why there is none), the services to build, one real
 * synth of the environment whose task definitions the containers run with, and each image built
 * once per architecture.
 */
import { loadConfig, stackName, type ResolvedService } from "@bun-fargate/config";
import { createHash } from "node:crypto";
import { buildImage, type BuiltImage } from "../src/build";
import { EngineUnavailable, findEngine, type Engine } from "../src/engine";
import { REPO_ROOT } from "../src/paths";
import { standInsUnavailable, type Arch } from "../src/stand-ins";
import { synthesize } from "../src/synth";
import { readRunSpec, type RunSpec } from "../src/task-definition";

/** Tags per checkout: test runs of two clones on one machine share the engine's image store. */
const CHECKOUT = createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 8);
/** The environment whose synthesized task definitions the tests run. */
export const RUN_ENVIRONMENT = process.env.BF_IMAGE_ENVIRONMENT ?? "prod";
export const APP_VERSION = "image-test-1";

function probe(): { engine: Engine | undefined; skip: string | undefined } {
  try {
    const engine = findEngine();
    return { engine, skip: undefined };
  } catch (err) {
    if (err instanceof EngineUnavailable) return { engine: undefined, skip: err.message };
    throw err;
  }
}

export const { engine, skip } = probe();

/** Every service of the shipped configuration, as resolved for the run environment. */
export const services: readonly ResolvedService[] = loadConfig(undefined, { only: [RUN_ENVIRONMENT] }).environments[0]!.services;
/** Services that run a long-lived process (a scheduled task's container is started by its schedule). */
export const longRunning = services.filter((s) => s.kind !== "scheduled");
/** Services that run to an end and exit (EventBridge Scheduler starts them). */
export const scheduled = services.filter((s) => s.kind === "scheduled");

let synthOut: string | undefined;
export function runSpec(service: string): RunSpec {
  synthOut ??= synthesize([RUN_ENVIRONMENT]);
  return readRunSpec(synthOut, stackName(RUN_ENVIRONMENT, service), { variables: { app_version: APP_VERSION } });
}

const builds = new Map<string, Promise<BuiltImage>>();
/** Builds once per service and architecture; later calls share the result. */
export function built(service: ResolvedService, arch: Arch): Promise<BuiltImage> {
  const k = `${service.name}/${arch}`;
  if (!builds.has(k)) {
    builds.set(
      k,
      buildImage(engine!, { source: service.source, arch, tag: `localhost/bun-fargate-test/${service.name}:${arch}-${CHECKOUT}` }).then((image) => {
        const note = image.bases === "stand-in" ? "stand-in base images made from Debian packages (no registry reachable), not the Dockerfile's own" : "the Dockerfile's own base images";
        console.log(`[image] built ${service.name} (${arch}) in ${image.seconds.toFixed(1)} s with ${note}`);
        return image;
      }),
    );
  }
  return builds.get(k)!;
}

if (skip) console.log(`[image] suite skipped: ${skip}`);
else if (engine && standInsUnavailable(engine)) console.log(`[image] stand-in bases unavailable (${standInsUnavailable(engine)}); the real base images must be pullable`);

/** Generous: a cold run makes the stand-in bases (Debian root file systems) first. */
export const BUILD_TIMEOUT_MS = 15 * 60_000;
export const RUN_TIMEOUT_MS = 120_000;
