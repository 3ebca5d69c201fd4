/** One invalid value: where it is, what it was, and what is allowed. */
export interface ConfigIssue {
  /** `prod`, or `prod / service "bun-api"`, or `config` for platform-wide values. */
  readonly where: string;
  readonly field: string;
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly problem: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.where}: ${issue.field} = ${JSON.stringify(issue.value)}: ${issue.problem}`;
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
