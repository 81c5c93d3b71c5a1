import type { Config } from '../config/types.js';
import type { FileDiff } from '../diff/lines.js';
import type { CacheInputs, CheckResult, CheckVerb, ExecResult, Finding, Scope, ToolContext } from '../model.js';
import { noDiffReason } from '../scope/reasons.js';

/** What a check may use while it runs: its tool context, plus the run's config, scope, plan and diff. */
export interface CheckContext extends ToolContext {
  /** The verb the check runs under (gate holds some checks to more than loop can). */
  verb: CheckVerb;
  config: Config;
  scope: Scope;
  /** Ids of every check planned in this run. */
  planned: ReadonlySet<string>;
  /** Added/removed lines of every changed file (computed once per run); null without a merge-base. */
  diff(): Promise<Map<string, FileDiff> | null>;
}

/** One check of DESIGN §4: an id, a cost estimate (seconds; the plan's guess until a duration is recorded), and a run. */
export interface Check {
  id: string;
  cost: number;
  /** True for checks computed inside the harness process (no child process, no core of their own). */
  inProcess?: boolean;
  /** Under a budget, lower tiers start first (0: the changed scopes' own checks). */
  tier?: number;
  /** Checks of one shared config (a root eslint config, tsconfig, vitest config) run as one tool invocation. */
  batch?: Batch;
  /** What a passing result depends on, for the result cache (given the ids planned in the run); absent = never cached. */
  cacheInputs?: (config: Config, planned: ReadonlySet<string>) => CacheInputs;
  run(ctx: CheckContext): Promise<CheckResult>;
}

/** One tool run for several checks: every member's result from one invocation over all their files. */
export interface Batch {
  /** Equal for the checks that share the run (the tool and its config). */
  key: string;
  run(ctx: CheckContext, members: readonly string[]): Promise<Map<string, CheckResult>>;
}

export const PASS: CheckResult = { status: 'pass', findings: [] };

/** A finding with no location. */
export function note(message: string): Finding {
  return { path: null, message };
}

/** fail with the findings, or pass when there are none. */
export function verdict(findings: Finding[]): CheckResult {
  return findings.length > 0 ? { status: 'fail', findings } : PASS;
}

/** An error with one unlocated finding. */
export function errorResult(message: string): CheckResult {
  return { status: 'error', findings: [note(message)] };
}

/** The answer of a diff-based check when there is no merge-base to diff against. */
export function noDiff(scope: Scope): CheckResult {
  return errorResult(noDiffReason(scope.full));
}

/** The status of a tool run that ended without a verdict we can trust. */
export function toolError(tool: string, res: ExecResult, why: string): CheckResult {
  const tail = res.tail.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
  const how = res.spawnError ?? (res.signal ? `killed by ${res.signal}` : `exit code ${res.code}`);
  return errorResult(`${tool} ${why} (${how})${tail ? `: ${tail}` : ''}`);
}

/**
 * A structural guard: computed in the harness process, cached on every file, the diff and the scopes it
 * covers (`scopeList`).
 */
export function guard(id: string, cost: number, scopeList: readonly string[], run: Check['run']): Check {
  return { id, cost, inProcess: true, cacheInputs: () => ({ prefixes: [''], tools: [], diff: true, variant: [...scopeList].sort().join(',') }), run };
}

/** A guard over the diff's lines: without a merge-base it cannot answer (an error, never a pass). */
export function diffGuard(id: string, run: (ctx: CheckContext, diff: Map<string, FileDiff>) => Promise<CheckResult> | CheckResult): Check {
  return guard(id, 0.5, [], async (ctx) => {
    const diff = await ctx.diff();
    return diff === null ? noDiff(ctx.scope) : run(ctx, diff);
  });
}
