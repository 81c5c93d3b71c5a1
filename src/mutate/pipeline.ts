import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../config/types.js';
import type { FileDiff } from '../diff/lines.js';
import type { Finding, Scope, Shard, ToolContext } from '../model.js';
import { classifier } from '../scope/classify.js';
import { noDiffReason } from '../scope/reasons.js';
import { scriptProjects } from '../config/workspace.js';
import { ownerOf, prefixesOf } from '../scope/resolve.js';
import { findPackage, nearest, packageVersion } from '../tools/find.js';
import { strykerFor } from '../tools/stryker-install.js';
import type { PlannedMutant } from '../tools/stryker.js';
import { projectArgs, VITEST_CONFIGS } from '../tools/vitest.js';
import { boundedMs } from '../util/time.js';
import { coverageOf, coveringTests, type Coverage } from './baseline.js';
import { enumerate, resultId, select, type Candidate } from './mutants.js';
import { judge, strykerResults, type Group, type Outcome } from './verdicts.js';
import { testsOnBaseBeside, type OnBase } from './on-base.js';
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

/** The changed lines' mutants, less the accepted ones (`[[mutate.accept]]`: never run, always listed), and the stale accepts. */
function acceptsOf(ctx: MutateContext, all: readonly Candidate[]) {
  const accepts = new Map(ctx.config.mutate.accept.map((a) => [a.id, a.reason]));
  return {
    open: all.filter((c) => !accepts.has(c.id)),
    accepted: all.filter((c) => accepts.has(c.id)).map((mutant) => ({ mutant, reason: accepts.get(mutant.id)! })),
    stale: ctx.config.mutate.accept.filter((a) => !all.some((c) => c.id === a.id)),
  };
}

/** Shard k of n of the chosen mutants: round-robin in id order, so the n shards split them exactly. */
function mutantsOfShard(chosen: readonly Candidate[], shard: Shard | null | undefined): Candidate[] {
  return shard ? [...chosen].sort((a, b) => (a.id < b.id ? -1 : 1)).filter((_, i) => i % shard.count === shard.index - 1) : [...chosen];
}

/** Mutants are enumerated over all changed lines (one may span a closing `}` that is not executable); those starting on an untested line are dropped: that line already fails on its own. */
function testedOnly(mutants: readonly Candidate[], cov: Coverage): Candidate[] {
  const untestedAt = new Set(cov.untested.map((u) => `${u.path}:${u.line}`));
  return mutants.filter((c) => cov.executed.has(c.file) && !untestedAt.has(`${c.file}:${c.line}`));
}

/** `--mutant` ids exactly: each must be among the tested mutants. */
function onlyIds(tested: readonly Candidate[], opts: MutateOptions): { error: string } | null {
  const missing = (opts.only ?? []).filter((id) => !tested.some((c) => c.id === id));
  return missing.length > 0 ? { error: `no such mutant on the changed lines: ${missing.join(', ')} (the code changed since, or it is accepted?)` } : null;
}

/** Stage 4, after coverage: `--mutant` ids exactly, else a breadth-first selection, of the tested mutants; then this shard's share. */
function chooseMutants(open: readonly Candidate[], cov: Coverage, opts: MutateOptions): { chosen: Candidate[] } | { error: string } {
  const tested = testedOnly(open, cov);
  if (!opts.only) return { chosen: mutantsOfShard(select(tested, opts.maxMutants), opts.shard) };
  return onlyIds(tested, opts) ?? { chosen: mutantsOfShard(tested.filter((c) => opts.only!.includes(c.id)), opts.shard) };
}

/**
 * Stage 4 inside Stryker's run, after its dry run (one run of the tests where there were two): Stryker
 * instruments every open mutant, its dry run is the baseline and says which mutants the tests cover,
 * and harness chooses as it would after coverage, leaving out only the mutants on lines the dry run
 * shows no test executes (every mutant it knows there uncovered). A mutant Stryker ignores or did not
 * plan stays a candidate: chosen, its result (or none) is judged, never dropped. `all`: before the
 * shard's share is taken.
 */
function plannedChoice(box: string, open: readonly Candidate[], opts: MutateOptions) {
  const out = { all: [] as Candidate[], mine: [] as Candidate[] };
  const choose = (planned: PlannedMutant[]) => {
    const byId = new Map(open.map((c) => [c.id, c]));
    const known = planned.flatMap((p) => (byId.has(resultId(box, p)) ? [{ p, c: byId.get(resultId(box, p))! }] : []));
    const at = (c: Candidate) => `${c.file}:${c.line}`;
    const executed = new Set(known.filter((k) => k.p.coverage === 'covered').map((k) => at(k.c)));
    const unexecuted = new Set(known.filter((k) => k.p.coverage === 'uncovered' && !executed.has(at(k.c))).map((k) => at(k.c)));
    const candidates = open.filter((c) => !unexecuted.has(at(c)));
    out.all = opts.only ? candidates.filter((c) => opts.only!.includes(c.id)) : select(candidates, opts.maxMutants);
    out.mine = mutantsOfShard(out.all, opts.shard);
    const strykerId = new Map(known.map((k) => [k.c.id, k.p.id]));
    return out.mine.flatMap((c) => (strykerId.has(c.id) ? [strykerId.get(c.id)!] : []));
  };
  return { out, choose };
}

