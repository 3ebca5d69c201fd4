import { describeImages, describeService, describeTaskDefinition, digestOf, type AwsCli, type EcrImage } from "./aws-cli";
import type { ServiceTarget } from "./pipeline-config";

/**
 * Rollback targets. Each environment pushes an image to its own repository when it deploys it,
 * tagged `sha-<git sha>`, and tags it `release-<git sha>` once the deploy was verified there. The
 * previous release is the newest verified image pushed before the one that runs now, so a rollback
 * steps back through what actually passed verification, and a second rollback steps back again.
 */

export interface Release {
  readonly digest: string;
  /** The git SHA the image was built from. */
  readonly version: string;
}

const pushedAt = (image: EcrImage): number => (typeof image.imagePushedAt === "number" ? image.imagePushedAt * 1000 : Date.parse(image.imagePushedAt));

/** The git SHA an image was built from, from its `sha-` or `release-` tag. */
export function versionOf(image: EcrImage): string | undefined {
  for (const tag of image.imageTags ?? []) {
    const m = tag.match(/^(?:sha|release)-([0-9a-f]{7,40})$/);
    if (m) return m[1];
  }
  return undefined;
}

export const isRelease = (image: EcrImage): boolean => (image.imageTags ?? []).some((t) => t.startsWith("release-"));

export function previousRelease(images: readonly EcrImage[], currentDigest: string): Release | undefined {
  const current = images.find((i) => i.imageDigest === currentDigest);
  const before = current === undefined ? Infinity : pushedAt(current);
  const candidates = images
    .filter((i) => isRelease(i) && i.imageDigest !== currentDigest && pushedAt(i) < before && versionOf(i) !== undefined)
    .sort((a, b) => pushedAt(b) - pushedAt(a));
  const chosen = candidates[0];
  return chosen ? { digest: chosen.imageDigest, version: versionOf(chosen)! } : undefined;
}

/** The digest a service runs now: its PRIMARY deployment's task definition (or the family's latest). */
export async function currentDigest(aws: AwsCli, cluster: string, target: ServiceTarget): Promise<string> {
  let taskDefinition = target.family;
  if (target.ecsService !== undefined) {
    const svc = await describeService(aws, cluster, target.ecsService);
    const primary = svc?.deployments.find((d) => d.status === "PRIMARY");
    if (!primary) throw new Error(`${target.name}: ECS service ${target.ecsService} in ${cluster} has no PRIMARY deployment to roll back from`);
    taskDefinition = primary.taskDefinition;
  }
  const td = await describeTaskDefinition(aws, taskDefinition);
  const image = td.containerDefinitions.find((c) => c.name === target.family)?.image ?? "";
  const digest = digestOf(image);
  if (!digest) throw new Error(`${target.name}: ${td.taskDefinitionArn} runs ${JSON.stringify(image)}, which is not a digest reference`);
  return digest;
}

/**
 * What to roll `target` back to: `digest` when given (it must be a verified release in the
 * repository), else the previous release.
 */
export async function rollbackRelease(aws: AwsCli, cluster: string, target: ServiceTarget, digest?: string): Promise<Release> {
  const images = await describeImages(aws, target.repository);
  if (digest !== undefined) {
    const image = images.find((i) => i.imageDigest === digest);
    if (!image) throw new Error(`${target.name}: digest ${digest} is not in repository ${target.repository}`);
    if (!isRelease(image)) throw new Error(`${target.name}: ${digest} was never verified in this environment (no release- tag); refusing to roll back to it`);
    return { digest, version: versionOf(image)! };
  }
  const current = await currentDigest(aws, cluster, target);
  const previous = previousRelease(images, current);
  if (!previous) throw new Error(`${target.name}: no verified release older than the running ${current} in ${target.repository}`);
  return previous;
}
