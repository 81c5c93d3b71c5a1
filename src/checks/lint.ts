import { join } from 'node:path';
import { dependencyClosure, nestedPrefixes, prefixesOf } from '../scope/resolve.js';
import { findEslint, runEslint } from '../tools/eslint.js';
import { errorResult, toolError, verdict, type Check, type CheckContext } from './check.js';

/** lint:<scope> — the target's own ESLint (flat config discovered per file) over the scope's directories. */
export function lintCheck(scope: string): Check {
  return {
    id: `lint:${scope}`,
    cost: 2,
    // Type-aware and cross-file rules read what the scope imports: its (test) dependencies are inputs too.
    cacheInputs: (config) => ({ prefixes: dependencyClosure(config, scope, true).flatMap((s) => prefixesOf(config, s)), tools: ['eslint'], ignored: true }),
    async run(ctx: CheckContext) {
      const dirs = prefixesOf(ctx.config, scope).map((p) => join(ctx.root, p));
      const tool = findEslint(ctx.root, dirs[0]!);
      if ('missing' in tool) return errorResult(tool.missing);
      const run = await runEslint(ctx, tool.argv, dirs, nestedPrefixes(ctx.config, scope).map((p) => `${p}**`));
      return 'failure' in run ? toolError('eslint', run.res, run.failure) : verdict(run.findings);
    },
  };
}
