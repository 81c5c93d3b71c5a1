import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Config } from '../config/types.js';
import type { FileDiff } from '../diff/lines.js';
import type { Finding, Scope, Shard, ToolContext } from '../model.js';
import { classifier } from '../scope/classify.js';
import { noDiffReason } from '../scope/reasons.js';
import { scriptProjects } from '../config/workspace.js';
import { ownerOf, prefixesOf } from '../scope/resolve.js';
import { findPackage, nearest, packageVersion } from '../tools/find.js';
import { strykerFor } from '../tools/stryker-install.js';
import { findVitest, projectArgs, runVitest, VITEST_CONFIGS } from '../tools/vitest.js';
import { boundedMs } from '../util/time.js';
import { lineCoverage } from './coverage.js';
import { enumerate, select, type Candidate } from './mutants.js';
import { judge, strykerResults, type Group, type Outcome } from './verdicts.js';
import { testsOnBase, type OnBase } from './on-base.js';
import { createSandbox, removeSandbox, type Sandbox } from './sandbox.js';

/** What the mutation stages read: a tool context plus the run's config, scope and diff. */
export interface MutateContext extends ToolContext {
  config: Config;
  scope: Scope;
  diff(): Promise<Map<string, FileDiff> | null>;
}

export interface MutateOptions {
  maxMutants: number;
  /** `--refactor`: the change preserves behaviour, so its tests need not fail on the old code. */
  refactor: boolean;
  /** `--shard k/n`: only the chosen mutants whose place in id order is k (mod n). */
  shard?: Shard | null;
  /** Exactly these mutant ids (`--mutant`), instead of a selection. */
  only: string[] | null;
  progress: ((text: string) => void) | null;
}

/**
 * The pipeline's answer: what it found, or why it stopped, with what it knew by then (the untested lines
 * and the mutants already judged are reported whatever stopped it). `fatal`: harness could not run here
 * (the tests fail only in its copy): exit 2, not a verdict.
 */
export type MutateResult =
  | ({ kind: 'done'; untested: Finding[]; onBase: OnBase | null } & Judged)
  | ({ kind: 'error'; error: string; untested: Finding[] | null; fatal?: boolean } & Judged);

/** The mutants judged, and those `[[mutate.accept]]` covers: accepted ones (not run) and stale entries. */
export interface Judged {
  outcomes: Outcome[];
  accepted: { mutant: Candidate; reason: string }[];
  stale: { id: string; reason: string }[];
}

/** Why mutate cannot run on the files under these directories: no vitest, or no Stryker valid with it. */
function toolProblem(root: string, dirs: string[]): string | null {
  for (const d of dirs) {
    const pkg = findPackage(root, join(root, d), 'vitest');
    if (!pkg) return `vitest is not installed for ${d || '.'} (npm i -D vitest)`;
    const stryker = strykerFor(root, join(root, d), packageVersion(pkg));
    if ('error' in stryker) return stryker.error;
  }
  return null;
}

/** Stage 1: the added lines of changed runtime files (mapped to a scope or not: an unmapped file is no less code). */
async function changedLines(ctx: MutateContext): Promise<Map<string, number[]> | { error: string }> {
  const diff = await ctx.diff();
  if (diff === null) return { error: noDiffReason(ctx.scope.full) };
  const { isRuntimeCode } = classifier(ctx.config);
  const changed = new Map<string, number[]>();
  for (const [file, d] of diff) {
    const lines = d.added.map((l) => l.line);
    if (lines.length > 0 && isRuntimeCode(file) && existsSync(join(ctx.root, file))) changed.set(file, lines);
  }
  const globby = [...changed.keys()].filter((f) => /[[\]{}()*?!]/.test(f));
  if (globby.length > 0) return { error: `Stryker cannot mutate files whose path has glob characters ([]{}()*?!): ${globby.join(', ')}` };
  if (changed.size === 0) return changed;
  const problem = toolProblem(ctx.root, [...new Set([...changed.keys()].map((f) => dirname(f)))]);
  return problem ? { error: problem } : changed;
}

