import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolContext } from '../model.js';
import { findVitest, runVitest } from '../tools/vitest.js';
import type { Candidate } from './mutants.js';

export type Recheck = { verdict: 'survives' | 'killed'; tests: number } | { verdict: 'error'; why: string };

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
  ctx: ToolContext,
  box: string,
  group: { cwd: string; config: string | null },
  m: Candidate,
  testFiles: readonly string[],
  n: number,
  timeoutMs: number,
): Promise<Recheck> {
  const tool = findVitest(box, group.cwd);
  if ('missing' in tool) return { verdict: 'error', why: tool.missing };
  const file = join(box, m.file);
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, applyMutant(original, m));
  try {
    const { res, report: parsed } = await runVitest(ctx, tool.argv, {
      cwd: group.cwd,
      config: group.config,
      report: join(ctx.runDir, `recheck-${n}.vitest.json`),
      args: ['--testTimeout=10000', ...testFiles.map((t) => join(group.cwd, t))],
      timeoutMs,
    });
    if (res.aborted) return { verdict: 'killed', tests: 0 }; // hung under the mutant: a reproduced timeout
    if (!parsed) return { verdict: 'error', why: `plain vitest wrote no report (exit ${res.code})` };
    if (parsed.numFailedTests > 0 || parsed.testResults.some((t) => t.status === 'failed')) return { verdict: 'killed', tests: parsed.numTotalTests };
    if (parsed.numPassedTests === 0) return { verdict: 'error', why: 'the plain vitest re-run executed no test' };
    return { verdict: 'survives', tests: parsed.numPassedTests };
  } finally {
    writeFileSync(file, original);
  }
}
