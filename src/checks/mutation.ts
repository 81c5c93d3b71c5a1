import type { Finding } from '../model.js';
import type { Outcome } from '../mutate/verdicts.js';
import type { MutateResult } from '../mutate/pipeline.js';
import { errorResult, note, PASS, verdict, type Check, type CheckContext } from './check.js';

/** The shared pipeline run of one `harness mutate` (both mutation checks read it). */
export type SharedPipeline = (ctx: CheckContext) => Promise<MutateResult>;

/** One mutant as a finding: `path:line:col Mutator 'original' → 'replacement' …  [id]`. */
function findingOf(o: Outcome): Finding {
  const m = o.mutant;
  return { path: m.file, line: m.line, col: m.col, message: `${m.mutator} '${m.original}' → '${m.replacement}' ${o.note} [${m.id}]`, rule: m.mutator, id: m.id };
}

/** What `[[mutate.accept]]` did in this run: accepted mutants (not run) and entries that match no mutant of the change. */
function acceptNotes(r: MutateResult): Finding[] {
  const accepted = r.accepted.map(({ mutant: m, reason }) => ({ path: m.file, line: m.line, col: m.col, message: `${m.mutator} '${m.original}' → '${m.replacement}' accepted as equivalent: ${reason} [${m.id}]` }));
  const stale = r.stale.map((a) => note(`harness.toml: [[mutate.accept]] ${a.id} matches no mutant of the changed lines (stale, or not in this change): ${a.reason}`));
  const count = accepted.length > 0 ? [note(`${accepted.length} accepted mutant(s), not run ([[mutate.accept]])`)] : [];
  return [...count, ...accepted, ...stale];
}

/**
 * mutation — every selected mutant on executed changed lines must be killed (DESIGN §5). What was
 * judged before a later stage failed is still reported; accepted mutants are listed, never dropped.
 */
export function mutationCheck(pipeline: SharedPipeline): Check {
  return {
    id: 'mutation',
    cost: 5,
    async run(ctx) {
      const r = await pipeline(ctx);
      const judged = r.outcomes.filter((o) => o.verdict !== 'killed').map(findingOf);
      if (r.kind === 'error') return { status: 'error', findings: [note(r.error), ...judged, ...acceptNotes(r)], ...(r.fatal ? { fatal: r.error } : {}) };
      const errors = r.outcomes.filter((o) => o.verdict === 'error').map(findingOf);
      if (errors.length > 0) return { status: 'error', findings: [...errors, ...acceptNotes(r)] };
      if (r.outcomes.length === 0) {
        const why = r.accepted.length > 0 ? 'no mutant to run on the changed lines that tests execute, besides the accepted ones' : 'no mutant on the changed lines that tests execute';
        return { status: 'skipped', findings: [note(why), ...acceptNotes(r)] };
      }
      const survivors = r.outcomes.filter((o) => o.verdict === 'survived').map(findingOf);
      return survivors.length > 0 ? { status: 'fail', findings: [...survivors, ...acceptNotes(r)] } : { status: 'pass', findings: acceptNotes(r) };
    },
  };
}

/** untested_lines — changed executable lines no test executes (DESIGN §5). */
export function untestedLinesCheck(pipeline: SharedPipeline): Check {
  return {
    id: 'untested_lines',
    cost: 6,
    async run(ctx) {
      const r = await pipeline(ctx);
      if (r.untested === null) return errorResult(r.kind === 'error' ? r.error : 'the coverage step did not run');
      return verdict(r.untested);
    },
  };
}

/**
 * tests_fail_on_base — the changed tests, run against the merge-base's code, must fail there: else they
 * do not show what the change changed (DESIGN §5). `--refactor` declares the change behaviour-preserving.
 */
export function testsFailOnBaseCheck(pipeline: SharedPipeline, refactor: boolean): Check {
  return {
    id: 'tests_fail_on_base',
    cost: 7,
    async run(ctx) {
      if (refactor) return { status: 'skipped', findings: [note('declared a refactor (--refactor): behaviour is preserved, so the tests need not fail on the old code')] };
      const r = await pipeline(ctx);
      if (r.kind === 'error') return errorResult(`not run: ${r.error}`);
      const b = r.onBase;
      if (!b) return errorResult('the changed tests were not run against the old code');
      if (b.kind === 'error') return errorResult(b.why);
      if (b.kind === 'none') return { status: 'skipped', findings: [note(b.why)] };
      if (b.kind === 'bites') return PASS;
      return { status: 'fail', findings: b.tests.map((t) => ({ path: t, message: "passes against the merge-base's code too: its tests do not show what the change changed (a refactor? harness mutate --refactor)" })) };
    },
  };
}
