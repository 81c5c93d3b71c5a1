/**
 * Every check harness has, in one place: the planner reads this registry and nothing else of checks/.
 * Per scope: lint, typecheck, test. Guards: one each per run. Commands: the repo's own. Mutate: the
 * mutation checks over one shared pipeline run.
 */
import { Writable } from 'node:stream';
import { SCOPE_CHECKS, type Config, type ScopeCheck } from '../config/types.js';
import type { CheckVerb } from '../model.js';
import type { MutateOptions, MutateResult } from '../mutate/pipeline.js';
import type { Linter } from '../tools/linters.js';
import { boundariesCheck } from './boundaries.js';
import { changedTestsCheck } from './changed-tests.js';
import type { Check, CheckContext } from './check.js';
import { commandCheck } from './command.js';
import { fileSizeCheck } from './file-size.js';
import { graphCheck } from './graph.js';
import { lintCheck } from './lint.js';
import { mutationCheck, testsFailOnBaseCheck, untestedLinesCheck } from './mutation.js';
import { suppressionsCheck } from './suppressions.js';
import { tamperCheck, tamperKind } from './tamper.js';
import { testCheck } from './test.js';
import { typecheckCheck } from './typecheck.js';

/** What a scope's per-scope checks are to be: which run (in report order), which are skipped and why, their costs. */
export interface ScopePlan {
  scope: string;
  run: readonly ScopeCheck[];
  skipped: Partial<Record<ScopeCheck, string>>;
  linter: Linter | null;
  /** The linter's config file: scopes under one config share one lint run. */
  linterConfig: string | null;
  /** The tsconfig and vitest config the scope shares with others (one run for all of them), or null. */
  shared: { typecheck: string | null; test: string | null };
  costs: Record<ScopeCheck, number>;
}

/** A check planned only to say why it does not run. */
function skippedCheck(id: string, why: string): Check {
  return { id, cost: 0, inProcess: true, run: async () => ({ status: 'skipped', findings: [{ path: null, message: why }] }) };
}

/** The per-scope checks (DESIGN §4): lint, typecheck and test, as the scope's plan says. */
export function scopeChecks(p: ScopePlan): Check[] {
  return SCOPE_CHECKS.flatMap((kind): Check[] => {
    if (p.run.includes(kind)) {
      if (kind === 'lint') return [lintCheck(p.scope, p.linter, p.linterConfig, p.costs.lint)];
      return [kind === 'typecheck' ? typecheckCheck(p.scope, p.costs.typecheck, p.shared.typecheck) : testCheck(p.scope, p.costs.test, p.shared.test)];
    }
    const why = p.skipped[kind];
    return why ? [skippedCheck(`${kind}:${p.scope}`, why)] : [];
  });
}

/**
 * The structural guards: cheap, one each per run, over the diff or the given scopes' files. `changed`:
 * the run's changed files (tamper is planned when a check's config is among them), null to plan every guard.
 */
export function guardChecks(config: Config, scopes: readonly string[], changed: readonly string[] | null, root: string): Check[] {
  return [
    suppressionsCheck(),
    fileSizeCheck(),
    ...(changed === null || changed.some((p) => tamperKind(p, config, root) !== null) ? [tamperCheck()] : []),
    ...(config.mutate.require_changed_tests ? [changedTestsCheck()] : []),
    graphCheck(scopes),
    boundariesCheck(scopes),
  ];
}

/** `[[checks.command]]` entries of a verb: those for any of `scopes`, or every one when `scopes` is null. */
export function commandChecks(config: Config, verb: CheckVerb, scopes: readonly string[] | null): Check[] {
  return config.checks.command
    .filter((c) => (c.verbs as readonly string[]).includes(verb))
    .filter((c) => scopes === null || c.scopes.length === 0 || c.scopes.some((s) => scopes.includes(s)))
    .map(commandCheck);
}

/**
 * The shared pipeline's log: every check that reads the pipeline gets its whole tool output in its own
 * log (one joining later first receives what was written before), whichever check starts it.
 */
function sharedLog(): { out: Writable; join(log: Writable): void } {
  const written: unknown[] = [];
  const logs: Writable[] = [];
  const out = new Writable({
    write(chunk, _encoding, done) {
      written.push(chunk);
      for (const log of logs) log.write(chunk);
      done();
    },
  });
  return { out, join: (log) => void (written.forEach((c) => log.write(c)), logs.push(log)) };
}

/** mutate's checks: the changed_tests guard (when required), then untested_lines and mutation over one pipeline run. */
export function mutateChecks(config: Config, opts: MutateOptions): Check[] {
  let shared: Promise<MutateResult> | undefined;
  const log = sharedLog();
  // The mutation stages (Stryker, coverage) load only for `harness mutate`.
  const pipeline = (ctx: CheckContext) => {
    log.join(ctx.log);
    return (shared ??= import('../mutate/pipeline.js').then((m) => m.mutatePipeline({ ...ctx, log: log.out, exec: (argv, o) => ctx.exec(argv, { ...o, log: log.out }) }, opts)));
  };
  // Sharded, every shard judges its part of the mutants; the checks of the whole change run in shard 1 only.
  if (opts.shard && opts.shard.index > 1) return [mutationCheck(pipeline)];
  return [...(config.mutate.require_changed_tests ? [changedTestsCheck()] : []), untestedLinesCheck(pipeline), mutationCheck(pipeline), testsFailOnBaseCheck(pipeline, opts.refactor)];
}
