import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { dependencyClosure, nestedPrefixes, ownerOf, prefixesOf } from '../scope/resolve.js';
import { toolError, type Check, type CheckContext, type CheckResult } from './check.js';
import { nearest, repoPath, toolArgv } from './tools.js';

export const VITEST_CONFIGS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].flatMap((e) => [`vitest.config.${e}`, `vite.config.${e}`]);
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/;

interface FileResult {
  name: string;
  status: string;
  message?: string;
  assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
}

/** `path:line:col` of the first stack frame inside `file`, else of the first frame in the repo. */
function locate(root: string, file: string, messages: readonly string[]): string {
  const frames = [...messages.join('\n').matchAll(/(\/[^\s():]+):(\d+):(\d+)/g)];
  const frame = frames.find((m) => m[1] === file) ?? frames.find((m) => m[1]!.startsWith(root) && !m[1]!.includes('/node_modules/'));
  return frame ? `${repoPath(root, frame[1]!)}:${frame[2]}:${frame[3]}` : repoPath(root, file);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n')[0] ?? '';
}

/** Failures of vitest's per-file results as details. */
export function vitestDetails(root: string, files: readonly FileResult[]): string[] {
  return files.flatMap((file) => {
    const failed = file.assertionResults.filter((a) => a.status === 'failed');
    if (file.status === 'failed' && failed.length === 0) {
      return [`${repoPath(root, file.name)}:1:1 test file failed: ${firstLine(file.message) || 'no test ran'}`];
    }
    return failed.map((a) => {
      const msgs = a.failureMessages ?? [];
      return `${locate(root, file.name, msgs)} ${a.fullName}: ${firstLine(msgs[0])}`;
    });
  });
}

/**
 * test:<scope> — the target's own vitest, run once per nearest vitest/vite config of the scope's
 * directories (per-package configs, or a root one with `projects`), limited to those directories.
 * Fail closed: vitest runs in CI mode (no snapshot writes, `.only` is an error); results are kept
 * only for the scope's own files; a run in which no test of the scope passed, or that did not run a
 * changed test file of the scope, is an error, never a pass.
 */
export function testCheck(scope: string): Check {
  return {
    id: `test:${scope}`,
    cost: 4,
    cacheInputs: (config) => ({ prefixes: dependencyClosure(config, scope, true).flatMap((s) => prefixesOf(config, s)), tools: ['vitest'], ignored: true }),
    async run(ctx: CheckContext): Promise<CheckResult> {
      const dirs = prefixesOf(ctx.config, scope).map((p) => join(ctx.root, p));
      const tool = toolArgv(ctx.root, dirs[0]!, 'vitest', 'vitest');
      if ('missing' in tool) return { status: 'error', details: [tool.missing] };
      const groups = new Map<string | null, string[]>();
      for (const d of dirs) {
        const config = nearest(ctx.root, d, VITEST_CONFIGS);
        groups.set(config, [...(groups.get(config) ?? []), d]);
      }
      const results: FileResult[] = [];
      let n = 0;
      for (const [config, groupDirs] of groups) {
        const cwd = config ? dirname(config) : ctx.root;
        const nested = nestedPrefixes(ctx.config, scope).flatMap((p) => ['--exclude', `${relative(cwd, join(ctx.root, p))}/**`]);
        const report = join(ctx.runDir, `${ctx.fileStem}.${n++}.vitest.json`);
        const argv = [
          ...tool.argv,
          'run',
          ...(config ? ['--config', config] : []),
          '--passWithNoTests',
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${report}`,
          ...nested,
          ...groupDirs.map((d) => (d.endsWith('/') ? d : `${d}/`)),
        ];
        const res = await ctx.exec(argv, { cwd, env: { ...process.env, CI: 'true' } });
        if (res.code !== 0 && res.code !== 1) return toolError('vitest', res, 'did not finish');
        let parsed: { testResults: FileResult[] };
        try {
          parsed = JSON.parse(readFileSync(report, 'utf8')) as { testResults: FileResult[] };
        } catch {
          return toolError('vitest', res, 'wrote no readable JSON report');
        }
        // Vitest's path filter also matches substrings elsewhere: keep only this scope's files.
        const own = parsed.testResults.filter((f) => ownerOf(repoPath(ctx.root, f.name), ctx.config.scope.path_map) === scope);
        if (res.code === 1 && vitestDetails(ctx.root, own).length === 0) {
          return toolError('vitest', res, 'failed but its report lists no failure in this scope');
        }
        results.push(...own);
      }
      const details = vitestDetails(ctx.root, results);
      if (details.length > 0) return { status: 'fail', details };
      const ran = new Set(results.map((f) => repoPath(ctx.root, f.name)));
      const missed = ctx.scope.changed_files.filter(
        (f) => TEST_FILE.test(f) && !ran.has(f) && ownerOf(f, ctx.config.scope.path_map) === scope && existsSync(join(ctx.root, f)),
      );
      if (missed.length > 0) {
        return { status: 'error', details: missed.map((f) => `${f}: changed test file was not run by vitest (outside its include patterns?)`) };
      }
      const passed = results.reduce((k, f) => k + f.assertionResults.filter((a) => a.status === 'passed').length, 0);
      if (passed === 0) return { status: 'error', details: [`vitest ran no test of scope ${scope}: a run without a passing test is not a pass`] };
      return { status: 'pass', details: [] };
    },
  };
}
