import { boundariesCheck } from '../checks/boundaries.js';
import { changedTestsCheck } from '../checks/changed-tests.js';
import type { Check } from '../checks/check.js';
import { fileSizeCheck } from '../checks/file-size.js';
import { graphCheck } from '../checks/graph.js';
import { suppressionsCheck } from '../checks/suppressions.js';
import { commandCheck } from '../checks/command.js';
import { lintCheck } from '../checks/lint.js';
import { testCheck } from '../checks/test.js';
import { typecheckCheck } from '../checks/typecheck.js';
import type { Config, Verb } from '../config/types.js';
import { HarnessError } from '../errors.js';
import { allScopes, type Scope } from '../scope/resolve.js';

/** The structural guards (DESIGN §4): cheap, one each per run, over the diff or the scopes' files. */
function guards(config: Config, scopes: readonly string[]): Check[] {
  return [
    suppressionsCheck(),
    fileSizeCheck(),
    ...(config.mutate.require_changed_tests ? [changedTestsCheck()] : []),
    graphCheck(scopes),
    boundariesCheck(scopes),
  ];
}

function checksFor(scopes: readonly string[], config: Config, verb: Verb, everyCommand: boolean): Check[] {
  const perScope = [...guards(config, scopes), ...scopes.flatMap((s) => [lintCheck(s), typecheckCheck(s), testCheck(s)])];
  const commands = config.checks.command
    .filter((c) => c.verbs.includes(verb))
    .filter((c) => everyCommand || c.scopes.length === 0 || c.scopes.some((s) => scopes.includes(s)))
    .map(commandCheck);
  return [...perScope, ...commands];
}

/**
 * The checks a verb runs: gate runs every check of every scope; loop those of the expanded scopes
 * (with no change, none). `only` narrows to exactly the named checks, which may be any scope's.
 */
export function plan(verb: Verb, config: Config, scope: Scope, only: readonly string[] | null): Check[] {
  if (only) {
    const known = new Map(checksFor(allScopes(config), config, verb, true).map((c) => [c.id, c]));
    return only.map((id) => {
      const check = known.get(id);
      if (!check) throw new HarnessError('usage', `--only: no check "${id}" (known: ${[...known.keys()].join(', ')})`, '--only');
      return check;
    });
  }
  if (verb === 'gate') return checksFor(allScopes(config), config, verb, true);
  if (scope.mode === 'scoped' && scope.expanded_scopes.length === 0) return [];
  return checksFor(scope.expanded_scopes, config, verb, scope.mode === 'full');
}
