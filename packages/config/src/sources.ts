import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";

/**
 * Why a service's `source` cannot be built, or undefined: it must be a folder inside the repository
 * with a Dockerfile in it (the pipeline builds every image from there).
 */
export function sourceProblem(root: string, source: string): string | undefined {
  const folder = join(root, source);
  if (!existsSync(folder)) return `no such folder under the repository root (${root})`;
  if (!statSync(folder).isDirectory()) return "is a file, not a folder";
  // A symbolic link could point anywhere; the build context must stay in the repository.
  const inside = relative(realpathSync(root), realpathSync(folder));
  if (inside.startsWith("..") || isAbsolute(inside)) return "leads outside the repository";
  const dockerfile = join(folder, "Dockerfile");
  if (!existsSync(dockerfile) || !statSync(dockerfile).isFile()) return "has no Dockerfile; each service is built from the Dockerfile in its folder";
  return undefined;
}
