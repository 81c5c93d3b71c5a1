import type { CheckReport, NextAction } from './build.js';

/** Quote an argument for display in a copy-pasteable POSIX shell command (harness itself never runs a shell). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) && !arg.startsWith('-') ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Context-aware next steps (DESIGN §6): failures → the command that re-runs them; deferred → the command
 * that runs exactly the rest; all green → the next verb of the rhythm (loop → gate until mutate exists).
 * `prefix` is how harness was invoked plus the global options the user passed, so the command works as pasted.
 */
export function nextActions(
  verb: 'loop' | 'gate',
  prefix: string,
  checks: readonly CheckReport[],
  run: { noChange: boolean; only: boolean },
): NextAction[] {
  const ids = (status: CheckReport['status'][]) => checks.filter((c) => status.includes(c.status)).map((c) => c.id);
  const only = (list: string[]) => `${prefix} ${verb} --only ${shellQuote(list.join(','))}`;
  if (run.noChange) {
    return [{ command: `${prefix} loop`, description: 'No change since the merge-base: nothing to check. Run it again after an edit.' }];
  }
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
  if (verb === 'loop') return [{ command: `${prefix} gate`, description: 'All scoped checks passed; run the full gate before opening a PR.' }];
  return [{ command: `${prefix} loop`, description: 'The gate passed: the change is ready to merge.' }];
}
