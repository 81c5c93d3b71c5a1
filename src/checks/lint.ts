import { join } from 'node:path';
import { workTreeFiles } from '../diff/files.js';
import type { CheckResult, Finding } from '../model.js';
import { isCode } from '../scope/classify.js';
import { dependencyClosure, ownerOf, prefixesOf } from '../scope/resolve.js';
import { repoPath } from '../tools/find.js';
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

/** Lint the files of `scopes` in one linter run, each finding reported by the scope that owns its file. */
async function lintScopes(ctx: CheckContext, scopes: readonly string[], linter: Linter | null, config: string | null): Promise<Map<string, CheckResult>> {
  const all = (r: CheckResult) => new Map(scopes.map((s) => [`lint:${s}`, r]));
  if (!linter) return all(errorResult(`no linter config in reach of scope ${scopes.join(', ')} (${LINTERS.map((l) => l.configs[0]).join(', ')}): add one, or set [lint] tool`));
  const tool = findLinter(ctx.root, join(ctx.root, prefixesOf(ctx.config, scopes[0]!)[0]!), linter);
  if ('missing' in tool) return all(errorResult(`${config ? repoPath(ctx.root, config) : linter.configs[0]} is in reach of scope ${scopes.join(', ')}, but ${tool.missing}`));
  const mine = new Set(scopes);
  const files = (await workTreeFiles(ctx.root)).filter((f) => isCode(f) && mine.has(ownerOf(f, ctx.config.scope.path_map) ?? ''));
  const findings: Finding[] = [];
  for (const part of files.length > 0 ? chunks(files) : []) {
    const run = await linter.run(ctx, tool.argv, part, config);
    if ('failure' in run) return all(toolError(linter.name, run.res, run.failure));
    findings.push(...run.findings);
  }
  const owned = (s: string) => findings.filter((f) => f.path !== null && ownerOf(f.path, ctx.config.scope.path_map) === s);
  const none = (s: string): CheckResult => ({ status: 'skipped', findings: [{ path: null, message: `scope ${s} has no file a linter reads` }] });
  return new Map(scopes.map((s) => [`lint:${s}`, files.some((f) => ownerOf(f, ctx.config.scope.path_map) === s) ? verdict(owned(s)) : none(s)]));
}

/**
 * lint:<scope> — the target's own linter (ESLint, Biome or oxlint: the config in reach of the scope, or
 * `[lint] tool`) over the scope's code files that git knows: tracked, or untracked and not ignored —
 * never git-ignored build output. Scopes under one linter config share one run (`batch`). `linter` is
 * null when none is in reach (only a `[scope.checks]` that asks for lint plans it then: an error saying so).
 */
export function lintCheck(scope: string, linter: Linter | null, config: string | null, cost = 2): Check {
  const batch = { key: `lint:${linter?.name}:${config}`, run: (ctx: CheckContext, ids: readonly string[]) => lintScopes(ctx, ids.map((id) => id.slice('lint:'.length)), linter, config) };
  return {
    id: `lint:${scope}`,
    cost,
    ...(config ? { batch } : {}),
    // Type-aware and cross-file rules read what the scope imports: its (test) dependencies are inputs too.
    cacheInputs: (c) => ({ prefixes: dependencyClosure(c, scope, true).flatMap((s) => prefixesOf(c, s)), tools: linter ? [linter.spec.pkg] : [], ignored: true }),
    run: async (ctx) => (await batch.run(ctx, [`lint:${scope}`])).get(`lint:${scope}`)!,
  };
}
