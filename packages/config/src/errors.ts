import { show } from "./show";

/** One invalid value: where it is, what it was, and what is allowed. */
export interface ConfigIssue {
  /**
   * `prod`; `prod / service "bun-api"` (an environment's view of a service: its override, or the
   * service with that environment's values); `service "bun-api"` (the entry in services.ts); or
   * `config` for platform-wide values.
   */
  readonly where: string;
  readonly field: string;
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly problem: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.where}: ${issue.field} = ${show(issue.value)}: ${issue.problem}`;
}

/** Thrown by `loadConfig` with every issue found, before anything is synthesized. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}); nothing was synthesized:\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
