import type { Finding, ToolContext } from '../model.js';
import type { LintRun } from './eslint.js';

interface OxlintReport {
  diagnostics: { message: string; code?: string; severity: string; filename?: string; labels?: { span: { line: number; column: number } }[] }[];
}

/** oxlint's JSON output → one finding per error (warnings do not fail a lint, as in oxlint's own exit code). */
export function oxlintFindings(report: OxlintReport): Finding[] {
  return report.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const at = d.labels?.[0]?.span;
      const message = `${d.message}${d.code ? ` (${d.code})` : ''}`;
      const base = { path: d.filename ?? null, message, ...(d.code ? { rule: d.code } : {}) };
      return at && d.filename ? { ...base, line: at.line, col: at.column } : base;
    });
}

/** One `oxlint` over the given files (repo-relative, run from the root); its config (.oxlintrc.json[c]) decides the rules. */
export async function runOxlint(ctx: ToolContext, argv: readonly string[], files: readonly string[]): Promise<LintRun> {
  const res = await ctx.exec([...argv, '--format', 'json', '--', ...files]);
  if (res.code !== 0 && res.code !== 1) return { res, failure: 'did not finish linting' };
  let parsed: OxlintReport;
  try {
    parsed = JSON.parse(res.stdout) as OxlintReport;
  } catch {
    return { res, failure: 'printed no readable JSON report' };
  }
  const findings = oxlintFindings(parsed);
  if (findings.length === 0 && res.code === 1) return { res, failure: 'failed but its report lists no error' };
  return { res, findings };
}
