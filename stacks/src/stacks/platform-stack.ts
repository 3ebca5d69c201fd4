import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { ResolvedEnvironment } from "@bun-fargate/config";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { EMULATED_SERVICES, type SynthProfile } from "../profile";

export interface PlatformStackProps {
  readonly environment: ResolvedEnvironment;
  readonly profile: SynthProfile;
  /** Extra default tags, e.g. the service. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A stack with the environment's AWS provider (region, allowed accounts, default tags) and its
 * state backend. Every stack of the platform extends this.
 */
export class PlatformStack extends TerraformStack {
  public readonly environment: ResolvedEnvironment;
  public readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const env = props.environment;
    this.environment = env;
    const emulator = props.profile.target === "emulator" ? props.profile.endpoint : undefined;
    this.provider = new AwsProvider(this, "Aws", {
      region: env.region,
      defaultTags: [{ tags: { Project: env.project, Environment: env.name, Stack: id, ManagedBy: "cdktf", ...(props.tags ?? {}) } }],
      ...(emulator
        ? {
            accessKey: "emulator",
            secretKey: "emulator",
            skipCredentialsValidation: true,
            // The account ID is asked of the emulator's STS, as it is of AWS: the provider compares
            // it with the owner of referenced security groups, so skipping it would plan changes.
            skipMetadataApiCheck: "true",
            s3UsePathStyle: true,
            endpoints: [Object.fromEntries(EMULATED_SERVICES.map((s) => [s, emulator]))],
          }
        : { allowedAccountIds: [...env.allowedAccountIds] }),
    });

    if (props.profile.backend === "s3") {
      if (!env.stateBucket) {
        throw new Error(`${env.name}: stateBucket is not set, but BF_BACKEND=s3 needs it (environments.ts, environment "${env.name}")`);
      }
      new S3Backend(this, { bucket: env.stateBucket, key: `${env.name}/${id}.tfstate`, region: env.region, encrypt: true });
      // S3-native locking (Terraform >= 1.10): no DynamoDB table to create or pay for.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      // Terraform runs in <root>/cdktf.out/stacks/<stack>/; state lives at the repository root so
      // that a fresh synth (which replaces cdktf.out) never touches it. The path is relative so
      // that synthesized JSON is the same on every machine.
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    }
  }
}
