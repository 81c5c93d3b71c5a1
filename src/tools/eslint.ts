import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult, Finding, ToolContext } from '../model.js';
import { repoPath } from './find.js';

interface EslintFile {
  filePath: string;
  messages: { ruleId: string | null; severity: number; message: string; line?: number; column?: number }[];
}

/** ESLint's JSON report → one finding per error (warnings do not fail a lint). */
export function eslintFindings(root: string, files: readonly EslintFile[]): Finding[] {
  return files.flatMap((f) => {
    const path = repoPath(root, f.filePath);
    return f.messages
      .filter((m) => m.severity === 2)
      .map((m) => ({
        path,
        line: m.line ?? 1,
        col: m.column ?? 1,
        message: `${m.message}${m.ruleId ? ` (${m.ruleId})` : ''}`,
        ...(m.ruleId ? { rule: m.ruleId } : {}),
      }));
  });
}

export type LintRun = { res: ExecResult; findings: Finding[] } | { res: ExecResult; failure: string };

/**
 * One ESLint run (flat config discovered per file) over the given files (repo-relative, run from the
 * root), with a JSON report in the run directory. A file the config ignores is skipped without a
 * warning; `--` ends the options, so a file named like an option is never read as one.
 */
export async function runEslint(ctx: ToolContext, argv: readonly string[], files: readonly string[]): Promise<LintRun> {
  const report = join(ctx.runDir, `${ctx.fileStem}.eslint.json`);
  const res = await ctx.exec([...argv, '--format', 'json', '--output-file', report, '--no-warn-ignored', '--', ...files]);
  if (res.code !== 0 && res.code !== 1) return { res, failure: 'did not finish linting' };
  let parsed: EslintFile[];
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8')) as EslintFile[];
  } catch {
    return { res, failure: 'wrote no readable JSON report' };
  }
  const findings = eslintFindings(ctx.root, parsed);
  if (findings.length === 0 && res.code === 1) return { res, failure: 'failed but its report lists no error' };
  return { res, findings };
}
