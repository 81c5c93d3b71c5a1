import type { Envelope } from '../envelope/build.js';

/** A short reason for the agent: the first failing check and its first detail, and what to run next. */
export function reasonOf(env: Envelope): string {
  if (env.result.error) return `harness could not verify the change (${env.result.error.code}): ${env.result.error.message}`.slice(0, 600);
  const bad = (env.result.checks ?? []).filter((c) => c.status === 'fail' || c.status === 'error');
  if (bad.length === 0) {
    const deferred = (env.result.checks ?? []).filter((c) => c.status === 'deferred').map((c) => c.id);
    return `harness loop ran out of budget: ${deferred.join(', ')} did not run. Run: ${env.next_actions[0]?.command ?? 'harness loop'}`.slice(0, 600);
  }
  const first = bad[0]!;
  const more = bad.length > 1 ? ` (+${bad.length - 1} more failing check(s): ${bad.slice(1).map((c) => c.id).join(', ')})` : '';
  const next = env.next_actions[0] ? ` Then run: ${env.next_actions[0].command}` : '';
  return `harness loop failed: ${first.id}: ${first.details[0] ?? first.status}${more}.${next}`.slice(0, 600);
}

/** The identity of a failure for the repeat guard: which checks fail and their first findings (null: nothing to block on). */
export function signatureOf(env: Envelope): string | null {
  // Deferred checks did not run: stopping now would leave the change unverified.
  if (env.ok && (env.result.summary?.deferred ?? 0) === 0) return null;
  // A run's log directory differs every run: it is no part of what failed.
  if (env.result.error) return `error:${env.result.error.code}:${env.result.error.message.replace(/\(logs: [^)]*\)/g, '')}`;
  return (env.result.checks ?? [])
    .filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'deferred')
    .map((c) => `${c.id}:${c.details[0] ?? ''}`)
    .join('\n');
}

/** What the person is told when harness stops insisting on a failure the agent did not fix. */
export function releaseNote(blocks: number, reason: string): string {
  return `harness: the same failure blocked the stop ${blocks} time(s) in a row, so the agent may stop now (--max-blocks); still unresolved: ${reason}`.slice(0, 800);
}
