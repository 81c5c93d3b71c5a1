import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { prefixesOf } from '../scope/resolve.js';
import { toolError, type Check, type CheckContext, type CheckResult } from './check.js';
import { nearest, repoPath, toolArgv } from './tools.js';

const VITEST_CONFIGS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].flatMap((e) => [`vitest.config.${e}`, `vite.config.${e}`]);

interface VitestReport {
  numTotalTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
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

/** Failures of a vitest JSON report as details. */
export function vitestDetails(root: string, report: VitestReport): string[] {
  return report.testResults.flatMap((file) => {
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
 * test:<scope> — the target's own vitest, with the nearest vitest/vite config of the scope (a per-package
 * config or a root one with `projects`), limited to the scope's directories by absolute path filters.
 * A run that executed no test is an error, never a pass.
 */
export function testCheck(scope: string): Check {
  return {
    id: `test:${scope}`,
    cost: 4,
    async run(ctx: CheckContext): Promise<CheckResult> {
      const own = prefixesOf(ctx.config, scope);
      const dirs = own.map((p) => join(ctx.root, p));
      const tool = toolArgv(ctx.root, dirs[0]!, 'vitest', 'vitest');
      if ('missing' in tool) return { status: 'error', details: [tool.missing] };
      const config = nearest(ctx.root, dirs[0]!, VITEST_CONFIGS);
      const cwd = config ? dirname(config) : ctx.root;
      const nested = [...ctx.config.scope.path_map]
        .filter(([p, s]) => s !== scope && own.some((o) => p.startsWith(o)))
        .flatMap(([p]) => ['--exclude', `${relative(cwd, join(ctx.root, p))}/**`]);
      const report = join(ctx.runDir, `${ctx.fileStem}.vitest.json`);
      const res = await ctx.exec(
        [
          ...tool.argv,
          'run',
          ...(config ? ['--config', config] : []),
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${report}`,
          ...nested,
          ...dirs.map((d) => (d.endsWith('/') ? d : `${d}/`)),
        ],
        { cwd },
      );
      if (res.code !== 0 && res.code !== 1) return toolError('vitest', res, 'did not finish');
      if (/No test files found/.test(res.tail)) {
        return { status: 'error', details: [`vitest found no test file in ${own.map((p) => p || '.').join(', ')}: a scope with no test is not a pass`] };
      }
      let parsed: VitestReport;
      try {
        parsed = JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
      } catch {
        return toolError('vitest', res, 'wrote no readable JSON report');
      }
      const details = vitestDetails(ctx.root, parsed);
      if (details.length > 0) return { status: 'fail', details };
      if (res.code !== 0) return toolError('vitest', res, 'failed but its report lists no failure');
      if (parsed.numTotalTests === 0) return { status: 'error', details: ['vitest ran no test: a run without tests is not a pass'] };
      return { status: 'pass', details: [] };
    },
  };
}
