import { ConfigError, selectedEnvironments } from "@bun-fargate/config";
import { buildApp } from "./app";
import { ProfileError } from "./profile";

try {
  const { app } = buildApp({ environments: selectedEnvironments(process.env.BF_ENVIRONMENTS) });
  app.synth();
} catch (err) {
  if (err instanceof ConfigError || err instanceof ProfileError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
