import { appendFileSync } from 'node:fs';
import { renderFinding, type Finding } from '../model.js';
import type { Answer } from './build.js';

const PER_CHECK = 10; // GitHub shows at most 10 error annotations per step: spend them well

const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * `--format github`: workflow-command annotations (`::error file=…,line=…::`) for failed checks, on
 * changed files first, at most 10 per check, plus a job summary in $GITHUB_STEP_SUMMARY when set.
 */
export function renderGithub(answer: Answer, summaryFile: string | undefined): string {
  const env = answer.envelope;
  const changed = new Set(env.result.scope?.changed_files ?? []);
  const lines: string[] = [];
  for (const c of env.result.checks ?? []) {
    if (c.status === 'pass' || c.status === 'skipped') continue;
    const level = c.status === 'deferred' ? 'warning' : 'error';
    const onChanged = (f: Finding) => Number(f.line !== undefined && f.path !== null && changed.has(f.path));
    const findings = [...(answer.findings.get(c.id) ?? [])].sort((a, b) => onChanged(b) - onChanged(a));
    for (const f of findings.slice(0, PER_CHECK)) {
      lines.push(
        f.path !== null && f.line !== undefined
          ? `::${level} file=${prop(f.path)},line=${f.line},col=${f.col ?? 1},title=${prop(c.id)}::${data(f.message)}`
          : `::${level} title=${prop(c.id)}::${data(renderFinding(f))}`,
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
