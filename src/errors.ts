import type { ErrorCode } from './model.js';

/** An error the user can act on: usage, configuration, or an environment the harness cannot run in (exit 2). */
export class HarnessError extends Error {
  constructor(
    readonly code: Exclude<ErrorCode, 'internal'>,
    message: string,
    /** The harness.toml key (dotted) or CLI option the error is about, when there is one. */
    readonly key: string | null = null,
  ) {
    super(message);
  }
}
