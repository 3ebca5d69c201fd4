import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, show } from "@bun-fargate/config";

/**
 * The configuration to synthesize when `BF_CONFIG` names a module instead of the shipped one: a
 * `.ts`, `.js`, `.mjs` or `.json` file, relative to the repository root or absolute, whose default
 * export (or `config` export) is a PlatformConfig. For trying a configuration without editing the
 * shipped files, and for the tests that feed synth configurations of every shape. Anything that goes
 * wrong while loading it is a ConfigError naming BF_CONFIG; what it exports is validated like the
 * shipped configuration.
 */
export async function configFromEnv(root: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<unknown> {
  const value = env.BF_CONFIG;
  if (value === undefined || value === "") return undefined;
  const fail = (problem: string) => new ConfigError([{ where: "config", field: "BF_CONFIG", value, problem }]);
  if (!/\.(ts|mts|js|mjs|cjs|json)$/.test(value)) throw fail("must name a .ts, .js, .mjs or .json module that exports the configuration");
  const path = isAbsolute(value) ? value : resolve(root, value);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0]!.slice(0, 300) : show(err);
    throw fail(`could not be loaded (${path}): ${message}`);
  }
  const config = module.config ?? module.default;
  if (config === undefined) throw fail(`${path} exports neither \`config\` nor a default export; export the PlatformConfig as one of them`);
  return config;
}
