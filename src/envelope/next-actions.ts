import type { CheckReport, CheckVerb, NextAction } from '../model.js';

/** Quote an argument for display in a copy-pasteable POSIX shell command (harness itself never runs a shell). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) && !arg.startsWith('-') ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Context-aware next steps (DESIGN §6): failures → the command that re-runs them; deferred → the command
 * that runs exactly the rest; all green → the next verb of the rhythm (loop → mutate → gate).
 * `prefix` is how harness was invoked plus the global options the user passed, so the command works as pasted.
 */
export function nextActions(
  verb: CheckVerb,
  prefix: string,
  checks: readonly CheckReport[],
  run: { noChange: boolean; only: boolean; ignored?: readonly string[] },
): NextAction[] {
  const ids = (status: CheckReport['status'][]) => checks.filter((c) => status.includes(c.status)).map((c) => c.id);
  const only = (list: string[]) => `${prefix} ${verb} --only ${shellQuote(list.join(','))}`;
  if (run.noChange && run.ignored && run.ignored.length > 0) {
    const more = run.ignored.length > 1 ? ` and ${run.ignored.length - 1} more` : '';
    return [{ command: `${prefix} loop`, description: `Only ignored files changed (${JSON.stringify(run.ignored[0])}${more}, [scope] ignore): nothing to check. Run it again after an edit.` }];
  }
  if (run.noChange) {
    return [{ command: `${prefix} loop`, description: 'No change since the merge-base: nothing to check. Run it again after an edit.' }];
  }
  if (verb === 'mutate') return mutateActions(prefix, checks);
  const actions: NextAction[] = [];
  const broken = ids(['fail', 'error']);
  if (broken.length > 0) {
    actions.push({ command: only(broken), description: `Fix ${broken.join(', ')} (see details and logs), then re-run ${broken.length > 1 ? 'them' : 'it'}.` });
  }
  const deferred = ids(['deferred']);
  if (deferred.length > 0) {
    actions.push({ command: only(deferred), description: `Run the ${deferred.length} check(s) the budget deferred.` });
  }
  if (actions.length > 0) return actions;
  if (run.only) {
    return [{ command: `${prefix} ${verb}`, description: `The selected checks passed; run the whole ${verb} to verify the change.` }];
  }
  if (verb === 'loop') {
    return [{ command: `${prefix} mutate`, description: 'All scoped checks passed; before a PR, check that the tests kill mutants of the changed lines.' }];
  }
  return [{ command: `${prefix} loop`, description: 'The gate passed: the change is ready to merge.' }];
}

/** mutate: survivors → the command re-running exactly them; untested lines → add tests; green → gate. */
function mutateActions(prefix: string, checks: readonly CheckReport[]): NextAction[] {
  const mutation = checks.find((c) => c.id === 'mutation');
  const survivors = (mutation?.status === 'fail' ? mutation.findings : []).map((f) => f.id).filter((id): id is string => id !== undefined);
  const actions: NextAction[] = [];
  if (survivors.length > 0) {
    actions.push({
      command: `${prefix} mutate --mutant ${survivors.join(',')}`,
      description: `Strengthen the tests until ${survivors.length === 1 ? 'this mutant is' : 'these mutants are'} killed, then re-run exactly ${survivors.length === 1 ? 'it' : 'them'}.`,
    });
  }
  const broken = checks.filter((c) => (c.status === 'fail' || c.status === 'error') && (c.id !== 'mutation' || survivors.length === 0));
  if (broken.length > 0) {
    actions.push({ command: `${prefix} mutate`, description: `Fix ${broken.map((c) => c.id).join(', ')} (see details and logs), then re-run.` });
  }
  if (actions.length > 0) return actions;
  return [{ command: `${prefix} gate`, description: 'Every mutant of the change was killed; run the full gate.' }];
}
