import { join, relative } from 'node:path';
import type { ToolContext } from '../model.js';
import { lineHits, readCoverage } from '../tools/istanbul.js';
import { findVitest, runVitest, type VitestReport } from '../tools/vitest.js';

/** Changed files under one vitest config, and how to run that config's tests for them. */
export interface CoverageGroup {
  cwd: string;
  config: string | null;
  files: Map<string, number[]>;
  /** Directories (in the sandbox) of the changed files' scopes; empty: the whole config. */
  targets: string[];
  /** `--project` and exclusion arguments, as loop's test uses them. */
  extra: string[];
}

export interface LineCoverage {
  /** Changed lines some test executes, per repo-relative file. */
  executed: Map<string, number[]>;
  /** Changed executable lines (holding a statement) that no test executes. */
  untested: { file: string; line: number }[];
  /** Changed files the coverage report does not know at all (nothing can be said of their lines). */
  unknown: string[];
}

/** The tests failed in the sandbox before any mutation: why, in one line. */
export interface BaselineFailure {
  baseline: string;
}

/** The first line of vitest's output naming a failure, with the error line under it (a suite's own error is in no report entry). */
function failureInTail(tail: string): string {
  const lines = tail.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim());
  const at = lines.findIndex((l) => /\b(Error|FAIL|failed)\b/.test(l));
  if (at < 0) return lines.filter(Boolean).at(-1) ?? '';
  return /\bFAIL\b/.test(lines[at]!) && /Error\b/.test(lines[at + 1] ?? '') ? `${lines[at]}: ${lines[at + 1]}` : lines[at]!;
}

/** The first line a failing vitest run gives as its reason. */
function firstError(report: VitestReport | null, tail: string): string {
  const failure = report?.testResults.flatMap((f) => [f.message ?? '', ...f.assertionResults.flatMap((a) => a.failureMessages ?? [])]).find((m) => m.trim() !== '');
  return (failure ?? failureInTail(tail)).replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n')[0]!.slice(0, 300);
}

/**
 * Which changed lines the tests execute: one vitest run with V8 coverage (`@vitest/coverage-v8`) in the
 * sandbox, per vitest config, limited as loop's test is (the changed scopes' directories, the projects
 * the repo's test command runs). Chosen over Stryker's perTest coverage because it answers for every
 * changed statement, not only for the mutants selected to run. The verdict is the tests' (the JSON
 * report), never the repo's coverage thresholds: gate enforces those. With `tests`, only those test
 * files run (Stryker's dry run named them as covering the mutants).
 */
export async function lineCoverage(ctx: ToolContext, box: string, group: CoverageGroup, n: number, tests: readonly string[] | null = null): Promise<LineCoverage | BaselineFailure | { error: string }> {
  const tool = findVitest(box, group.cwd);
  if ('missing' in tool) return { error: tool.missing };
  const reports = join(ctx.runDir, `coverage-${n}`);
  const include = [...group.files.keys()].flatMap((f) => ['--coverage.include', relative(group.cwd, join(box, f))]);
  const coverage = ['--coverage.enabled', '--coverage.provider=v8', '--coverage.reporter=json', `--coverage.reportsDirectory=${reports}`];
  const { res, report } = await runVitest(ctx, tool.argv, {
    cwd: group.cwd,
    config: group.config,
    report: join(ctx.runDir, `coverage-${n}.vitest.json`),
    // Only the tests whose imports reach the changed files (as Stryker's own dry run picks them): a test
    // reaching them otherwise (a dynamic import) is not run, and their lines then fail as untested.
    // Given `tests` (absolute test files), exactly those.
    ...(tests ? {} : { related: [...group.files.keys()].map((f) => join(box, f)) }),
    args: [...coverage, ...include, '--reporter=default', '--passWithNoTests', ...group.extra, ...(tests ?? [])],
  });
  if (res.aborted) return { error: 'the coverage run was interrupted' };
  if (/Cannot find (package|dependency) '@vitest\/coverage-v8'|MISSING DEPENDENCY/i.test(res.tail)) {
    return { error: '@vitest/coverage-v8 is not installed: harness mutate needs it to find changed lines no test executes (npm i -D @vitest/coverage-v8)' };
  }
  if (!report) return { baseline: firstError(null, res.tail) || `vitest wrote no readable report (exit ${res.code})` };
  if (report.numFailedTests > 0 || report.testResults.some((t) => t.status === 'failed')) return { baseline: firstError(report, res.tail) };
  if (report.numPassedTests === 0) return { error: 'the coverage run executed no test of the changed scopes: nothing can be said of their lines' };
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
