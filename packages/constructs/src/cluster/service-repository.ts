import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";

export interface ServiceRepositoryProps {
  /** Repository name, e.g. `bunfg/prod/bun-api`. */
  readonly name: string;
  /** Images tagged `sha-…` kept, newest first; older ones expire. @default 100 */
  readonly keepShaImages?: number;
  /** Days before untagged images (interrupted pushes, old cache manifests) expire. @default 14 */
  readonly untaggedExpiryDays?: number;
}

/**
 * An ECR repository with immutable tags and scan on push. The pipeline tags every image
 * `sha-<git sha>` and adds `release-<git sha>` once it passed verification in this repository's
 * environment; the lifecycle policy expires only untagged images and old `sha-` images, so images
 * tagged `release-` (everything the environment ran) are never expired and rollbacks always find
 * their image.
 */
export class ServiceRepository extends Construct {
  public readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ServiceRepositoryProps) {
    super(scope, id);
    const keep = props.keepShaImages ?? 100;
    const untaggedDays = props.untaggedExpiryDays ?? 14;
    if (!Number.isInteger(keep) || keep < 10) {
      throw new Error(`ServiceRepository "${props.name}": keepShaImages ${keep} must be a whole number of at least 10 (rollbacks need history)`);
    }
    if (!Number.isInteger(untaggedDays) || untaggedDays < 1) {
      throw new Error(`ServiceRepository "${props.name}": untaggedExpiryDays ${untaggedDays} must be a whole number of days, at least 1`);
    }
    this.repository = new EcrRepository(this, "Repository", {
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "AES256" }],
    });
    new EcrLifecyclePolicy(this, "LifecyclePolicy", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            // An image matched by a higher-priority rule is never expired by a lower one, so this
            // rule protects every release- image from the two below.
            rulePriority: 1,
            description: "Protect release- images (everything this environment ran)",
            selection: { tagStatus: "tagged", tagPrefixList: ["release-"], countType: "imageCountMoreThan", countNumber: 10000 },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Expire untagged images after ${untaggedDays} days`,
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
            action: { type: "expire" },
          },
          {
            rulePriority: 3,
            description: `Keep the newest ${keep} sha- images`,
            selection: { tagStatus: "tagged", tagPrefixList: ["sha-"], countType: "imageCountMoreThan", countNumber: keep },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }
}