/** Stage 2: one group per vitest config, limited as loop's test is: the changed scopes' directories and the projects the repo runs. */
function groupsOf(ctx: MutateContext, box: string, changed: Map<string, number[]>): Group[] {
  const groups = new Map<string, Group & { whole: boolean }>();
  for (const [file, lines] of changed) {
    const config = nearest(box, dirname(join(box, file)), VITEST_CONFIGS);
    const key = config ?? '';
    const extra = projectArgs(box, config, ctx.config.test.projects ?? scriptProjects(ctx.root));
    const g = groups.get(key) ?? groups.set(key, { cwd: config ? dirname(config) : box, config, files: new Map(), targets: [], extra, whole: false }).get(key)!;
    g.files.set(file, lines);
    const owner = ownerOf(file, ctx.config.scope.path_map);
    // An unmapped changed file: every test of its config (no directory filter).
    if (owner === null) g.whole = true;
    else g.targets.push(...prefixesOf(ctx.config, owner).map((p) => join(box, p, '/')));
  }
  return [...groups.values()].map(({ whole, ...g }) => ({ ...g, targets: whole ? [] : [...new Set(g.targets)] }));
}

/** Stage 3: which changed lines the tests execute, and how long the tests took (for re-check limits). */
async function coverageOf(ctx: MutateContext, box: Sandbox, groups: readonly Group[]) {
  const untested: Finding[] = [];
  const executed = new Map<string, number[]>();
  const started = performance.now();
  for (const [n, g] of groups.entries()) {
    const cov = await lineCoverage(ctx, box.box, g, n);
    if ('baseline' in cov) return baselineFailure(ctx, box, g, cov.baseline);
    if ('error' in cov) return { error: cov.error };
    if (cov.unknown.length > 0) return { error: `no coverage data for ${cov.unknown.join(', ')}: its lines cannot be judged` };
    untested.push(...cov.untested.map((u) => ({ path: u.file, line: u.line, col: 1, message: 'changed line executed by no test' })));
    for (const [f, l] of cov.executed) executed.set(f, l);
  }
  return { untested, executed, ms: performance.now() - started };
}

/** Do the group's tests pass in the user's tree (as loop runs them)? Then harness's copy is what fails. */
async function passesInTree(ctx: MutateContext, box: Sandbox, g: Group): Promise<boolean> {
  const tool = findVitest(ctx.root, ctx.root);
  if ('missing' in tool) return false;
  const inTree = (p: string) => join(ctx.root, relative(box.box, p));
  const report = join(ctx.runDir, 'baseline-in-tree.vitest.json');
  const { report: r } = await runVitest(ctx, tool.argv, { cwd: inTree(g.cwd), config: g.config && inTree(g.config), report, args: ['--passWithNoTests', ...g.extra, ...g.targets.map(inTree)] });
  return r !== null && r.numFailedTests === 0 && r.numPassedTests > 0 && !r.testResults.some((t) => t.status === 'failed');
}

/** The tests failed in the copy before any mutation: harness could not run (they pass in the tree), or they fail. */
async function baselineFailure(ctx: MutateContext, box: Sandbox, g: Group, line: string): Promise<{ error: string; fatal: boolean }> {
  const copied = `the copy holds the ${box.copied.known} files git knows and ${box.copied.ignored} git-ignored ones outside node_modules, node_modules linked`;
  return (await passesInTree(ctx, box, g))
    ? { error: `the tests pass in the work tree but fail in harness's copy (${copied}): ${line}`, fatal: true }
    : { error: `the tests fail before any mutation: ${line} — fix them first (harness loop runs them)`, fatal: false };
}

/** Stage 4: the mutants to run — `--mutant` ids exactly, else a breadth-first selection. */
async function chooseMutants(ctx: MutateContext, box: string, changed: Map<string, number[]>, cov: { untested: Finding[]; executed: Map<string, number[]> }, opts: MutateOptions) {
  // Enumerate over all changed lines (a mutant may span a closing `}` that is not executable), then
  // drop mutants that start on an untested line: those lines already fail on their own.
  const untestedAt = new Set(cov.untested.map((u) => `${u.path}:${u.line}`));
  const all = await enumerate(box, changed);
  const candidates = all.filter((c) => cov.executed.has(c.file) && !untestedAt.has(`${c.file}:${c.line}`));
  // An accepted (equivalent) mutant is never run, always listed; an accept matching no mutant of the change is stale.
  const accepts = new Map(ctx.config.mutate.accept.map((a) => [a.id, a.reason]));
  const accepted = all.filter((c) => accepts.has(c.id)).map((mutant) => ({ mutant, reason: accepts.get(mutant.id)! }));
  const stale = ctx.config.mutate.accept.filter((a) => !all.some((c) => c.id === a.id));
  const open = candidates.filter((c) => !accepts.has(c.id));
  if (!opts.only) return { chosen: select(open, opts.maxMutants), accepted, stale };
  const chosen = open.filter((c) => opts.only!.includes(c.id));
  const missing = opts.only.filter((id) => !chosen.some((c) => c.id === id));
  if (missing.length > 0) return { error: `no such mutant on the changed lines: ${missing.join(', ')} (the code changed since, or it is accepted?)`, accepted, stale };
  return { chosen, accepted, stale };
}

