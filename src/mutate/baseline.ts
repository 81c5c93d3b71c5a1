import { join, relative } from 'node:path';
import type { Finding, ToolContext } from '../model.js';
import { findVitest, runVitest } from '../tools/vitest.js';
import { lineCoverage } from './coverage.js';
import type { Sandbox } from './sandbox.js';
import type { Group, StrykerById } from './verdicts.js';

/** Which changed lines the tests execute (none failing), and how long finding out took. */
export interface Coverage {
  untested: Finding[];
  executed: Map<string, number[]>;
  ms: number;
}

/**
 * The test files (absolute) Stryker's dry run says cover the chosen mutants; null when it cannot say
 * (it failed, or a chosen mutant it ran names no covering test: a static mutant, run by every test).
 */
export function coveringTests(g: Group, run: StrykerById | { error: string }, chosen: readonly { id: string }[]): string[] | null {
  if ('error' in run) return null;
  const ran = chosen.map((c) => run.byId.get(c.id)).filter((r) => r !== undefined && r.status !== 'Ignored' && r.status !== 'NoCoverage');
  if (ran.some((r) => !r!.coveredBy || r!.coveredBy.length === 0)) return null;
  return [...new Set(ran.flatMap((r) => r!.coveredBy!.map((id) => join(g.cwd, id.split('#')[0]!))))];
}

/**
 * One group's line coverage: over `tests` when Stryker's dry run (which passed: it is then the
 * baseline) named the test files covering the group's mutants, and again over every related test when
 * that run leaves a line untested (a line holding no mutant may be run only by a test covering none), so
 * "untested" always means every test. Without `tests` this run is the baseline.
 */
async function groupCoverage(ctx: ToolContext, box: string, g: Group, n: number, tests: string[] | null) {
  const narrow = tests && tests.length > 0 ? await lineCoverage(ctx, box, g, n, tests) : null;
  if (narrow && !('baseline' in narrow) && !('error' in narrow) && narrow.untested.length === 0 && narrow.unknown.length === 0) return narrow;
  return lineCoverage(ctx, box, g, n);
}

/** Stage 3: which changed lines the tests execute, per group (`tests`: Stryker's covering test files, when it ran first). */
export async function coverageOf(ctx: ToolContext, box: Sandbox, groups: readonly Group[], tests: readonly (string[] | null)[]): Promise<Coverage | { error: string; fatal?: boolean }> {
  const untested: Finding[] = [];
  const executed = new Map<string, number[]>();
  const started = performance.now();
  for (const [n, g] of groups.entries()) {
    const cov = await groupCoverage(ctx, box.box, g, n, tests[n] ?? null);
    if ('baseline' in cov) return baselineFailure(ctx, box, g, cov.baseline);
    if ('error' in cov) return { error: cov.error };
    if (cov.unknown.length > 0) return { error: `no coverage data for ${cov.unknown.join(', ')}: its lines cannot be judged` };
    untested.push(...cov.untested.map((u) => ({ path: u.file, line: u.line, col: 1, message: 'changed line executed by no test' })));
    for (const [f, l] of cov.executed) executed.set(f, l);
  }
  return { untested, executed, ms: performance.now() - started };
}

/** Do the group's tests pass in the user's tree (as loop runs them)? Then harness's copy is what fails. */
async function passesInTree(ctx: ToolContext, box: Sandbox, g: Group): Promise<boolean> {
  const tool = findVitest(ctx.root, ctx.root);
  if ('missing' in tool) return false;
  const inTree = (p: string) => join(ctx.root, relative(box.box, p));
  const report = join(ctx.runDir, 'baseline-in-tree.vitest.json');
  const { report: r } = await runVitest(ctx, tool.argv, { cwd: inTree(g.cwd), config: g.config && inTree(g.config), report, args: ['--passWithNoTests', ...g.extra, ...g.targets.map(inTree)] });
  return r !== null && r.numFailedTests === 0 && r.numPassedTests > 0 && !r.testResults.some((t) => t.status === 'failed');
}

/** The tests failed in the copy before any mutation: harness could not run (they pass in the tree), or they fail. */
async function baselineFailure(ctx: ToolContext, box: Sandbox, g: Group, line: string): Promise<{ error: string; fatal: boolean }> {
  const copied = `the copy holds the ${box.copied.known} files git knows and ${box.copied.ignored} git-ignored ones outside node_modules, node_modules linked`;
  return (await passesInTree(ctx, box, g))
    ? { error: `the tests pass in the work tree but fail in harness's copy (${copied}): ${line}`, fatal: true }
    : { error: `the tests fail before any mutation: ${line} — fix them first (harness loop runs them)`, fatal: false };
}
