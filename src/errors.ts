/** An error the user can act on: usage, configuration, or an environment the harness cannot run in (exit 2). */
export class HarnessError extends Error {
  constructor(
    readonly code: 'usage' | 'config' | 'environment',
    message: string,
    /** The harness.toml key (dotted) or CLI option the error is about, when there is one. */
    readonly key: string | null = null,
  ) {
    super(message);
  }
}
