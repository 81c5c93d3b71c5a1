import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult, Finding, ToolContext } from '../model.js';
import { locate, repoPath, type Located, type ToolSpec } from './find.js';

export const ESLINT: ToolSpec = { pkg: 'eslint', bin: 'eslint' };

interface EslintFile {
  filePath: string;
  messages: { ruleId: string | null; severity: number; message: string; line?: number; column?: number }[];
}

/** The target's own ESLint, found from `fromDir`. */
export function findEslint(root: string, fromDir: string): Located {
  return locate(root, fromDir, ESLINT);
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
 * One ESLint run (flat config discovered per file) over absolute paths, with a JSON report in the run
 * directory; `ignore` are ignore patterns (other scopes' directories). Absolute paths: a directory named
 * like an option can never be read as one.
 */
export async function runEslint(ctx: ToolContext, argv: readonly string[], targets: readonly string[], ignore: readonly string[]): Promise<LintRun> {
  const report = join(ctx.runDir, `${ctx.fileStem}.eslint.json`);
  const ignores = ignore.flatMap((p) => ['--ignore-pattern', p]);
  const res = await ctx.exec([...argv, '--format', 'json', '--output-file', report, ...ignores, ...targets]);
  if (res.code !== 0 && res.code !== 1) return { res, failure: 'did not finish linting' };
  let files: EslintFile[];
  try {
    files = JSON.parse(readFileSync(report, 'utf8')) as EslintFile[];
  } catch {
    return { res, failure: 'wrote no readable JSON report' };
  }
  const findings = eslintFindings(ctx.root, files);
  if (findings.length === 0 && res.code === 1) return { res, failure: 'failed but its report lists no error' };
  return { res, findings };
}
