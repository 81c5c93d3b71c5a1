import type { Writable } from 'node:stream';
import type { Config } from '../config/types.js';
import type { Status } from '../envelope/build.js';
import type { FileDiff } from '../diff/lines.js';
import type { CacheInputs } from '../run/cache.js';
import type { ExecResult } from '../run/exec.js';
import type { Scope } from '../scope/resolve.js';

export interface CheckResult {
  status: Exclude<Status, 'deferred'>;
  /** One finding each, `path:line:col message` where a location exists; unbounded here, bounded in the envelope. */
  details: string[];
}

/** What a check may use while it runs. */
export interface CheckContext {
  /** Absolute root of the target repository. */
  root: string;
  /** Absolute `.harness/runs/<id>/` of this run; checks may put tool reports here. */
  runDir: string;
  /** Base name for this check's files in runDir (e.g. `lint-core`). */
  fileStem: string;
  config: Config;
  scope: Scope;
  /** Ids of every check planned in this run. */
  planned: ReadonlySet<string>;
  /** The check's log. */
  log: Writable;
  /** Aborted at the budget deadline, the per-check timeout or an interrupt. */
  signal: AbortSignal;
  /** Added/removed lines of every changed file (computed once per run); null without a merge-base. */
  diff(): Promise<Map<string, FileDiff> | null>;
  /** Run a program in the target repo (never a shell), its output going to the log. */
  exec(
    argv: readonly string[],
    opts?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onStdout?: (chunk: string) => void },
  ): Promise<ExecResult>;
}

/** One check of DESIGN §4: an id, a cost estimate (seconds; the plan's guess until a duration is recorded), and a run. */
export interface Check {
  id: string;
  cost: number;
  /** True for checks computed inside the harness process (no child process, no core of their own). */
  inProcess?: boolean;
  /** What a passing result depends on, for the result cache (given the ids planned in the run); absent = never cached. */
  cacheInputs?: (config: Config, planned: ReadonlySet<string>) => CacheInputs;
  run(ctx: CheckContext): Promise<CheckResult>;
}

/** The answer of a diff-based check when there is no merge-base to diff against. */
export function noDiff(scope: Scope): CheckResult {
  return { status: 'error', details: [`cannot tell which lines changed: ${scope.full_reason ?? 'no merge-base'}`] };
}

/** The status of a tool run that ended without a verdict we can trust. */
export function toolError(tool: string, res: ExecResult, why: string): CheckResult {
  const tail = res.tail.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
  const how = res.spawnError ?? (res.signal ? `killed by ${res.signal}` : `exit code ${res.code}`);
  return { status: 'error', details: [`${tool} ${why} (${how})${tail ? `: ${tail}` : ''}`] };
}

/** Cache inputs of an in-process guard over `scopeList`: every file, the diff, and the scopes it covers. */
export function guardInputs(scopeList: readonly string[]): () => CacheInputs {
  return () => ({ prefixes: [''], tools: [], diff: true, variant: [...scopeList].sort().join(',') });
}
