import type { Envelope } from './build.js';

const MARK: Record<string, string> = { pass: 'ok  ', fail: 'FAIL', error: 'ERR ', deferred: 'DEFR', skipped: 'skip' };
const COLOUR: Record<string, string> = { pass: '32', fail: '31', error: '31', deferred: '33', skipped: '2' };

/** `--format text`: a short human summary of the same envelope (the JSON stays the contract). */
export function renderText(env: Envelope, colour = false): string {
  const paint = (code: string, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  const { scope, checks, summary, error, init } = env.result;
  lines.push(`${env.command}: ${env.ok ? paint('32', 'OK') : paint('31;1', 'NOT OK')} (${(env.duration_ms / 1000).toFixed(1)}s)`);
  if (error) lines.push(`  ${error.code} error${error.key ? ` [${error.key}]` : ''}: ${error.message}`);
  if (init) {
    lines.push(`  ${init.written ? 'wrote' : init.config ? 'would write' : 'left as it is'} ${init.path}: ${init.scopes} scope(s), ${init.test_edges} test-only edge(s)`);
    for (const a of init.agents ?? []) {
      lines.push(`  ${a.status === 'in_sync' ? 'in sync' : a.written ? 'wrote' : a.status}: ${a.path}`);
      for (const c of a.changes) lines.push(`       ${c}`);
    }
    if (init.config) lines.push('', init.config);
  }
  if (scope) {
    lines.push(`  scope: ${scope.mode}${scope.full_reason ? ` — ${scope.full_reason}` : ''}; ${scope.changed_files.length + (scope.omitted_changed_files ?? 0)} changed file(s); scopes: ${scope.expanded_scopes.join(', ') || '(none)'}`);
    for (const [s, w] of Object.entries(scope.why ?? {})) lines.push(`    ${s}: ${w.edge === 'changed' ? `${w.file} changed` : `${w.via.join(' → ')} (${w.edge}; ${w.file} changed)`}`);
  }
  for (const c of checks ?? []) {
    const held = c.preexisting ? `; ${c.preexisting} preexisting, held by the line` : '';
    lines.push(`  ${paint(COLOUR[c.status]!, MARK[c.status]!)} ${c.id} (${c.cached ? 'cached' : `${(c.duration_ms / 1000).toFixed(1)}s`}${held})`);
    for (const d of c.details) lines.push(`       ${d}`);
    if (c.omitted_details > 0) lines.push(`       … ${c.omitted_details} more in ${c.log}`);
  }
  if (summary) {
    lines.push(`  ${summary.passed} passed, ${summary.failed} failed, ${summary.errors} errors, ${summary.deferred} deferred`);
  }
  for (const a of env.next_actions) lines.push(`  next: ${a.command} — ${a.description}`);
  return `${lines.join('\n')}\n`;
}
