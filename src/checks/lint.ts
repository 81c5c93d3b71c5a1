import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dependencyClosure, nestedPrefixes, prefixesOf } from '../scope/resolve.js';
import { toolError, type Check, type CheckContext, type CheckResult } from './check.js';
import { repoPath, toolArgv } from './tools.js';

interface EslintFile {
  filePath: string;
  messages: { ruleId: string | null; severity: number; message: string; line?: number; column?: number }[];
}

/** lint:<scope> — the target's own ESLint (flat config discovered per file) over the scope's directories. */
export function lintCheck(scope: string): Check {
  return {
    id: `lint:${scope}`,
    cost: 2,
    // Type-aware and cross-file rules read what the scope imports: its (test) dependencies are inputs too.
    cacheInputs: (config) => ({ prefixes: dependencyClosure(config, scope, true).flatMap((s) => prefixesOf(config, s)), tools: ['eslint'], ignored: true }),
    async run(ctx: CheckContext): Promise<CheckResult> {
      const dirs = prefixesOf(ctx.config, scope).map((p) => join(ctx.root, p));
      const tool = toolArgv(ctx.root, dirs[0]!, 'eslint', 'eslint');
      if ('missing' in tool) return { status: 'error', details: [tool.missing] };
      const report = join(ctx.runDir, `${ctx.fileStem}.eslint.json`);
      const nested = nestedPrefixes(ctx.config, scope).flatMap((p) => ['--ignore-pattern', `${p}**`]);
      // Absolute paths: a directory named like an option can never be read as one.
      const res = await ctx.exec([...tool.argv, '--format', 'json', '--output-file', report, ...nested, ...dirs]);
      if (res.code !== 0 && res.code !== 1) return toolError('eslint', res, 'did not finish linting');
      let files: EslintFile[];
      try {
        files = JSON.parse(readFileSync(report, 'utf8')) as EslintFile[];
      } catch {
        return toolError('eslint', res, 'wrote no readable JSON report');
      }
      const details = files.flatMap((f) => {
        const path = repoPath(ctx.root, f.filePath);
        return f.messages
          .filter((m) => m.severity === 2)
          .map((m) => `${path}:${m.line ?? 1}:${m.column ?? 1} ${m.message}${m.ruleId ? ` (${m.ruleId})` : ''}`);
      });
      if (details.length > 0) return { status: 'fail', details };
      if (res.code === 1) return toolError('eslint', res, 'failed but its report lists no error');
      return { status: 'pass', details: [] };
    },
  };
}
