import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { scriptProjects } from '../config/workspace.js';
import { workTreeFiles } from '../diff/files.js';
import type { CheckResult, Finding } from '../model.js';
import { classifier } from '../scope/classify.js';
import { allScopes, dependencyClosure, nestedPrefixes, ownerOf, prefixesOf } from '../scope/resolve.js';
import { nearest, repoPath } from '../tools/find.js';
import { findVitest, projectArgs, runVitest, VITEST_CONFIGS, vitestFindings, type VitestFile } from '../tools/vitest.js';
import { declaresThresholds, thresholdArgs, thresholdFindings } from '../tools/vitest-thresholds.js';
import { errorResult, toolError, type Check, type CheckContext } from './check.js';
import { firstTier, rankTests, TIER_CAP } from './test-tiers.js';

const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/;

/** The scopes' directories grouped by their nearest vitest/vite config (null: none, run from the root). */
function byConfig(root: string, dirs: readonly string[]): Map<string | null, string[]> {
  const groups = new Map<string | null, string[]>();
  for (const d of dirs) {
    const config = nearest(root, d, VITEST_CONFIGS);
    groups.set(config, [...(groups.get(config) ?? []), d]);
  }
  return groups;
}

/** A run covers the whole config (its thresholds mean something) when one of its directories is the config's. */
function wholeConfig(config: string | null, dirs: readonly string[]): boolean {
  return config !== null && dirs.some((d) => d.replace(/\/$/, '') === dirname(config));
}

interface Group {
  config: string | null;
  cwd: string;
  dirs: string[];
  /** Every scope under this config is in the run: its thresholds are the whole suite's to meet. */
  everyScope: boolean;
  /** Which scope each directory is of. */
  owner: Map<string, string>;
  /** vitest arguments every run of the group takes: projects, the other scopes' nested directories. */
  base: string[];
}

interface GroupRun {
  results: VitestFile[];
  /** Thresholds the run missed (gate), and notes (thresholds not evaluated). */
  coverage: Finding[];
  notes: Finding[];
  /** Scopes whose first tier failed: the rest of their tests did not run. */
  stopped: Map<string, Finding>;
}

/** One `vitest run` of a group over `targets` (directories or files), its results limited to `scopes`' files. */
async function runTargets(ctx: CheckContext, argv: string[], g: Group, scopes: ReadonlySet<string>, targets: string[], n: string, extra: string[] = []) {
  const report = join(ctx.runDir, `${ctx.fileStem}.${n}.vitest.json`);
  const { res, report: parsed } = await runVitest(ctx, argv, { cwd: g.cwd, config: g.config, args: ['--passWithNoTests', '--reporter=default', ...g.base, ...extra, ...targets], report });
  if (res.code !== 0 && res.code !== 1) return toolError('vitest', res, 'did not finish');
  if (!parsed) return toolError('vitest', res, 'wrote no readable JSON report');
  // Vitest's path filter also matches substrings elsewhere: keep only these scopes' files.
  const results = parsed.testResults.filter((f) => scopes.has(ownerOf(repoPath(ctx.root, f.name), ctx.config.scope.path_map) ?? ''));
  return { res, results };
}

/**
 * loop's tiers: first the test files that exercise the change most directly (a failure there is reported
 * at once, the rest not run), then the rest of the group's tests. gate runs the group in one go, and
 * holds a run of a whole config to the repo's coverage thresholds.
 */
