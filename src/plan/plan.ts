import type { Check } from '../checks/check.js';
import { commandChecks, guardChecks, mutateChecks, scopeChecks, type ScopePlan } from '../checks/registry.js';
import { SCOPE_CHECKS, type Config, type ScopeCheck } from '../config/types.js';
import { workTreeFiles } from '../diff/files.js';
import { HarnessError } from '../errors.js';
import type { CheckVerb, CommandVerb, Scope } from '../model.js';
import type { MutateOptions } from '../mutate/pipeline.js';
import { allScopes } from '../scope/resolve.js';
import { scopeFacts, type ScopeFacts } from './check-sets.js';

/** First-run estimates (seconds) from the size of the work; recorded durations replace them. */
function costs(f: ScopeFacts): Record<ScopeCheck, number> {
  return { lint: 1 + 0.02 * f.lintFiles, typecheck: 1.5 + 0.01 * f.tsFiles, test: 1.5 + 0.5 * f.testFiles };
}

/** A scope's plan: the checks it has (or `[scope.checks]`), only test and typecheck when only a test edge reached it. */
function scopePlan(scope: string, f: ScopeFacts, viaTests: boolean, chosen: boolean): ScopePlan {
  const kinds = SCOPE_CHECKS.filter((k) => !viaTests || k !== 'lint');
  return {
    scope,
    run: kinds.filter((k) => f.checks.has(k)),
    // A check the user left out of [scope.checks] is not planned; one the scope does not have is skipped with why.
    skipped: chosen ? {} : Object.fromEntries(kinds.filter((k) => !f.checks.has(k) && f.without[k]).map((k) => [k, f.without[k]!])),
    linter: f.linter,
    linterConfig: f.linterConfig,
    shared: f.shared,
    costs: costs(f),
  };
}

interface Planned {
  scopes: readonly string[];
  viaTests: ReadonlySet<string>;
  /** The changed scopes: their own checks come first (tier 0). */
  first: ReadonlySet<string>;
}

/** `changed`: the run's changed files (what the tamper guard needs), null under `--only` (every check can be named). */
function checksFor(p: Planned, facts: Map<string, ScopeFacts>, config: Config, verb: CommandVerb, everyCommand: boolean, changed: readonly string[] | null, root: string): Check[] {
  const perScope = p.scopes.flatMap((s) =>
    scopeChecks(scopePlan(s, facts.get(s)!, p.viaTests.has(s), config.scope.checks.has(s))).map((c) => ({ ...c, tier: p.first.has(s) ? 0 : 1 })),
  );
  return [...guardChecks(config, p.scopes, changed, root), ...perScope, ...commandChecks(config, verb, everyCommand ? null : p.scopes)];
}

export interface PlanOptions {
  /** `--only`: exactly these check ids, which may be any scope's. */
  only: readonly string[] | null;
  /** mutate's options (`--max-mutants`, `--mutant`, progress). */
  mutate?: MutateOptions;
}

/**
 * The checks a verb runs: gate runs every check of every scope; loop those of the expanded scopes
 * (with no change, none; the changed scopes' own first); mutate its mutation checks. `only` narrows loop
 * and gate to exactly the named checks.
 */
export async function plan(verb: CheckVerb, root: string, config: Config, scope: Scope, opts: PlanOptions): Promise<Check[]> {
  if (verb === 'mutate') return mutateChecks(config, opts.mutate ?? { maxMutants: config.mutate.max_mutants, only: null, progress: null, refactor: false });
  if (verb === 'loop' && !opts.only && scope.mode === 'scoped' && scope.expanded_scopes.length === 0) return [];
  const facts = scopeFacts(root, config, await workTreeFiles(root));
  const all: Planned = { scopes: allScopes(config), viaTests: new Set(), first: new Set(allScopes(config)) };
  if (opts.only) {
    const known = new Map(checksFor(all, facts, config, verb, true, null, root).map((c) => [c.id, c]));
    return opts.only.map((id) => {
      const check = known.get(id);
      if (!check) throw new HarnessError('usage', `--only: no check "${id}" (known: ${[...known.keys()].join(', ')})`, '--only');
      return check;
    });
  }
  if (verb === 'gate' || scope.mode === 'full') return checksFor(all, facts, config, verb, true, scope.changed_files, root);
  const planned: Planned = { scopes: scope.expanded_scopes, viaTests: new Set(scope.via_tests), first: new Set(scope.changed_scopes) };
  return checksFor(planned, facts, config, verb, false, scope.changed_files, root);
}
