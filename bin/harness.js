#!/usr/bin/env node
// One listener per signal for the whole life of the process, whose target changes: removing a listener
// would close its libuv handle and drop a signal that has arrived but is not yet dispatched (the harness
// would then run to the end, deaf to a SIGTERM that came while the CLI was loading).
// While the CLI is still loading, a signal gets the same answer as later ones: one envelope saying the
// run was interrupted (nothing has been started yet, so nothing needs stopping).
const early = (signal) => {
  const result = { error: { code: 'environment', message: `interrupted by ${signal}`, key: null } };
  process.stdout.write(`${JSON.stringify({ schema_version: 1, ok: false, command: 'harness', result, next_actions: [], duration_ms: 0 })}\n`);
  process.exit(2);
};
let target = early;
const relay = (signal) => target(signal);
process.on('SIGINT', relay);
process.on('SIGTERM', relay);
const { main } = await import('../dist/cli/main.js');

// While main runs, its handler; once it has its answer (being printed), signals change nothing.
main(process.argv.slice(2), (handler) => (target = handler ?? (() => {}))).then((code) => {
  process.exitCode = code;
  // Answered: a signal now only ends a process that would otherwise linger.
  target = () => process.exit(code);
});
