/** One problem found in the config file. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `connectors.demo.secretToken`; empty for the file as a whole. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

/**
 * The config file is unusable. `issues` lists every problem found; `message` has one line per
 * issue, `config.yaml:12: connectors.demo.secretToken: must be at least 12 characters long`.
 * Never carries a secret value.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly sourceName: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(issues.map((issue) => formatIssue(sourceName, issue)).join('\n'));
  }
}

export function formatIssue(sourceName: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? sourceName : `${sourceName}:${issue.line}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}
