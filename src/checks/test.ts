import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { dependencyClosure, nestedPrefixes, ownerOf, prefixesOf } from '../scope/resolve.js';
import { nearest, repoPath } from '../tools/find.js';
import { scriptProjects } from '../config/workspace.js';
import { findVitest, projectArgs, runVitest, VITEST_CONFIGS, vitestFindings, type VitestFile } from '../tools/vitest.js';
import type { CheckResult, Finding } from '../model.js';
import { declaresThresholds, thresholdArgs, thresholdFindings } from '../tools/vitest-thresholds.js';
import { errorResult, toolError, verdict, type Check, type CheckContext } from './check.js';

const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/;

/** The scope's directories grouped by their nearest vitest/vite config (null: none, run from the root). */
function byConfig(root: string, dirs: readonly string[]): Map<string | null, string[]> {
  const groups = new Map<string | null, string[]>();
  for (const d of dirs) {
    const config = nearest(root, d, VITEST_CONFIGS);
    groups.set(config, [...(groups.get(config) ?? []), d]);
  }
  return groups;
}

/** A run covers the whole config (its thresholds mean something) when one of the scope's directories is the config's. */
function wholeConfig(config: string | null, dirs: readonly string[]): boolean {
  return config !== null && dirs.some((d) => d.replace(/\/$/, '') === dirname(config));
}

interface GroupRun {
  own: VitestFile[];
  /** Thresholds the run missed (gate), or notes that they were not evaluated. */
  coverage: Finding[];
  notes: Finding[];
}

/** One vitest run of a config's part of the scope: the scope's own results, and the repo's coverage thresholds where they apply. */
async function runGroup(ctx: CheckContext, scope: string, argv: string[], config: string | null, dirs: string[], n: number): Promise<GroupRun | CheckResult> {
  const cwd = config ? dirname(config) : ctx.root;
  const nested = nestedPrefixes(ctx.config, scope).flatMap((p) => ['--exclude', `${relative(cwd, join(ctx.root, p))}/**`]);
  const projects = projectArgs(ctx.root, config, ctx.config.test.projects ?? scriptProjects(ctx.root));
  const thresholds = declaresThresholds(config);
  // The repo's own coverage thresholds: gate evaluates them on a run of the whole config; a partial run cannot.
  const evaluate = thresholds && ctx.verb === 'gate' && wholeConfig(config, dirs);
  const reports = join(ctx.runDir, `${ctx.fileStem}.${n}.coverage`);
  const args = ['--passWithNoTests', '--reporter=default', ...(evaluate ? thresholdArgs(reports) : []), ...projects, ...nested, ...dirs.map((d) => (d.endsWith('/') ? d : `${d}/`))];
  const { res, report } = await runVitest(ctx, argv, { cwd, config, args, report: join(ctx.runDir, `${ctx.fileStem}.${n}.vitest.json`) });
  if (res.code !== 0 && res.code !== 1) return toolError('vitest', res, 'did not finish');
  if (!report) return toolError('vitest', res, 'wrote no readable JSON report');
  // Vitest's path filter also matches substrings elsewhere: keep only this scope's files.
  const own = report.testResults.filter((f) => ownerOf(repoPath(ctx.root, f.name), ctx.config.scope.path_map) === scope);
  const coverage = evaluate ? thresholdFindings(ctx.root, config!, `${res.stdout}\n${res.tail}`, reports) : [];
  if (res.code === 1 && vitestFindings(ctx.root, own).length === 0 && coverage.length === 0) {
    return toolError('vitest', res, 'failed but its report lists no failure in this scope');
  }
  const why = ctx.verb === 'gate' ? 'this config is shared by other scopes: its thresholds are for the whole suite' : 'loop leaves them to gate: a partial run cannot meet them';
  const notes = thresholds && !evaluate ? [{ path: repoPath(ctx.root, config!), message: `coverage thresholds not evaluated (${why})` }] : [];
  return { own, coverage, notes };
}

/**
 * test:<scope> — the target's own vitest, run once per nearest vitest/vite config of the scope's
 * directories (per-package configs, or a root one with `projects`), limited to those directories and to
 * the projects the repo's own test command runs. Fail closed: vitest runs in CI mode (no snapshot writes,
 * `.only` is an error); results are kept only for the scope's own files; a run in which no test of the
 * scope passed, or that did not run a changed test file of the scope, is an error, never a pass. gate
 * also holds the run to the repo's coverage thresholds.
 */
export function testCheck(scope: string, cost = 4): Check {
  return {
    id: `test:${scope}`,
    cost,
    cacheInputs: (config) => ({ prefixes: dependencyClosure(config, scope, true).flatMap((s) => prefixesOf(config, s)), tools: ['vitest'], ignored: true }),
    async run(ctx: CheckContext) {
      const dirs = prefixesOf(ctx.config, scope).map((p) => join(ctx.root, p));
      const tool = findVitest(ctx.root, dirs[0]!);
      if ('missing' in tool) return errorResult(tool.missing);
      const runs: GroupRun[] = [];
      for (const [config, groupDirs] of byConfig(ctx.root, dirs)) {
        const run = await runGroup(ctx, scope, tool.argv, config, groupDirs, runs.length);
        if (!('own' in run)) return run;
        runs.push(run);
      }
      const results = runs.flatMap((r) => r.own);
      const failures = [...vitestFindings(ctx.root, results), ...runs.flatMap((r) => r.coverage)];
      if (failures.length > 0) return verdict(failures);
      const ran = new Set(results.map((f) => repoPath(ctx.root, f.name)));
      const missed = ctx.scope.changed_files.filter(
        (f) => TEST_FILE.test(f) && !ran.has(f) && ownerOf(f, ctx.config.scope.path_map) === scope && existsSync(join(ctx.root, f)),
      );
      if (missed.length > 0) {
        return { status: 'error', findings: missed.map((f) => ({ path: f, message: 'changed test file was not run by vitest (outside its include patterns?)' })) };
      }
      const passed = results.reduce((k, f) => k + f.assertionResults.filter((a) => a.status === 'passed').length, 0);
      if (passed === 0) return errorResult(`vitest ran no test of scope ${scope}: a run without a passing test is not a pass`);
      return { status: 'pass', findings: runs.flatMap((r) => r.notes) };
    },
  };
}
