import { parse } from "yaml";

/**
 * One accepted checkov finding. `resource` is a glob over `<stack>/<construct path>` as written in
 * each resource's `//.metadata.path` (e.g. `*-cluster/LoadBalancer/Alb`): `*` matches within one
 * path segment, `**` across segments, `{dev,staging}` one of the alternatives.
 */
export interface Skip {
  readonly check: string;
  readonly resource: string;
  readonly reason: string;
}

export class SkipFileError extends Error {}

const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;
const MIN_REASON = 10;

/** Reads and validates the skip file; every entry names a check, a resource and a reason. */
export function parseSkips(text: string, file = "skips.yaml"): Skip[] {
  const doc = parse(text) as { skips?: unknown } | null;
  const entries = doc?.skips ?? [];
  if (!Array.isArray(entries)) throw new SkipFileError(`${file}: "skips" must be a list, got ${typeof entries}`);
  return entries.map((entry: Record<string, unknown>, i) => {
    const where = `${file}: skips[${i}]`;
    const { check, resource, reason } = entry ?? {};
    if (typeof check !== "string" || !CHECK_ID.test(check)) {
      throw new SkipFileError(`${where}: check is ${JSON.stringify(check)}; expected a checkov ID such as CKV_AWS_91 or CKV2_AWS_28`);
    }
    if (typeof resource !== "string" || !resource.includes("/")) {
      throw new SkipFileError(`${where} (${check}): resource is ${JSON.stringify(resource)}; expected "<stack>/<construct path>", globs allowed`);
    }
    if (typeof reason !== "string" || reason.trim().length < MIN_REASON) {
      throw new SkipFileError(`${where} (${check} on ${resource}): reason is ${JSON.stringify(reason)}; write why (at least ${MIN_REASON} characters)`);
    }
    return { check, resource, reason: reason.trim() };
  });
}

export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^/]*";
    else if (c === "{") source += "(?:";
    else if (c === "}") source += ")";
    else if (c === "," && source.lastIndexOf("(?:") > source.lastIndexOf(")")) source += "|";
    else source += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** The first skip that covers a check on a resource path. */
export function findSkip(skips: readonly Skip[], check: string, resourcePath: string): Skip | undefined {
  return skips.find((s) => s.check === check && globToRegExp(s.resource).test(resourcePath));
}
