import { ConfigError, defaultConfig } from "@bun-fargate/config";
import { buildApp } from "./app";
import { EMULATED_SERVICES, ProfileError, profileFromEnv, type SynthProfile } from "./profile";
import { AWS_PROFILE, synth } from "./testing";

describe("profileFromEnv", () => {
  test("defaults: real AWS, local state", () => {
    expect(profileFromEnv({})).toEqual({ target: "aws", endpoint: undefined, backend: "local" });
  });

  test("BF_PROFILE=emulator needs a loopback endpoint", () => {
    expect(profileFromEnv({ BF_PROFILE: "emulator", BF_AWS_ENDPOINT: "http://127.0.0.1:5000/" })).toEqual({ target: "emulator", endpoint: "http://127.0.0.1:5000", backend: "local" });
    expect(() => profileFromEnv({ BF_PROFILE: "emulator" })).toThrow(/BF_AWS_ENDPOINT = "" must be an http URL on loopback/);
    expect(() => profileFromEnv({ BF_PROFILE: "emulator", BF_AWS_ENDPOINT: "http://10.0.0.5:5000" })).toThrow(ProfileError);
  });

  test("fails on an unknown profile or backend, naming the value", () => {
    expect(() => profileFromEnv({ BF_PROFILE: "staging" })).toThrow('BF_PROFILE = "staging" is not allowed; use "aws" (default) or "emulator"');
    expect(() => profileFromEnv({ BF_BACKEND: "gcs" })).toThrow('BF_BACKEND = "gcs" is not allowed');
    expect(() => profileFromEnv({ BF_PROFILE: "emulator", BF_AWS_ENDPOINT: "http://127.0.0.1:1", BF_BACKEND: "s3" })).toThrow(/cannot be used with BF_PROFILE=emulator/);
  });
});

describe("profiles in synthesized stacks", () => {
  const resourcesOf = (profile: SynthProfile) => {
    const { environments } = buildApp({ profile, environments: ["prod"] });
    return environments[0]!.services.map((s) => synth(s))[0]!;
  };

  test("emulator changes only the provider block", () => {
    const real = resourcesOf(AWS_PROFILE);
    const emulated = resourcesOf({ target: "emulator", endpoint: "http://127.0.0.1:5055", backend: "local" });
    expect(emulated.resource).toEqual(real.resource);
    expect(emulated.terraform).toEqual(real.terraform);
    const aws = emulated.provider.aws[0]!;
    expect(aws).toMatchObject({ skip_credentials_validation: true, s3_use_path_style: true });
    expect(aws).not.toHaveProperty("skip_requesting_account_id"); // asked of the emulator's STS, as of AWS
    expect(Object.keys((aws.endpoints as Record<string, string>[])[0]!).sort()).toEqual(EMULATED_SERVICES.map((s) => s.toLowerCase()).sort());
    expect(real.provider.aws[0]!.endpoints).toBeUndefined();
    expect(real.provider.aws[0]!.allowed_account_ids).toEqual(["333333333333"]);
  });

  test("s3 backend: one state key per stack, encrypted, with S3 lockfile locking", () => {
    const stack = resourcesOf({ target: "aws", endpoint: undefined, backend: "s3" });
    expect(stack.terraform.backend).toEqual({
      s3: { bucket: "bun-fargate-prod-tfstate", key: "prod/prod-bun-api.tfstate", region: "us-east-1", encrypt: true, use_lockfile: true },
    });
  });

  test("s3 backend fails for an environment without a state bucket, as a config problem before any stack exists", () => {
    const config = { ...defaultConfig, environments: { ...defaultConfig.environments, dev: { ...defaultConfig.environments.dev!, stateBucket: undefined } } };
    expect(() => buildApp({ config, profile: { target: "aws", endpoint: undefined, backend: "s3" }, environments: ["dev"] })).toThrow(ConfigError);
    expect(() => buildApp({ config, profile: { target: "aws", endpoint: undefined, backend: "s3" }, environments: ["dev"] })).toThrow(
      "dev: stateBucket = undefined: BF_BACKEND=s3 keeps this environment's Terraform state in its stateBucket",
    );
    // Only the selected environments need one.
    expect(() => buildApp({ config, profile: { target: "aws", endpoint: undefined, backend: "s3" }, environments: ["prod"] })).not.toThrow();
  });
});
