import { realpathSync, statSync } from 'node:fs';
import { HarnessError } from '../errors.js';
import { basename, relative, resolve, sep } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { resolveChanges } from '../diff/changes.js';
import { boundScope, checksEnvelope, type Answer, type Envelope } from '../envelope/build.js';
import { nextActions, shellQuote } from '../envelope/next-actions.js';
import type { CheckVerb, Scope, Shard } from '../model.js';
import type { Check } from '../checks/check.js';
import { plan } from '../plan/plan.js';
import { createRunDir } from '../run/logs.js';
import { cacheDir, ResultCache } from '../run/cache.js';
import { runChecks } from '../run/runner.js';
import { HARNESS_VERSION } from '../version.js';
import { describeReason } from '../scope/reasons.js';
import { resolveLockfiles } from '../scope/lockfile.js';
import { resolveScope } from '../scope/resolve.js';

export interface GlobalOptions {
  cwd?: string;
  config?: string;
  base?: string;
}

export interface VerbOptions extends GlobalOptions {
  budget?: number;
  only?: string[];
  progress?: boolean;
  maxMutants?: number;
  mutant?: string[];
  refactor?: boolean;
  shard?: Shard;
  /** commander's --no-cache (loop) / --cache (gate). */
  cache?: boolean;
}

/** The target root, with symlinks resolved (tools report real paths). */
export function targetRoot(opts: GlobalOptions): string {
  const dir = resolve(opts.cwd ?? '.');
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new HarnessError('usage', `--cwd: ${dir} does not exist`, '--cwd');
  }
  if (!statSync(real).isDirectory()) throw new HarnessError('usage', `--cwd: ${dir} is not a directory`, '--cwd');
  return real;
}

/**
 * How to run harness again, as the user did: `harness` when installed on PATH, `npx harness` from a
 * project's node_modules/.bin, else `node <path to bin/harness.js>` (a checkout).
 */
export function invocation(): string {
  const script = process.argv[1] ?? '';
  if (basename(script) === 'harness') return script.includes(`${sep}node_modules${sep}.bin${sep}`) ? 'npx harness' : 'harness';
  return `node ${shellQuote(script)}`;
}

/** The command prefix for next_actions: the invocation plus the global options the user gave. */
export function commandPrefix(opts: GlobalOptions): string {
  const parts = [invocation()];
  for (const key of ['cwd', 'config', 'base'] as const) {
    if (opts[key] !== undefined) parts.push(`--${key}`, shellQuote(opts[key]));
  }
  return parts.join(' ');
}

async function resolveAll(opts: GlobalOptions): Promise<{ root: string; config: Config; scope: Scope }> {
  const root = targetRoot(opts);
  const config = await loadConfig(root, opts.config);
  const changes = await resolveChanges(root, opts.base ?? config.base);
  return { root, config, scope: resolveScope(config, changes, await resolveLockfiles(root, config, changes)) };
}

export async function scopeVerb(opts: GlobalOptions, started: number): Promise<Envelope> {
  const { config, scope } = await resolveAll(opts);
  const prefix = commandPrefix(opts);
  const empty = scope.mode === 'scoped' && scope.expanded_scopes.length === 0;
  return {
    schema_version: 1,
    ok: true,
    command: 'harness scope',
    result: { scope: boundScope(scope, config.output) },
    next_actions: [
      empty
        ? { command: `${prefix} loop`, description: 'Nothing to check for this change.' }
        : { command: `${prefix} loop`, description: `Run the checks of ${scope.expanded_scopes.length} scope(s).` },
    ],
    duration_ms: Math.round(performance.now() - started),
  };
}

