import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Check, CheckContext, CheckResult } from '../checks/check.js';
import { VITEST_CONFIGS } from '../checks/test.js';
import { findPackage, nearest } from '../checks/tools.js';
import { classifier } from '../scope/classify.js';
import { lineCoverage, type LineCoverage } from './coverage.js';
import { enumerate, select, type Candidate } from './mutants.js';
import { recheck } from './recheck.js';
import { createSandbox, removeSandbox } from './sandbox.js';
import { runStryker } from './stryker.js';

export interface MutateOptions {
  maxMutants: number;
  /** Exactly these mutant ids (`--mutant`), instead of a selection. */
  only: string[] | null;
  progress: ((text: string) => void) | null;
}

interface Outcome {
  mutant: Candidate;
  verdict: 'killed' | 'survived' | 'error';
  note: string;
}

interface Findings {
  /** null when the coverage step did not complete. */
  untested: string[] | null;
  outcomes: Outcome[];
  error: string | null;
}

/** Supported vitest majors: Stryker 9.6.1 with vitest 5 silently reports every mutant Survived. */
const SUPPORTED_VITEST = [2, 3, 4];

function vitestMajorProblem(root: string, dirs: string[]): string | null {
  for (const d of dirs) {
    const pkg = findPackage(root, join(root, d), 'vitest');
    if (!pkg) return `vitest is not installed for ${d || '.'} (npm i -D vitest)`;
    const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
    const major = Number(version.split('.')[0]);
    if (!SUPPORTED_VITEST.includes(major)) {
      return `vitest ${version} is not supported by harness mutate (Stryker 9.6.1 reports every mutant of vitest ${major} as survived); supported majors: ${SUPPORTED_VITEST.join(', ')}`;
    }
  }
  return null;
}

async function pipeline(ctx: CheckContext, opts: MutateOptions): Promise<Findings> {
  const none: Findings = { untested: null, outcomes: [], error: null };
  const diff = await ctx.diff();
  if (diff === null) return { ...none, error: `cannot tell which lines changed: ${ctx.scope.full_reason ?? 'no merge-base'}` };
  const { isRuntimeCode } = classifier(ctx.config);
  const changed = new Map<string, number[]>();
  for (const [file, d] of diff) {
    const lines = d.added.map((l) => l.line);
    // Every changed runtime file counts, mapped to a scope or not: an unmapped file is no less code.
    if (lines.length > 0 && isRuntimeCode(file) && existsSync(join(ctx.root, file))) {
      changed.set(file, lines);
    }
  }
  if (changed.size === 0) return { ...none, untested: [] };
  const globby = [...changed.keys()].filter((f) => /[[\]{}()*?!]/.test(f));
  if (globby.length > 0) {
    return { ...none, error: `Stryker cannot mutate files whose path has glob characters ([]{}()*?!): ${globby.join(', ')}` };
  }
  const problem = vitestMajorProblem(ctx.root, [...new Set([...changed.keys()].map((f) => dirname(f)))]);
  if (problem) return { ...none, error: problem };

  const box = await createSandbox(ctx.root, basename(ctx.runDir));
  try {
    // One group per vitest config: Stryker and coverage run where that config lives.
    const groups = new Map<string, { cwd: string; config: string | null; files: Map<string, number[]> }>();
    for (const [file, lines] of changed) {
      const config = nearest(box, dirname(join(box, file)), VITEST_CONFIGS);
      const key = config ?? '';
      const g = groups.get(key) ?? groups.set(key, { cwd: config ? dirname(config) : box, config, files: new Map() }).get(key)!;
      g.files.set(file, lines);
    }
    const untested: string[] = [];
    const executed = new Map<string, number[]>();
    let n = 0;
    const coverageStarted = performance.now();
    for (const g of groups.values()) {
      const cov: LineCoverage | { error: string } = await lineCoverage(ctx, box, g, n++);
      if ('error' in cov) return { ...none, error: cov.error };
      if (cov.unknown.length > 0) return { ...none, error: `no coverage data for ${cov.unknown.join(', ')}: its lines cannot be judged` };
      untested.push(...cov.untested.map((u) => `${u.file}:${u.line}:1 changed line executed by no test`));
      for (const [f, l] of cov.executed) executed.set(f, l);
    }
    // A re-check that runs this much longer than all the tests did is a reproduced timeout.
    const recheckLimit = Math.max(15_000, 3 * (performance.now() - coverageStarted));
    // Enumerate over all changed lines (a mutant may span a closing `}` that is not executable), then
    // drop mutants that start on an untested line: those lines already fail on their own.
    const untestedAt = new Set(untested.map((u) => u.split(':1 changed')[0]));
    const candidates = (await enumerate(box, changed)).filter((c) => executed.has(c.file) && !untestedAt.has(`${c.file}:${c.line}`));
    const chosen = opts.only ? candidates.filter((c) => opts.only!.includes(c.id)) : select(candidates, opts.maxMutants);
    if (opts.only && chosen.length !== opts.only.length) {
      const missing = opts.only.filter((id) => !chosen.some((c) => c.id === id));
      return { ...none, untested, error: `no such mutant on the changed lines: ${missing.join(', ')} (the code changed since?)` };
    }
    const outcomes: Outcome[] = [];
    for (const g of groups.values()) {
      const mine = chosen.filter((c) => g.files.has(c.file));
      if (mine.length === 0) continue;
      const results = await runStryker(ctx, box, g, mine, n++, (i, t) => opts.progress?.(`mutant ${i} of ${t}`));
      if ('error' in results) return { ...none, untested, error: results.error };
      for (const m of mine) {
        const r = results.get(m.id);
        if (!r) {
          outcomes.push({ mutant: m, verdict: 'error', note: 'Stryker did not test this mutant' });
          continue;
        }
        if (r.status === 'Killed' || r.status === 'CompileError' || r.status === 'RuntimeError') {
          outcomes.push({ mutant: m, verdict: 'killed', note: r.status });
          continue;
        }
        if (r.status === 'Survived' && r.testsCompleted === 0) {
          outcomes.push({ mutant: m, verdict: 'error', note: 'Stryker ran no test for it (testsCompleted: 0): a tool error, not a survivor' });
          continue;
        }
        // Survived, NoCoverage (vitest coverage says the line runs) and Timeout: ask plain vitest.
        const tests = [...new Set((r.coveredBy ?? []).map((id) => id.split('#')[0]!).filter(Boolean))];
        const again = await recheck(ctx, box, g, m, tests, n++, recheckLimit);
        if (again.verdict === 'error') outcomes.push({ mutant: m, verdict: 'error', note: again.why });
        else if (r.status === 'Timeout') {
          outcomes.push({ mutant: m, verdict: again.verdict === 'killed' ? 'killed' : 'survived', note: `Timeout ${again.verdict === 'killed' ? 'reproduced' : 'did not reproduce'} (covered by ${tests.length} test files)` });
        } else if (again.verdict === 'killed') {
          outcomes.push({ mutant: m, verdict: 'error', note: `Stryker says ${r.status} but plain vitest kills it: a tool disagreement` });
        } else {
          outcomes.push({ mutant: m, verdict: 'survived', note: `survived (covered by ${r.coveredBy?.length ?? 0} tests)` });
        }
      }
    }
    writeFileSync(join(ctx.runDir, 'mutants.json'), JSON.stringify(outcomes, null, 2));
    return { untested, outcomes, error: null };
  } finally {
    removeSandbox(box);
  }
}