/** Shard k of n of the chosen mutants: round-robin in id order, so the n shards split them exactly. */
function mutantsOfShard(chosen: readonly Candidate[], shard: Shard): Candidate[] {
  return [...chosen].sort((a, b) => (a.id < b.id ? -1 : 1)).filter((_, i) => i % shard.count === shard.index - 1);
}

/** What the stages know so far: reported whatever stops them. */
interface Known extends Judged {
  untested: Finding[] | null;
}

/** Stages 3–5 in the sandbox: coverage, the chosen mutants, Stryker and the re-check per group. */
async function inSandbox(ctx: MutateContext, opts: MutateOptions, box: Sandbox, changed: Map<string, number[]>, known: Known): Promise<MutateResult> {
  const groups = groupsOf(ctx, box.box, changed);
  const cov = await coverageOf(ctx, box, groups);
  if ('error' in cov) return { kind: 'error', error: cov.error!, ...known, untested: null, ...('fatal' in cov && cov.fatal ? { fatal: true } : {}) };
  known.untested = cov.untested;
  const { chosen: all, error, accepted, stale } = await chooseMutants(ctx, box.box, changed, cov, opts);
  // Accepts are listed by shard 1 only: a merge shows them once.
  Object.assign(known, opts.shard && opts.shard.index > 1 ? { accepted: [], stale: [] } : { accepted, stale });
  if (error !== undefined || !all) return { kind: 'error', error: error ?? 'no mutants chosen', ...known };
  const chosen = opts.shard ? mutantsOfShard(all, opts.shard) : all;
  // A re-check that runs this much longer than all the tests did is a reproduced timeout (whole ms, at most an hour).
  const recheckLimit = boundedMs(Math.max(15_000, 3 * cov.ms), 3_600_000);
  for (const [i, g] of groups.entries()) {
    const mine = chosen.filter((c: Candidate) => g.files.has(c.file));
    if (mine.length === 0) continue;
    const byId = await strykerResults(ctx, box.box, g, mine, { n: groups.length + i, progress: opts.progress });
    if ('error' in byId) return { kind: 'error', error: byId.error, ...known };
    known.outcomes.push(...(await judge(ctx, box.box, g, mine, byId, { n: groups.length + i, recheckLimit, progress: opts.progress })));
  }
  writeFileSync(join(ctx.runDir, 'mutants.json'), JSON.stringify(known.outcomes, null, 2));
  const onBase = opts.refactor ? null : await testsOnBase(ctx, box.box);
  return { kind: 'done', ...known, untested: cov.untested, onBase };
}

/**
 * `harness mutate` (DESIGN §5), in stages: changed lines → sandbox → coverage → mutants → Stryker →
 * plain-vitest re-check. Everything runs in the sandbox; the user's work tree is never written. An
 * internal error in a later stage keeps what the earlier ones found.
 */
export async function mutatePipeline(ctx: MutateContext, opts: MutateOptions): Promise<MutateResult> {
  const changed = await changedLines(ctx);
  const nothing: Judged = { outcomes: [], accepted: [], stale: [] };
  if ('error' in changed) return { kind: 'error', error: changed.error as string, untested: null, ...nothing };
  if (changed.size === 0) return { kind: 'done', untested: [], onBase: { kind: 'none', why: 'no runtime code changed' }, ...nothing };
  const known: Known = { untested: null, ...nothing };
  let box: Sandbox | null = null;
  try {
    box = await createSandbox(ctx.root, basename(ctx.runDir));
    return await inSandbox(ctx, opts, box, changed, known);
  } catch (e) {
    return { kind: 'error', error: `harness error in mutate: ${(e as Error).message}`, ...known };
  } finally {
    if (box) removeSandbox(box.box);
  }
}
