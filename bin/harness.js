#!/usr/bin/env node
// One listener per signal for the whole life of the process, whose target changes: removing a listener
// would close its libuv handle and drop a signal that has arrived but is not yet dispatched (the harness
// would then run to the end, deaf to a SIGTERM that came while the CLI was loading).
// While the CLI is still loading, a signal gets the same answer as later ones: one envelope saying the
// run was interrupted (nothing has been started yet, so nothing needs stopping).
const envelope = (error) =>
  `${JSON.stringify({ schema_version: 1, ok: false, command: 'harness', result: { error }, next_actions: [], duration_ms: 0 })}\n`;
const early = (signal) => {
  process.stdout.write(envelope({ code: 'environment', message: `interrupted by ${signal}`, key: null }));
  process.exit(2);
};
let target = early;
const relay = (signal) => target(signal);
process.on('SIGINT', relay);
process.on('SIGTERM', relay);

// The process-level net: an uncaught exception or unhandled rejection anywhere is an internal error,
// answered with one envelope (unless the answer was already printed) and exit 2, never a bare stack trace.
let cli = null;
const crash = (error) => {
  const line = cli ? cli.crashAnswer(error) : envelope({ code: 'internal', message: `internal error: ${error?.stack ?? String(error)}`.slice(0, 2000), key: null });
  if (line) process.stdout.write(line);
  process.exit(2);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
try {
  cli = await import('../dist/cli/main.js');
} catch (error) {
  crash(error);
}

// While main runs, its handler; once it has its answer (being printed), signals change nothing.
cli.main(process.argv.slice(2), (handler) => (target = handler ?? (() => {}))).then((code) => {
  process.exitCode = code;
  // Answered: a signal now only ends a process that would otherwise linger.
  target = () => process.exit(code);
});
