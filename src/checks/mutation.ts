import type { Finding } from '../model.js';
import type { Outcome } from '../mutate/verdicts.js';
import type { MutateResult } from '../mutate/pipeline.js';
import { errorResult, verdict, type Check, type CheckContext } from './check.js';

/** The shared pipeline run of one `harness mutate` (both mutation checks read it). */
export type SharedPipeline = (ctx: CheckContext) => Promise<MutateResult>;

/** One mutant as a finding: `path:line:col Mutator 'original' → 'replacement' …  [id]`. */
function findingOf(o: Outcome): Finding {
  const m = o.mutant;
  return { path: m.file, line: m.line, col: m.col, message: `${m.mutator} '${m.original}' → '${m.replacement}' ${o.note} [${m.id}]`, rule: m.mutator, id: m.id };
}

/** mutation — every selected mutant on executed changed lines must be killed (DESIGN §5). */
export function mutationCheck(pipeline: SharedPipeline): Check {
  return {
    id: 'mutation',
    cost: 5, // starts first, so the shared pipeline's tool output lands in the mutation log
    async run(ctx) {
      const r = await pipeline(ctx);
      if (r.kind === 'error') return errorResult(r.error);
      const errors = r.outcomes.filter((o) => o.verdict === 'error').map(findingOf);
      if (errors.length > 0) return { status: 'error', findings: errors };
      if (r.outcomes.length === 0) return { status: 'skipped', findings: [{ path: null, message: 'no mutant on the changed lines that tests execute' }] };
      return verdict(r.outcomes.filter((o) => o.verdict === 'survived').map(findingOf));
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
