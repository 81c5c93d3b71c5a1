import type { Check } from '../checks/check.js';
import { commandChecks, guardChecks, mutateChecks, SCOPE_CHECKS } from '../checks/registry.js';
import type { Config } from '../config/types.js';
import { HarnessError } from '../errors.js';
import type { CheckVerb, CommandVerb, Scope } from '../model.js';
import type { MutateOptions } from '../mutate/pipeline.js';
import { allScopes } from '../scope/resolve.js';

function checksFor(scopes: readonly string[], config: Config, verb: CommandVerb, everyCommand: boolean): Check[] {
  const perScope = [...guardChecks(config, scopes), ...scopes.flatMap((s) => SCOPE_CHECKS.map((make) => make(s)))];
  return [...perScope, ...commandChecks(config, verb, everyCommand ? null : scopes)];
}

export interface PlanOptions {
  /** `--only`: exactly these check ids, which may be any scope's. */
  only: readonly string[] | null;
  /** mutate's options (`--max-mutants`, `--mutant`, progress). */
  mutate?: MutateOptions;
}

/**
 * The checks a verb runs: gate runs every check of every scope; loop those of the expanded scopes
 * (with no change, none); mutate its mutation checks. `only` narrows loop and gate to exactly the named
 * checks.
 */
export function plan(verb: CheckVerb, config: Config, scope: Scope, opts: PlanOptions): Check[] {
  if (verb === 'mutate') return mutateChecks(config, opts.mutate ?? { maxMutants: config.mutate.max_mutants, only: null, progress: null });
  if (opts.only) {
    const known = new Map(checksFor(allScopes(config), config, verb, true).map((c) => [c.id, c]));
    return opts.only.map((id) => {
      const check = known.get(id);
      if (!check) throw new HarnessError('usage', `--only: no check "${id}" (known: ${[...known.keys()].join(', ')})`, '--only');
      return check;
    });
  }
  if (verb === 'gate') return checksFor(allScopes(config), config, verb, true);
  if (scope.mode === 'scoped' && scope.expanded_scopes.length === 0) return [];
  return checksFor(scope.expanded_scopes, config, verb, scope.mode === 'full');
}
