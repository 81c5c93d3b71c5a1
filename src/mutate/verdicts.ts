import type { ToolContext } from '../model.js';
import type { CoverageGroup } from './coverage.js';
import { runStryker, type StrykerResult, type StrykerRunOptions } from '../tools/stryker.js';
import { resultId, type Candidate } from './mutants.js';
import { recheckAll, type Recheck } from './recheck.js';

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

/** Stryker's word, where it is final: killed as Stryker says, an error when Stryker ran no test. */
function strykerVerdict(m: Candidate, r: StrykerResult | undefined): Outcome | null {
  if (!r) return { mutant: m, verdict: 'error', note: 'Stryker did not test this mutant' };
  if (r.status === 'Killed' || r.status === 'CompileError' || r.status === 'RuntimeError') return { mutant: m, verdict: 'killed', note: r.status };
  if (r.status === 'Survived' && r.testsCompleted === 0) {
    return { mutant: m, verdict: 'error', note: 'Stryker ran no test for it (testsCompleted: 0): a tool error, not a survivor' };
  }
  return null;
}

const coveringFiles = (r: StrykerResult) => [...new Set((r.coveredBy ?? []).map((id) => id.split('#')[0]!).filter(Boolean))];

/** The verdict on a mutant Stryker says survived, timed out or was not covered, from the plain-vitest re-check. */
function recheckedVerdict(m: Candidate, r: StrykerResult, again: Recheck): Outcome {
  if (again.verdict === 'error') return { mutant: m, verdict: 'error', note: again.why };
  if (r.status === 'Timeout') {
    const reproduced = again.verdict === 'killed';
    return { mutant: m, verdict: reproduced ? 'killed' : 'survived', note: `Timeout ${reproduced ? 'reproduced' : 'did not reproduce'} (covered by ${coveringFiles(r).length} test files)` };
  }
  if (again.verdict === 'killed') return { mutant: m, verdict: 'error', note: `Stryker says ${r.status} but plain vitest kills it: a tool disagreement` };
  return { mutant: m, verdict: 'survived', note: `survived (covered by ${r.coveredBy?.length ?? 0} tests)` };
}

/** Stryker's results for one group's mutants, by mutant id, and how long its dry run's tests took (ms). */
export interface StrykerById {
  byId: Map<string, StrykerResult>;
  dryRunMs: number;
}

/** Run one group's mutants through Stryker (`choose`: which of them run, decided after its dry run). */
export async function strykerResults(ctx: ToolContext, box: string, g: Group, mutants: readonly Candidate[], o: Pick<JudgeOptions, 'n' | 'progress'> & Pick<StrykerRunOptions, 'choose'>): Promise<StrykerById | { error: string }> {
  const run = await runStryker(ctx, box, g, mutants, { n: o.n, onProgress: (i, t) => o.progress?.(`mutant ${i} of ${t}`), choose: o.choose });
  return 'error' in run ? run : { byId: new Map(run.results.map((r) => [resultId(box, r), r])), dryRunMs: run.dryRunMs };
}

/**
 * Judge each mutant from Stryker's results: Stryker's kills stand; what it says survived (Survived,
 * NoCoverage, Timeout) is asked again of plain vitest on its covering test files, since Stryker's vitest
 * runner has reported false survivors.
 */
export async function judge(ctx: ToolContext, box: string, g: Group, mutants: readonly Candidate[], byId: StrykerById['byId'], o: JudgeOptions): Promise<Outcome[]> {
  // Timeouts last: a hang ends the batch, and what follows it is asked one process at a time.
  const open = mutants.filter((m) => strykerVerdict(m, byId.get(m.id)) === null).sort((a, b) => Number(byId.get(a.id)!.status === 'Timeout') - Number(byId.get(b.id)!.status === 'Timeout'));
  if (open.length > 0) o.progress?.(`re-checking ${open.length} survivor(s) with plain vitest`);
  const again = await recheckAll(ctx, box, g, open.map((m) => ({ mutant: m, tests: coveringFiles(byId.get(m.id)!) })), o.n, o.recheckLimit);
  return mutants.map((m) => strykerVerdict(m, byId.get(m.id)) ?? recheckedVerdict(m, byId.get(m.id)!, again.get(m.id)!));
}
