import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../config/types.js';
import type { FileDiff } from '../diff/lines.js';
import type { Finding, Scope, ToolContext } from '../model.js';
import { classifier } from '../scope/classify.js';
import { noDiffReason } from '../scope/reasons.js';
import { findPackage, nearest, packageVersion } from '../tools/find.js';
import { VITEST_CONFIGS } from '../tools/vitest.js';
import { lineCoverage } from './coverage.js';
import { enumerate, select, type Candidate } from './mutants.js';
import { judge, type Group, type Outcome } from './verdicts.js';
import { createSandbox, removeSandbox } from './sandbox.js';

/** What the mutation stages read: a tool context plus the run's config, scope and diff. */
export interface MutateContext extends ToolContext {
  config: Config;
  scope: Scope;
  diff(): Promise<Map<string, FileDiff> | null>;
}

export interface MutateOptions {
  maxMutants: number;
  /** Exactly these mutant ids (`--mutant`), instead of a selection. */
  only: string[] | null;
  progress: ((text: string) => void) | null;
}

/** The pipeline's answer: what it found, or why it stopped (with what it knew by then). */
export type MutateResult =
  | { kind: 'done'; untested: Finding[]; outcomes: Outcome[] }
  | { kind: 'error'; error: string; untested: Finding[] | null };

/** Supported vitest majors: Stryker 9.6.1 with vitest 5 silently reports every mutant Survived. */
const SUPPORTED_VITEST = [2, 3, 4];

function vitestMajorProblem(root: string, dirs: string[]): string | null {
  for (const d of dirs) {
    const pkg = findPackage(root, join(root, d), 'vitest');
    if (!pkg) return `vitest is not installed for ${d || '.'} (npm i -D vitest)`;
    const version = packageVersion(pkg);
    const major = Number(version.split('.')[0]);
    if (!SUPPORTED_VITEST.includes(major)) {
      return `vitest ${version} is not supported by harness mutate (Stryker 9.6.1 reports every mutant of vitest ${major} as survived); supported majors: ${SUPPORTED_VITEST.join(', ')}`;
    }
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
  const problem = vitestMajorProblem(ctx.root, [...new Set([...changed.keys()].map((f) => dirname(f)))]);
  return problem ? { error: problem } : changed;
}

/** Stage 2: one group per vitest config (Stryker and coverage run where that config lives). */
function groupsOf(box: string, changed: Map<string, number[]>): Group[] {
  const groups = new Map<string, Group>();
  for (const [file, lines] of changed) {
    const config = nearest(box, dirname(join(box, file)), VITEST_CONFIGS);
    const key = config ?? '';
    const g = groups.get(key) ?? groups.set(key, { cwd: config ? dirname(config) : box, config, files: new Map() }).get(key)!;
    g.files.set(file, lines);
  }
  return [...groups.values()];
}

/** Stage 3: which changed lines the tests execute, and how long the tests took (for re-check limits). */
async function coverageOf(ctx: MutateContext, box: string, groups: readonly Group[]) {
  const untested: Finding[] = [];
  const executed = new Map<string, number[]>();
  const started = performance.now();
  for (const [n, g] of groups.entries()) {
    const cov = await lineCoverage(ctx, box, g, n);
    if ('error' in cov) return { error: cov.error };
    if (cov.unknown.length > 0) return { error: `no coverage data for ${cov.unknown.join(', ')}: its lines cannot be judged` };
    untested.push(...cov.untested.map((u) => ({ path: u.file, line: u.line, col: 1, message: 'changed line executed by no test' })));
    for (const [f, l] of cov.executed) executed.set(f, l);
  }
  return { untested, executed, ms: performance.now() - started };
}

/** Stage 4: the mutants to run — `--mutant` ids exactly, else a breadth-first selection. */
async function chooseMutants(box: string, changed: Map<string, number[]>, cov: { untested: Finding[]; executed: Map<string, number[]> }, opts: MutateOptions) {
  // Enumerate over all changed lines (a mutant may span a closing `}` that is not executable), then
  // drop mutants that start on an untested line: those lines already fail on their own.
  const untestedAt = new Set(cov.untested.map((u) => `${u.path}:${u.line}`));
  const candidates = (await enumerate(box, changed)).filter((c) => cov.executed.has(c.file) && !untestedAt.has(`${c.file}:${c.line}`));
  if (!opts.only) return { chosen: select(candidates, opts.maxMutants) };
  const chosen = candidates.filter((c) => opts.only!.includes(c.id));
  const missing = opts.only.filter((id) => !chosen.some((c) => c.id === id));
  if (missing.length > 0) return { error: `no such mutant on the changed lines: ${missing.join(', ')} (the code changed since?)` };
  return { chosen };
}

/**
 * `harness mutate` (DESIGN §5), in stages: changed lines → sandbox → coverage → mutants → Stryker →
 * plain-vitest re-check. Everything runs in the sandbox; the user's work tree is never written.
 */
export async function mutatePipeline(ctx: MutateContext, opts: MutateOptions): Promise<MutateResult> {
  const changed = await changedLines(ctx);
  if ('error' in changed) return { kind: 'error', error: changed.error as string, untested: null };
  if (changed.size === 0) return { kind: 'done', untested: [], outcomes: [] };
  const box = await createSandbox(ctx.root, basename(ctx.runDir));
  try {
    const groups = groupsOf(box, changed);
    const cov = await coverageOf(ctx, box, groups);
    if ('error' in cov) return { kind: 'error', error: cov.error!, untested: null };
    const { chosen, error } = await chooseMutants(box, changed, cov, opts);
    if (error !== undefined) return { kind: 'error', error, untested: cov.untested };
    // A re-check that runs this much longer than all the tests did is a reproduced timeout.
    const recheckLimit = Math.max(15_000, 3 * cov.ms);
    const outcomes: Outcome[] = [];
    for (const [i, g] of groups.entries()) {
      const mine = chosen.filter((c: Candidate) => g.files.has(c.file));
      if (mine.length === 0) continue;
      const judged = await judge(ctx, box, g, mine, { n: groups.length + i, recheckLimit, progress: opts.progress });
      if ('error' in judged) return { kind: 'error', error: judged.error, untested: cov.untested };
      outcomes.push(...judged.outcomes);
    }
    writeFileSync(join(ctx.runDir, 'mutants.json'), JSON.stringify(outcomes, null, 2));
    return { kind: 'done', untested: cov.untested, outcomes };
  } finally {
    removeSandbox(box);
  }
}
