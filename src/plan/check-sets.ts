import { dirname, join } from 'node:path';
import type { Config, LintTool, ScopeCheck } from '../config/types.js';
import { classifier, isCode } from '../scope/classify.js';
import { ownerOf, prefixesOf } from '../scope/resolve.js';
import { nearest } from '../tools/find.js';
import { LINTERS, type Linter } from '../tools/linters.js';
import { VITEST_CONFIGS } from '../tools/vitest.js';

/** What one scope has, and so which of lint / typecheck / test it runs (DESIGN §4). */
export interface ScopeFacts {
  /** Files the linter reads (code git knows), TypeScript files, test files: the sizes of the work. */
  lintFiles: number;
  tsFiles: number;
  testFiles: number;
  /** The linter in reach of the scope's files (its config found from the scope's directories up), or null. */
  linter: Linter | null;
  /** That linter's config file (absolute), or null for an explicit `[lint] tool` with none in reach. */
  linterConfig: string | null;
  /** The config above the scope that other scopes share (a root tsconfig, a root vitest config): shared tool runs. */
  shared: { typecheck: string | null; test: string | null };
  /** The checks the scope runs: `[scope.checks]`, else the ones it has. */
  checks: ReadonlySet<ScopeCheck>;
  /** Why a check it does not have is left out (for the `skipped` report). */
  without: Partial<Record<ScopeCheck, string>>;
}

const TS_FILE = /\.[cm]?tsx?$/;
const BENCH = /\.bench\.[cm]?[jt]sx?$/;

/** The nearest linter config from a scope's directories up to the root (at one level: eslint, then biome, then oxlint). */
function linterInReach(root: string, dirs: readonly string[], tool: LintTool): { linter: Linter | null; config: string | null } {
  const candidates = tool === 'auto' ? LINTERS : LINTERS.filter((l) => l.name === tool);
  let best: { linter: Linter; config: string } | null = null;
  for (const d of dirs) {
    for (const linter of candidates) {
      const found = nearest(root, d, linter.configs);
      if (found && (!best || dirname(found).length > dirname(best.config).length)) best = { linter, config: found };
    }
  }
  // An explicit tool runs with its own defaults even where no config of it is in reach.
  return best ?? { linter: tool === 'auto' ? null : candidates[0]!, config: null };
}

/** The nearest of `names` above the scope's directories (not inside them): a config the scope shares with others. */
function sharedConfig(root: string, dirs: readonly string[], names: readonly string[]): string | null {
  const found = dirs.length > 0 ? nearest(root, dirs[0]!, names) : null;
  if (!found) return null;
  const at = `${dirname(found)}/`;
  return dirs.some((d) => at.startsWith(d.endsWith('/') ? d : `${d}/`)) ? null : found;
}

/** The facts of every scope, from the files git knows (one pass over the file list). */
export function scopeFacts(root: string, config: Config, files: readonly string[]): Map<string, ScopeFacts> {
  const { isTest } = classifier(config);
  const counts = new Map<string, { lint: number; ts: number; test: number }>();
  for (const f of files) {
    const owner = ownerOf(f, config.scope.path_map);
    if (owner === null || !isCode(f)) continue;
    const c = counts.get(owner) ?? counts.set(owner, { lint: 0, ts: 0, test: 0 }).get(owner)!;
    c.lint++;
    if (TS_FILE.test(f)) c.ts++;
    if (isTest(f) && !BENCH.test(f) && !f.endsWith('.d.ts')) c.test++;
  }
  const out = new Map<string, ScopeFacts>();
  for (const scope of new Set(config.scope.path_map.values())) {
    const c = counts.get(scope) ?? { lint: 0, ts: 0, test: 0 };
    const dirs = prefixesOf(config, scope).map((p) => join(root, p));
    const { linter, config: linterConfig } = c.lint > 0 ? linterInReach(root, dirs, config.lint.tool) : { linter: null, config: null };
    const shared = { typecheck: sharedConfig(root, dirs, ['tsconfig.json']), test: sharedConfig(root, dirs, VITEST_CONFIGS) };
    const without: ScopeFacts['without'] = {};
    if (c.lint === 0) without.lint = `scope ${scope} has no file a linter reads`;
    else if (!linter) without.lint = `no linter config in reach of scope ${scope} (${LINTERS.flatMap((l) => l.configs.slice(0, 1)).join(', ')}, …)`;
    if (c.ts === 0) without.typecheck = `scope ${scope} has no TypeScript file`;
    if (c.test === 0) without.test = `scope ${scope} has no test file (none matches [scope] test_globs)`;
    const has = (['lint', 'typecheck', 'test'] as const).filter((k) => without[k] === undefined);
    out.set(scope, { lintFiles: c.lint, tsFiles: c.ts, testFiles: c.test, linter, linterConfig, shared, checks: new Set(config.scope.checks.get(scope) ?? has), without });
  }
  return out;
}
