import { join, relative } from 'node:path';
import type { ToolContext } from '../model.js';
import { lineHits, readCoverage } from '../tools/istanbul.js';
import { findVitest, runVitest } from '../tools/vitest.js';

export interface LineCoverage {
  /** Changed lines some test executes, per repo-relative file. */
  executed: Map<string, number[]>;
  /** Changed executable lines (holding a statement) that no test executes. */
  untested: { file: string; line: number }[];
  /** Changed files the coverage report does not know at all (nothing can be said of their lines). */
  unknown: string[];
}

/**
 * Which changed lines the tests execute: one vitest run with V8 coverage (`@vitest/coverage-v8`) in the
 * sandbox, per vitest config. Chosen over Stryker's perTest coverage because it answers for every
 * changed statement, not only for the mutants selected to run.
 */
export async function lineCoverage(
  ctx: ToolContext,
  box: string,
  group: { cwd: string; config: string | null; files: Map<string, number[]> },
  n: number,
): Promise<LineCoverage | { error: string }> {
  const tool = findVitest(box, group.cwd);
  if ('missing' in tool) return { error: tool.missing };
  const reports = join(ctx.runDir, `coverage-${n}`);
  const include = [...group.files.keys()].flatMap((f) => ['--coverage.include', relative(group.cwd, join(box, f))]);
  const coverage = ['--coverage.enabled', '--coverage.provider=v8', '--coverage.reporter=json', `--coverage.reportsDirectory=${reports}`];
  const { res } = await runVitest(ctx, tool.argv, { cwd: group.cwd, config: group.config, args: [...coverage, ...include, '--reporter=default'] });
  if (res.aborted) return { error: 'the coverage run was interrupted' };
  if (/Cannot find (package|dependency) '@vitest\/coverage-v8'|MISSING DEPENDENCY/i.test(res.tail)) {
    return { error: '@vitest/coverage-v8 is not installed: harness mutate needs it to find changed lines no test executes (npm i -D @vitest/coverage-v8)' };
  }
  if (res.code !== 0) return { error: `the tests fail before any mutation (vitest exit ${res.code}): run harness loop first` };
  const data = readCoverage(join(reports, 'coverage-final.json'));
  if (!data) return { error: 'vitest wrote no coverage report' };
  const executed = new Map<string, number[]>();
  const untested: LineCoverage['untested'] = [];
  const unknown: string[] = [];
  for (const [file, lines] of group.files) {
    const cov = data[join(box, file)];
    if (!cov) {
      unknown.push(file);
      continue;
    }
    const hits = lineHits(cov);
    const run = lines.filter((l) => (hits.get(l) ?? 0) > 0);
    if (run.length > 0) executed.set(file, run);
    for (const l of lines) if (hits.get(l) === 0) untested.push({ file, line: l });
  }
  return { executed, untested, unknown };
}
