import { appendFileSync } from 'node:fs';
import type { Envelope } from './build.js';

const PER_CHECK = 10; // GitHub shows at most 10 error annotations per step: spend them well

const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `path:line:col message` → its parts, or null for a detail without a location. */
export function locate(detail: string): { file: string; line: number; col: number; message: string } | null {
  const m = /^(.+?):(\d+):(\d+) (.*)$/s.exec(detail);
  return m ? { file: m[1]!, line: +m[2]!, col: +m[3]!, message: m[4]! } : null;
}

/**
 * `--format github`: workflow-command annotations (`::error file=…,line=…::`) for failed checks, on
 * changed files first, at most 10 per check, plus a job summary in $GITHUB_STEP_SUMMARY when set.
 */
export function renderGithub(env: Envelope, summaryFile: string | undefined): string {
  const changed = new Set(env.result.scope?.changed_files ?? []);
  const lines: string[] = [];
  for (const c of env.result.checks ?? []) {
    if (c.status === 'pass' || c.status === 'skipped') continue;
    const level = c.status === 'deferred' ? 'warning' : 'error';
    const located = c.details.map((d) => ({ d, at: locate(d) }));
    located.sort((a, b) => Number(b.at !== null && changed.has(b.at.file)) - Number(a.at !== null && changed.has(a.at.file)));
    for (const { d, at } of located.slice(0, PER_CHECK)) {
      lines.push(
        at
          ? `::${level} file=${prop(at.file)},line=${at.line},col=${at.col},title=${prop(c.id)}::${data(at.message)}`
          : `::${level} title=${prop(c.id)}::${data(d)}`,
      );
    }
  }
  if (env.result.error) lines.push(`::error title=${prop(env.command)}::${data(env.result.error.message)}`);
  const s = env.result.summary;
  lines.push(
    `::notice title=${prop(env.command)}::${env.ok ? 'OK' : 'NOT OK'}${s ? ` — ${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.deferred} deferred` : ''}`,
  );
  if (summaryFile) {
    const rows = (env.result.checks ?? []).map((c) => `| ${c.id} | ${c.status} | ${(c.duration_ms / 1000).toFixed(1)}s | ${(c.details[0] ?? '').replace(/\|/g, '\\|')} |`);
    appendFileSync(
      summaryFile,
      [`### ${env.command}: ${env.ok ? '✅ OK' : '❌ NOT OK'}`, '', '| check | status | time | first finding |', '|---|---|---|---|', ...rows, ''].join('\n') + '\n',
    );
  }
  return `${lines.join('\n')}\n`;
}