/** What the stages know so far: reported whatever stops them. */
interface Known extends Judged {
  untested: Finding[] | null;
}

/** Stages 3–5 for one group and Stryker first, or coverage first: what the mutants' verdicts need. */
async function judged(ctx: MutateContext, opts: MutateOptions, box: Sandbox, groups: readonly Group[], open: readonly Candidate[], known: Known): Promise<MutateResult | null> {
  const plan = groups.length === 1 ? plannedChoice(box.box, open, opts) : null;
  const spans = opts.only ? open.filter((c) => opts.only!.includes(c.id)) : open;
  const ran = plan && spans.length > 0 ? await strykerResults(ctx, box.box, groups[0]!, spans, { n: groups.length, progress: opts.progress, choose: plan.choose }) : null;
  const cov = await coverageOf(ctx, box, groups, [ran ? coveringTests(groups[0]!, ran, plan!.out.mine) : null]);
  if ('error' in cov) return { kind: 'error', error: cov.error, ...known, untested: null, ...(cov.fatal ? { fatal: true } : {}) };
  known.untested = cov.untested;
  // Stryker failed where the coverage run passed (so not the tests): nothing was chosen, and that is no pass.
  if (ran && 'error' in ran) return { kind: 'error', error: ran.error, ...known };
  const choice = plan ? (onlyIds(testedOnly(plan.out.all, cov), opts) ?? { chosen: testedOnly(plan.out.mine, cov) }) : chooseMutants(open, cov, opts);
  if ('error' in choice) return { kind: 'error', error: choice.error, ...known };
  for (const [i, g] of groups.entries()) {
    const mine = choice.chosen.filter((c) => g.files.has(c.file));
    if (mine.length === 0) continue;
    const run = ran ?? (await strykerResults(ctx, box.box, g, mine, { n: groups.length + i, progress: opts.progress }));
    if ('error' in run) return { kind: 'error', error: run.error, ...known };
    // A re-check that runs this much longer than the tests did is a reproduced timeout (whole ms, at most an hour).
    const recheckLimit = boundedMs(Math.max(15_000, 3 * Math.max(cov.ms, run.dryRunMs)), 3_600_000);
    known.outcomes.push(...(await judge(ctx, box.box, g, mine, run.byId, { n: groups.length + i, recheckLimit, progress: opts.progress })));
  }
  writeFileSync(join(ctx.runDir, 'mutants.json'), JSON.stringify(known.outcomes, null, 2));
  return null;
}

/**
 * Stages 3–5 in the sandbox. One group (vitest config): Stryker first, choosing inside its run, then
 * the coverage run over only the chosen mutants' test files. More groups: coverage first, since the
 * limit's breadth spans them all; then Stryker per group. Then the plain-vitest re-check per group.
 * Meanwhile `tests_fail_on_base` runs in a copy of its own (shard 1 only: the others do not report it).
 */
async function inSandbox(ctx: MutateContext, opts: MutateOptions, box: Sandbox, changed: Map<string, number[]>, known: Known): Promise<MutateResult> {
  const groups = groupsOf(ctx, box.box, changed);
  const { open, accepted, stale } = acceptsOf(ctx, await enumerate(box.box, changed));
  // Accepts are listed by shard 1 only: a merge shows them once.
  Object.assign(known, opts.shard && opts.shard.index > 1 ? { accepted: [], stale: [] } : { accepted, stale });
  const judging = judged(ctx, opts, box, groups, open, known);
  const onBase = opts.refactor || (opts.shard && opts.shard.index > 1) ? null : testsOnBaseBeside(ctx, basename(ctx.runDir));
  // Both are awaited whatever becomes of the other: nothing of this run outlives it.
  const [stopped, base] = await Promise.allSettled([judging, onBase]);
  if (stopped.status === 'rejected') throw stopped.reason;
  return stopped.value ?? { kind: 'done', ...known, untested: known.untested!, onBase: base.status === 'fulfilled' ? base.value : null };
}

/**
 * `harness mutate` (DESIGN §5), in stages: changed lines → sandbox → coverage → mutants → Stryker →
 * plain-vitest re-check (with one vitest config, the mutants are chosen inside Stryker's run, before coverage). Everything runs in the sandbox; the user's work tree is never written. An
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