/** Render one mutant as `path:line:col Mutator 'original' → 'replacement' …  [id]`. */
function describe(o: Outcome): string {
  const m = o.mutant;
  return `${m.file}:${m.line}:${m.col} ${m.mutator} '${m.original}' → '${m.replacement}' ${o.note} [${m.id}]`;
}

/**
 * The mutation checks of `harness mutate` (DESIGN §5): `untested_lines` (changed executable lines no
 * test executes) and `mutation` (every selected mutant on executed changed lines must be killed). They
 * share one pipeline run: sandbox → coverage → mutants → Stryker → plain-vitest re-check.
 */
export function mutationChecks(opts: MutateOptions): Check[] {
  let shared: Promise<Findings> | undefined;
  const run = (ctx: CheckContext) => (shared ??= pipeline(ctx, opts));
  const untested: Check = {
    id: 'untested_lines',
    cost: 6,
    async run(ctx): Promise<CheckResult> {
      const f = await run(ctx);
      if (f.untested === null) return { status: 'error', details: [f.error ?? 'the coverage step did not run'] };
      return f.untested.length > 0 ? { status: 'fail', details: f.untested } : { status: 'pass', details: [] };
    },
  };
  const mutation: Check = {
    id: 'mutation',
    cost: 5, // starts first, so the shared pipeline's tool output lands in the mutation log
    async run(ctx): Promise<CheckResult> {
      const f = await run(ctx);
      if (f.error) return { status: 'error', details: [f.error] };
      const errors = f.outcomes.filter((o) => o.verdict === 'error').map(describe);
      if (errors.length > 0) return { status: 'error', details: errors };
      const survivors = f.outcomes.filter((o) => o.verdict === 'survived').map(describe);
      if (f.outcomes.length === 0) return { status: 'skipped', details: ['no mutant on the changed lines that tests execute'] };
      return survivors.length > 0 ? { status: 'fail', details: survivors } : { status: 'pass', details: [] };
    },
  };
  return [untested, mutation];
}