async function runGroup(ctx: CheckContext, argv: string[], g: Group, scopes: ReadonlySet<string>, n: number): Promise<GroupRun | CheckResult> {
  const thresholds = declaresThresholds(g.config);
  const evaluate = thresholds && ctx.verb === 'gate' && (wholeConfig(g.config, g.dirs) || g.everyScope);
  const why = ctx.verb === 'gate' ? 'this config is shared by other scopes: its thresholds are for the whole suite' : 'loop leaves them to gate: a partial run cannot meet them';
  const notes = thresholds && !evaluate ? [{ path: repoPath(ctx.root, g.config!), message: `coverage thresholds not evaluated (${why})` }] : [];
  const tier1 = ctx.verb === 'loop' ? await tierOne(ctx, g, scopes) : [];
  const first = tier1.length > 0 ? await runTargets(ctx, argv, g, scopes, tier1.map((t) => join(ctx.root, t)), `${n}.tier1`) : { results: [] };
  if (!('results' in first)) return first;
  // A scope whose closest tests fail is answered now; the others go on to the rest of their tests.
  const stopped = new Map<string, Finding>();
  for (const f of first.results.filter((r) => vitestFindings(ctx.root, [r]).length > 0)) {
    const s = ownerOf(repoPath(ctx.root, f.name), ctx.config.scope.path_map)!;
    stopped.set(s, { path: null, message: `the rest of its tests (tier 2) did not run: the test files closest to the change fail` });
  }
  const dirs = g.dirs.filter((d) => !stopped.has(g.owner.get(d)!));
  if (dirs.length === 0) return { results: first.results, coverage: [], notes, stopped };
  const reports = join(ctx.runDir, `${ctx.fileStem}.${n}.coverage`);
  const exclude = tier1.flatMap((t) => ['--exclude', relative(g.cwd, join(ctx.root, t))]);
  const targets = dirs.map((d) => (d.endsWith('/') ? d : `${d}/`));
  const run = await runTargets(ctx, argv, g, scopes, targets, `${n}`, [...(evaluate ? thresholdArgs(reports) : []), ...exclude]);
  if (!('results' in run)) return run;
  const coverage = evaluate ? thresholdFindings(ctx.root, g.config!, `${run.res.stdout}\n${run.res.tail}`, reports) : [];
  if (run.res.code === 1 && vitestFindings(ctx.root, run.results).length === 0 && coverage.length === 0) {
    return toolError('vitest', run.res, 'failed but its report lists no failure in this scope');
  }
  return { results: [...first.results, ...run.results], coverage, notes, stopped };
}

/** The group's first tier: its scopes' test files ranked against the changed files (empty: one run). */
async function tierOne(ctx: CheckContext, g: Group, scopes: ReadonlySet<string>): Promise<string[]> {
  const { isTest } = classifier(ctx.config);
  const inDirs = (f: string) => g.dirs.some((d) => join(ctx.root, f).startsWith(d.replace(/\/?$/, '/')));
  const tests = (await workTreeFiles(ctx.root)).filter((f) => TEST_FILE.test(f) && isTest(f) && inDirs(f) && scopes.has(ownerOf(f, ctx.config.scope.path_map) ?? ''));
  // A suite no larger than a first tier is one run (and ranking it would load TypeScript's API for nothing).
  if (tests.length <= TIER_CAP(tests.length)) return [];
  const tier = firstTier(rankTests(ctx.root, tests, ctx.scope.changed_files));
  return tier.length < tests.length ? tier : [];
}

/** One scope's verdict from the runs: failures, then changed test files vitest did not run, then at least one passing test. */
function verdictOf(ctx: CheckContext, scope: string, runs: readonly GroupRun[]): CheckResult {
  const own = (f: { name: string }) => ownerOf(repoPath(ctx.root, f.name), ctx.config.scope.path_map) === scope;
  const ownPath = (f: Finding) => f.path !== null && ownerOf(f.path, ctx.config.scope.path_map) === scope;
  const results = runs.flatMap((r) => r.results).filter(own);
  const failures = [...vitestFindings(ctx.root, results), ...runs.flatMap((r) => r.coverage).filter(ownPath)];
  const notes = runs.flatMap((r) => r.notes);
  const stopped = runs.flatMap((r) => (r.stopped.has(scope) ? [r.stopped.get(scope)!] : []));
  if (failures.length > 0) return { status: 'fail', findings: [...failures, ...stopped] };
  const ran = new Set(results.map((f) => repoPath(ctx.root, f.name)));
  const missed = ctx.scope.changed_files.filter((f) => TEST_FILE.test(f) && !ran.has(f) && ownerOf(f, ctx.config.scope.path_map) === scope && existsSync(join(ctx.root, f)));
  if (missed.length > 0) return { status: 'error', findings: missed.map((f) => ({ path: f, message: 'changed test file was not run by vitest (outside its include patterns?)' })) };
  const passed = results.reduce((k, f) => k + f.assertionResults.filter((a) => a.status === 'passed').length, 0);
  if (passed === 0) return errorResult(`vitest ran no test of scope ${scope}: a run without a passing test is not a pass`);
  return { status: 'pass', findings: notes };
}