export async function checkVerb(verb: CheckVerb, opts: VerbOptions, interrupt: AbortSignal, started: number): Promise<Answer> {
  const { root, config, scope } = await resolveAll(opts);
  // Every check lists the repository's files through git: without a work tree nothing can be verified.
  if (scope.full?.kind === 'not-git') {
    throw new HarnessError('environment', `${describeReason(scope.full)}: harness finds what changed, and which files exist, with git (run it in a git repository: git init, then commit)`);
  }
  // Progress for people at a terminal, or when asked; an agent (progress: false) gets none.
  const progress = opts.progress ?? process.stderr.isTTY ? (text: string) => process.stderr.write(`harness ${verb}: ${text}\n`) : null;
  const planned = await plan(verb, root, config, scope, {
    only: opts.only ?? null,
    mutate: { maxMutants: opts.maxMutants ?? config.mutate.max_mutants, only: opts.mutant ?? null, progress, refactor: opts.refactor === true, shard: opts.shard ?? null },
  });
  const { checks, shard } = opts.shard ? await sharded(verb, root, config, scope, planned, opts.shard) : { checks: planned, shard: null };
  const noChange = verb === 'loop' && !opts.only && checks.length === 0;
  const run = createRunDir(root);
  const { reports, plan: budget } = await runChecks(checks, {
    verb,
    root,
    runDir: run.dir,
    runDirRel: relative(root, run.dir).split('\\').join('/'),
    config,
    scope,
    budgetMs: verb === 'loop' ? (opts.budget ?? config.loop.budget_seconds) * 1000 : null,
    checkTimeoutMs: verb === 'loop' ? null : config.gate.check_timeout_seconds * 1000,
    interrupt,
    recordDurations: !opts.shard,
    // loop reuses passing results unless --no-cache; gate only with --cache; mutate never.
    cache: (verb === 'loop' ? opts.cache !== false : verb === 'gate' && opts.cache === true) ? new ResultCache(root, config, HARNESS_VERSION, await cacheDir(root)) : null,
    onPlan: progress
      ? (p) => progress(`${checks.length} checks, expected ${(p.expected_ms / 1000).toFixed(1)}s of the ${p.budget_ms / 1000}s budget${p.expected_deferred ? `; ${p.expected_deferred} expected to be deferred` : ''}`)
      : undefined,
    onDone: progress ? (r, i, n) => progress(`[${i}/${n}] ${r.status} ${r.id} (${(r.duration_ms / 1000).toFixed(1)}s)`) : undefined,
  });
  // A check that could not run at all (mutate's tests fail only in its copy) makes the whole answer "could not run".
  const fatal = reports.find((r) => r.fatal !== undefined);
  if (fatal) throw new HarnessError('environment', `${fatal.id}: ${fatal.fatal} (logs: ${fatal.log ?? run.id})`);
  const next = nextActions(verb, commandPrefix(opts), reports, { noChange, only: opts.only !== undefined, ignored: scope.changed_files });
  return checksEnvelope(verb, scope, reports, config.output, { id: run.id, next, started, budget, shard });
}

/** gate's part k of n of the planned checks (mutate splits its mutants instead), and the shard's envelope field. */
async function sharded(verb: CheckVerb, root: string, config: Config, scope: Scope, planned: Check[], shard: Shard) {
  const { Durations } = await import('../run/durations.js');
  const { shardChecks, shardDigest } = await import('../plan/shard.js');
  const durations = new Durations(root);
  const expected = Object.fromEntries(planned.map((c) => [c.id, durations.expected(c)]));
  const checks = verb === 'gate' ? shardChecks(planned, shard, (c) => expected[c.id]!) : planned;
  return { checks, shard: { ...shard, digest: shardDigest(root, scope, config, shard, verb === 'gate' ? expected : {}) } };
}

/** `harness merge`: the shards as one answer; the merged checks' durations recorded under --cwd for the next split. */
export async function mergeVerb(files: readonly string[], opts: GlobalOptions, stdin: () => string, started: number): Promise<Answer> {
  const root = targetRoot(opts);
  const config = await loadConfig(root, opts.config);
  const [{ mergeShards }, { Durations }] = await Promise.all([import('./merge.js'), import('../run/durations.js')]);
  return mergeShards(files, stdin, {
    started,
    maxChecks: config.output.max_checks,
    record: (checks) => {
      const durations = new Durations(root);
      for (const c of checks) if (!c.cached && (c.status === 'pass' || c.status === 'fail')) durations.record(c.id, c.duration_ms);
      durations.save();
    },
  });
}
