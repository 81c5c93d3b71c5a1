import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckContext } from '../checks/check.js';
import { toolArgv } from '../checks/tools.js';
import type { Candidate } from './mutants.js';

export type Recheck = { verdict: 'survives' | 'killed'; tests: number } | { verdict: 'error'; why: string };

interface Report {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { status: string; assertionResults: unknown[] }[];
}

/** Replace a 1-based, end-exclusive location of `source` with `replacement`. */
export function applyMutant(source: string, m: Pick<Candidate, 'line' | 'col' | 'endLine' | 'endCol' | 'replacement'>): string {
  const lines = source.split('\n');
  const offset = (line: number, col: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
  return source.slice(0, offset(m.line, m.col)) + m.replacement + source.slice(offset(m.endLine, m.endCol));
}

/**
 * Re-check a mutant with plain vitest (Stryker's vitest runner has reported false survivors): apply it
 * to the sandbox copy, run its covering test files (or all of the config's tests when Stryker named
 * none), and restore the file. A failing run kills it; a run with no test is an error, never a verdict.
 */
export async function recheck(
  ctx: CheckContext,
  box: string,
  group: { cwd: string; config: string | null },
  m: Candidate,
  testFiles: readonly string[],
  n: number,
  timeoutMs: number,
): Promise<Recheck> {
  const tool = toolArgv(box, group.cwd, 'vitest', 'vitest');
  if ('missing' in tool) return { verdict: 'error', why: tool.missing };
  const file = join(box, m.file);
  const original = readFileSync(file, 'utf8');
  const report = join(ctx.runDir, `recheck-${n}.vitest.json`);
  writeFileSync(file, applyMutant(original, m));
  try {
    const res = await ctx.exec(
      [
        ...tool.argv,
        'run',
        ...(group.config ? ['--config', group.config] : []),
        '--reporter=json',
        `--outputFile.json=${report}`,
        '--testTimeout=10000',
        ...testFiles.map((t) => join(group.cwd, t)),
      ],
      { cwd: group.cwd, env: { ...process.env, CI: 'true' }, timeoutMs },
    );
    if (res.aborted) return { verdict: 'killed', tests: 0 }; // hung under the mutant: a reproduced timeout
    let parsed: Report;
    try {
      parsed = JSON.parse(readFileSync(report, 'utf8')) as Report;
    } catch {
      return { verdict: 'error', why: `plain vitest wrote no report (exit ${res.code})` };
    }
    if (parsed.numFailedTests > 0 || parsed.testResults.some((t) => t.status === 'failed')) return { verdict: 'killed', tests: parsed.numTotalTests };
    if (parsed.numPassedTests === 0) return { verdict: 'error', why: 'the plain vitest re-run executed no test' };
    return { verdict: 'survives', tests: parsed.numPassedTests };
  } finally {
    writeFileSync(file, original);
  }
}
