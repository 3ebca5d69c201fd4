import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The repository root: the build context of every service's Dockerfile. */
export const REPO_ROOT = resolve(import.meta.dir, "..", "..", "..");

/** Where stand-in base images' inputs and the podman settings are kept between runs. */
export function cacheDir(): string {
  return process.env.BF_CONTAINERS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bun-fargate", "containers");
}

/** The Bun the repository pins (the `bun` npm package), used by the synth and the tests. */
export const BUN = join(REPO_ROOT, "stacks", "node_modules", ".bin", "bun");
