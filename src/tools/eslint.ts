import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExecResult, Finding, ToolContext } from '../model.js';
import { majorOfBin, repoPath } from './find.js';

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
 * One ESLint run over the given files (repo-relative), with a JSON report in the run directory. ESLint
 * 10 finds the flat config from each file, so it runs from the root; ESLint 9 reads only the config in
 * its working directory, so it runs from the directory of the config that reaches the files (as the
 * package's own `eslint .` would). A file the config ignores is skipped without a warning; `--` ends
 * the options, so a file named like an option is never read as one.
 */
export async function runEslint(ctx: ToolContext, argv: readonly string[], files: readonly string[], config: string | null): Promise<LintRun> {
  const report = join(ctx.runDir, `${ctx.fileStem}.eslint.json`);
  const cwd = config && (majorOfBin(argv[1]!, 'eslint') ?? 10) < 10 ? dirname(config) : ctx.root;
  const res = await ctx.exec([...argv, '--format', 'json', '--output-file', report, '--no-warn-ignored', '--', ...files.map((f) => join(ctx.root, f))], { cwd });
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