/** Test `scopes` together: one vitest run per config for all of them, each result reported by its scope. */
async function testScopes(ctx: CheckContext, scopes: readonly string[]): Promise<Map<string, CheckResult>> {
  const owner = new Map(scopes.flatMap((s) => prefixesOf(ctx.config, s).map((p) => [join(ctx.root, p), s] as const)));
  const dirs = [...owner.keys()];
  const ids = (r: CheckResult) => new Map(scopes.map((s) => [`test:${s}`, r]));
  const tool = findVitest(ctx.root, dirs[0]!);
  if ('missing' in tool) return ids(errorResult(tool.missing));
  const members = new Set(scopes);
  const nested = scopes.flatMap((s) => nestedPrefixes(ctx.config, s)).filter((p) => !members.has(ownerOf(p, ctx.config.scope.path_map) ?? ''));
  const runs: GroupRun[] = [];
  const everyDir = allScopes(ctx.config).flatMap((s) => prefixesOf(ctx.config, s).map((p) => join(ctx.root, p)));
  const sharing = byConfig(ctx.root, everyDir);
  for (const [config, groupDirs] of byConfig(ctx.root, dirs)) {
    const cwd = config ? dirname(config) : ctx.root;
    const everyScope = (sharing.get(config) ?? []).every((d) => groupDirs.includes(d));
    const base = [...projectArgs(ctx.root, config, ctx.config.test.projects ?? scriptProjects(ctx.root)), ...nested.flatMap((p) => ['--exclude', `${relative(cwd, join(ctx.root, p))}/**`])];
    const run = await runGroup(ctx, tool.argv, { config, cwd, dirs: groupDirs, everyScope, owner, base }, members, runs.length);
    if (!('results' in run)) return ids(run);
    runs.push(run);
  }
  return new Map(scopes.map((s) => [`test:${s}`, verdictOf(ctx, s, runs)]));
}

/**
 * test:<scope> — the target's own vitest, run once per nearest vitest/vite config (per-package configs,
 * or a root one with `projects`: scopes that share it share one run, `batch`), limited to the scopes'
 * directories and to the projects the repo's own test command runs. Under loop, in tiers (test-tiers.ts).
 * Fail closed: CI mode (no snapshot writes, `.only` is an error); results kept only for the scope's own
 * files; a run in which no test of the scope passed, or that did not run a changed test file of the
 * scope, is an error, never a pass. gate also holds the run to the repo's coverage thresholds.
 */
export function testCheck(scope: string, cost = 4, shared: string | null = null): Check {
  const batch = { key: `test:${shared}`, run: (ctx: CheckContext, ids: readonly string[]) => testScopes(ctx, ids.map((id) => id.slice('test:'.length))) };
  return {
    id: `test:${scope}`,
    cost,
    ...(shared ? { batch } : {}),
    cacheInputs: (config) => ({ prefixes: dependencyClosure(config, scope, true).flatMap((s) => prefixesOf(config, s)), tools: ['vitest'], ignored: true }),
    run: async (ctx) => (await batch.run(ctx, [`test:${scope}`])).get(`test:${scope}`)!,
  };
}
