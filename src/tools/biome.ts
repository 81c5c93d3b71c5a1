import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, ToolContext } from '../model.js';
import type { LintRun } from './eslint.js';
import { repoPath } from './find.js';

interface BiomeReport {
  summary: { errors: number; diagnosticsNotPrinted?: number };
  diagnostics: { severity: string; message: string; category?: string; location?: { path?: string; start?: { line: number; column: number } } }[];
}

/** Biome's JSON report → one finding per error (warnings and infos do not fail a lint, as in Biome's own exit code). */
export function biomeFindings(root: string, cwd: string, report: BiomeReport): Finding[] {
  return report.diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'fatal')
    .map((d) => {
      const path = d.location?.path ? repoPath(root, join(cwd, d.location.path)) : null;
      const rule = d.category;
      const message = `${d.message}${rule ? ` (${rule})` : ''}`;
      return path && d.location?.start ? { path, line: d.location.start.line, col: d.location.start.column, message, ...(rule ? { rule } : {}) } : { path, message };
    });
}

/**
 * One `biome lint` over the given files (repo-relative, run from the root), every diagnostic into a JSON
 * report in the run directory (no cap on their number); its own config (biome.json[c]) decides the rules.
 */
export async function runBiome(ctx: ToolContext, argv: readonly string[], files: readonly string[]): Promise<LintRun> {
  const report = join(ctx.runDir, `${ctx.fileStem}.biome.json`);
  const args = ['lint', '--reporter=json', `--reporter-file=${report}`, '--max-diagnostics=none', '--no-errors-on-unmatched', '--files-ignore-unknown=true', '--colors=off'];
  const res = await ctx.exec([...argv, ...args, '--', ...files]);
  if (res.code !== 0 && res.code !== 1) return { res, failure: 'did not finish linting' };
  let parsed: BiomeReport;
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8')) as BiomeReport;
  } catch {
    return { res, failure: 'wrote no readable JSON report' };
  }
  const findings = biomeFindings(ctx.root, ctx.root, parsed);
  if (findings.length === 0 && res.code === 1) return { res, failure: 'failed but its report lists no error' };
  return { res, findings };
}
