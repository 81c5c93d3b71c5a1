#!/usr/bin/env node
// Signals that arrive while the CLI is still loading get the same answer as later ones: one envelope
// saying the run was interrupted (nothing has been started yet, so nothing needs stopping).
const early = (signal) => {
  const result = { error: { code: 'environment', message: `interrupted by ${signal}`, key: null } };
  process.stdout.write(`${JSON.stringify({ schema_version: 1, ok: false, command: 'harness', result, next_actions: [], duration_ms: 0 })}\n`);
  process.exit(2);
};
process.on('SIGINT', early);
process.on('SIGTERM', early);
const { main } = await import('../dist/cli/main.js');
process.off('SIGINT', early);
process.off('SIGTERM', early);

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
