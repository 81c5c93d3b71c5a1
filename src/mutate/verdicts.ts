import type { ToolContext } from '../model.js';
import type { CoverageGroup } from './coverage.js';
import { runStryker, type StrykerResult } from '../tools/stryker.js';
import { resultId, type Candidate } from './mutants.js';
import { recheck } from './recheck.js';

/** Changed files under one vitest config, with their changed lines, and how its tests are run. */
export type Group = CoverageGroup;

export interface Outcome {
  mutant: Candidate;
  verdict: 'killed' | 'survived' | 'error';
  note: string;
}

interface JudgeOptions {
  /** Numbers this group's tool files (reports, options) in the run directory. */
  n: number;
  /** A re-check running longer than this is a reproduced timeout. */
  recheckLimit: number;
  progress: ((text: string) => void) | null;
}

/**
 * The verdict on one mutant from Stryker's result: killed as Stryker says, an error when Stryker ran no
 * test, and otherwise (Survived, NoCoverage, Timeout) asked again of plain vitest on its covering tests,
 * since Stryker's vitest runner has reported false survivors.
 */
async function verdictOf(ctx: ToolContext, box: string, g: Group, m: Candidate, r: StrykerResult | undefined, o: JudgeOptions & { k: number }): Promise<Outcome> {
  if (!r) return { mutant: m, verdict: 'error', note: 'Stryker did not test this mutant' };
  if (r.status === 'Killed' || r.status === 'CompileError' || r.status === 'RuntimeError') return { mutant: m, verdict: 'killed', note: r.status };
  if (r.status === 'Survived' && r.testsCompleted === 0) {
    return { mutant: m, verdict: 'error', note: 'Stryker ran no test for it (testsCompleted: 0): a tool error, not a survivor' };
  }
  const tests = [...new Set((r.coveredBy ?? []).map((id) => id.split('#')[0]!).filter(Boolean))];
  const again = await recheck(ctx, box, g, m, tests, o.k, o.recheckLimit);
  if (again.verdict === 'error') return { mutant: m, verdict: 'error', note: again.why };
  if (r.status === 'Timeout') {
    const reproduced = again.verdict === 'killed';
    return { mutant: m, verdict: reproduced ? 'killed' : 'survived', note: `Timeout ${reproduced ? 'reproduced' : 'did not reproduce'} (covered by ${tests.length} test files)` };
  }
  if (again.verdict === 'killed') return { mutant: m, verdict: 'error', note: `Stryker says ${r.status} but plain vitest kills it: a tool disagreement` };
  return { mutant: m, verdict: 'survived', note: `survived (covered by ${r.coveredBy?.length ?? 0} tests)` };
}

/** Run one group's mutants through Stryker, then judge each (with the plain-vitest re-check). */
export async function judge(ctx: ToolContext, box: string, g: Group, mutants: readonly Candidate[], o: JudgeOptions): Promise<{ outcomes: Outcome[] } | { error: string }> {
  const results = await runStryker(ctx, box, g, mutants, o.n, (i, t) => o.progress?.(`mutant ${i} of ${t}`));
  if ('error' in results) return results;
  const byId = new Map(results.map((r) => [resultId(box, r), r]));
  const outcomes: Outcome[] = [];
  for (const [k, m] of mutants.entries()) outcomes.push(await verdictOf(ctx, box, g, m, byId.get(m.id), { ...o, k: o.n * 1000 + k }));
  return { outcomes };
}
