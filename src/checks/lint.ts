import { join } from 'node:path';
import { workTreeFiles } from '../diff/files.js';
import type { Finding } from '../model.js';
import { isCode } from '../scope/classify.js';
import { dependencyClosure, ownerOf, prefixesOf } from '../scope/resolve.js';
import { findLinter, LINTERS, type Linter } from '../tools/linters.js';
import { errorResult, toolError, verdict, type Check, type CheckContext } from './check.js';

/** Files per linter run: argv stays far below the system's limit however large the scope. */
const CHUNK_CHARS = 64 * 1024;

function chunks(files: readonly string[]): string[][] {
  const out: string[][] = [[]];
  let size = 0;
  for (const f of files) {
    if (size + f.length > CHUNK_CHARS && out.at(-1)!.length > 0) {
      out.push([]);
      size = 0;
    }
    out.at(-1)!.push(f);
    size += f.length + 1;
  }
  return out;
}

/**
 * lint:<scope> — the target's own linter (ESLint, Biome or oxlint: the config in reach of the scope, or
 * `[lint] tool`) over the scope's code files that git knows: tracked, or untracked and not ignored —
 * never git-ignored build output. `linter` is null when none is in reach (only a `[scope.checks]` that
 * asks for lint plans it then: an error saying so).
 */
export function lintCheck(scope: string, linter: Linter | null, cost = 2): Check {
  return {
    id: `lint:${scope}`,
    cost,
    // Type-aware and cross-file rules read what the scope imports: its (test) dependencies are inputs too.
    cacheInputs: (config) => ({ prefixes: dependencyClosure(config, scope, true).flatMap((s) => prefixesOf(config, s)), tools: linter ? [linter.spec.pkg] : [], ignored: true }),
    async run(ctx: CheckContext) {
      if (!linter) return errorResult(`no linter config in reach of scope ${scope} (${LINTERS.map((l) => l.configs[0]).join(', ')}): add one, or set [lint] tool`);
      const tool = findLinter(ctx.root, join(ctx.root, prefixesOf(ctx.config, scope)[0]!), linter);
      if ('missing' in tool) return errorResult(`${linter.configs[0]} is in reach of scope ${scope}, but ${tool.missing}`);
      const files = (await workTreeFiles(ctx.root)).filter((f) => isCode(f) && ownerOf(f, ctx.config.scope.path_map) === scope);
      if (files.length === 0) return { status: 'skipped', findings: [{ path: null, message: `scope ${scope} has no file a linter reads` }] };
      const findings: Finding[] = [];
      for (const part of chunks(files)) {
        const run = await linter.run(ctx, tool.argv, part);
        if ('failure' in run) return toolError(linter.name, run.res, run.failure);
        findings.push(...run.findings);
      }
      return verdict(findings);
    },
  };
}
