import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { dependencyClosure, nestedPrefixes, ownerOf, prefixesOf } from '../scope/resolve.js';
import { nearest, repoPath } from '../tools/find.js';
import { scriptProjects } from '../config/workspace.js';
import { findVitest, projectArgs, runVitest, VITEST_CONFIGS, vitestFindings, type VitestFile } from '../tools/vitest.js';
import { errorResult, PASS, toolError, verdict, type Check, type CheckContext } from './check.js';

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

/**
 * test:<scope> — the target's own vitest, run once per nearest vitest/vite config of the scope's
 * directories (per-package configs, or a root one with `projects`), limited to those directories.
 * Fail closed: vitest runs in CI mode (no snapshot writes, `.only` is an error); results are kept
 * only for the scope's own files; a run in which no test of the scope passed, or that did not run a
 * changed test file of the scope, is an error, never a pass.
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
      const results: VitestFile[] = [];
      let n = 0;
      for (const [config, groupDirs] of byConfig(ctx.root, dirs)) {
        const cwd = config ? dirname(config) : ctx.root;
        const nested = nestedPrefixes(ctx.config, scope).flatMap((p) => ['--exclude', `${relative(cwd, join(ctx.root, p))}/**`]);
        const projects = projectArgs(ctx.root, config, ctx.config.test.projects ?? scriptProjects(ctx.root));
        const args = ['--passWithNoTests', '--reporter=default', ...projects, ...nested, ...groupDirs.map((d) => (d.endsWith('/') ? d : `${d}/`))];
        const { res, report } = await runVitest(ctx, tool.argv, { cwd, config, args, report: join(ctx.runDir, `${ctx.fileStem}.${n++}.vitest.json`) });
        if (res.code !== 0 && res.code !== 1) return toolError('vitest', res, 'did not finish');
        if (!report) return toolError('vitest', res, 'wrote no readable JSON report');
        // Vitest's path filter also matches substrings elsewhere: keep only this scope's files.
        const own = report.testResults.filter((f) => ownerOf(repoPath(ctx.root, f.name), ctx.config.scope.path_map) === scope);
        if (res.code === 1 && vitestFindings(ctx.root, own).length === 0) {
          return toolError('vitest', res, 'failed but its report lists no failure in this scope');
        }
        results.push(...own);
      }
      const failures = vitestFindings(ctx.root, results);
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
      return PASS;
    },
  };
}
