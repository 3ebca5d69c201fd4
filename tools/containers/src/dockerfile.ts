/** What the image tools need to know of a Dockerfile: its global ARG defaults (the base images). */
import { readFileSync } from "node:fs";

/** `ARG NAME=value` lines before the first FROM, in order. */
export function globalArgs(dockerfile: string): Map<string, string> {
  const args = new Map<string, string>();
  const text = readFileSync(dockerfile, "utf8").replace(/\\\n/g, " ");
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (/^FROM\s/i.test(line)) break;
    const m = /^ARG\s+(\w+)=(\S+)$/i.exec(line);
    if (m) args.set(m[1]!, m[2]!.replace(/^"(.*)"$/, "$1"));
  }
  return args;
}
