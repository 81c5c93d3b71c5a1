/**
 * The types every stage of the pipeline shares (diff → scope → plan → run → envelope). This file is
 * the bottom layer: it imports nothing, so no stage ever needs a later stage's types. Besides types it
 * holds only the canonical text of a finding, which every stage that writes one (logs, envelope) shares.
 */
import type { Writable } from 'node:stream';

/** Every verb of the CLI, and the ones that run checks. */
export const VERBS = ['loop', 'gate', 'mutate', 'scope', 'init', 'hook', 'schema'] as const;
export type CheckVerb = 'loop' | 'gate' | 'mutate';
/** The verbs a `[[checks.command]]` entry may run under. */
export const COMMAND_VERBS = ['loop', 'gate'] as const;
export type CommandVerb = (typeof COMMAND_VERBS)[number];

export type Status = 'pass' | 'fail' | 'error' | 'deferred' | 'skipped';

/**
 * One finding of a check. Rendered at the envelope edge as `path:line:col message` (with a line),
 * `path: message` (a file without a line) or `message`.
 */
export interface Finding {
  path: string | null;
  line?: number;
  col?: number;
  /** The whole message as shown (a tool's rule or code included, as the tool prints it). */
  message: string;
  /** The rule or diagnostic code, when the tool names one. */
  rule?: string;
  /** A stable identity a later command can name (a mutant id for `--mutant`). */
  id?: string;
}

/** A finding's canonical text (logs and the envelope's `details`). */
export function renderFinding(f: Finding): string {
  if (f.path === null) return f.message;
  return f.line === undefined ? `${f.path}: ${f.message}` : `${f.path}:${f.line}:${f.col ?? 1} ${f.message}`;
}

export interface CheckResult {
  status: Exclude<Status, 'deferred'>;
  /** Unbounded here; bounded in the envelope. */
  findings: Finding[];
  /** harness itself could not run here (not a verdict on the change): the run answers exit 2 with this. */
  fatal?: string;
  /** Findings held by the line: they exist at the merge-base too (counted, not failing, not listed). */
  preexisting?: number;
}

/** A check's outcome as the runner reports it (findings still structured; the envelope renders them). */
export interface CheckReport {
  id: string;
  status: Status;
  duration_ms: number;
  findings: Finding[];
  log: string | null;
  /** A pass reused from an earlier run with identical inputs (the check did not run now). */
  cached?: boolean;
  /** harness could not run this check (see CheckResult.fatal). */
  fatal?: string;
  /** See CheckResult.preexisting. */
  preexisting?: number;
}

/**
 * Why a run cannot be scoped and must check everything (DESIGN §3), as data; turned into words only
 * where they are shown (scope/reasons.ts).
 */
export type FullReason =
  | { kind: 'missing-dir'; root: string }
  | { kind: 'not-git'; root: string }
  | { kind: 'no-commit' }
  | { kind: 'unknown-base'; base: string }
  | { kind: 'shallow'; base: string }
  | { kind: 'unrelated'; base: string }
  | { kind: 'git-failed'; message: string }
  | { kind: 'outside-cwd'; root: string; paths: string[] }
  | { kind: 'global'; paths: string[]; why: string }
  | { kind: 'unmapped'; paths: string[] }
  // A changed lockfile (DESIGN §3) that cannot be resolved to scopes. `path` is the lockfile.
  | { kind: 'lockfile-unparsable'; path: string; side: LockfileSide; message: string }
  | { kind: 'lockfile-presence'; path: string; change: 'added' | 'deleted' }
  /** Root-level resolution settings changed (overrides, resolutions, patches, catalogs, lockfile version…), by name. */
  | { kind: 'lockfile-settings'; path: string; settings: string[] }
  /** No workspace package's scope owns these changed packages: `importer` reaches them and no scope owns it (null: no importer reaches them; no packages: the importer's own direct dependencies changed). */
  | { kind: 'lockfile-unattributed'; path: string; importer: string | null; packages: string[] }
  /** The lockfile has no entry for a workspace package a scope owns. */
  | { kind: 'lockfile-importer'; path: string; scope: string; dir: string };

/** Which version of a lockfile: the merge-base's or the work tree's. */
export type LockfileSide = 'merge-base' | 'work tree';

/** The scope resolution of one run (DESIGN §3). */
export interface Scope {
  base: string;
  merge_base: string | null;
  mode: 'scoped' | 'full';
  full: FullReason | null;
  changed_files: string[];
  changed_scopes: string[];
  expanded_scopes: string[];
  /** Expanded scopes reached only through a test edge: their test and typecheck run, not their lint. */
  via_tests: string[];
  /** Why each expanded scope is in (scoped mode; in full mode `full` says why every scope is). */
  why: Record<string, Why>;
}

/** One reason a scope is in: a changed file, and the chain of scopes from the file's scope to it. */
export interface Why {
  file: string;
  via: string[];
  edge: 'changed' | 'dependency' | 'test';
}

/** What the loop expects of its budget before it starts (reported in the envelope). */
export interface BudgetPlan {
  budget_ms: number;
  /** When the last check is expected to end, from recorded durations (estimates where none is recorded). */
  expected_ms: number;
  /** How many checks are expected not to finish within the budget. */
  expected_deferred: number;
}

/** What a passing check result depends on, for the result cache. */
export interface CacheInputs {
  /** Repo-relative directory prefixes whose files the check reads ('' = everything). */
  prefixes: string[];
  /** The packages of the tools it may run, whose versions are part of the key. */
  tools: string[];
  /** The check reads the diff against the merge-base: the merge-base commit is part of the key. */
  diff?: boolean;
  /** Anything else the result depends on (e.g. the scopes a guard covers). */
  variant?: string;
  /** The tool may read git-ignored files under its prefixes (generated code, built .d.ts): hash them too. */
  ignored?: boolean;
}

/** `--shard k/n`: one machine's part (1-based) of a split over n. */
export interface Shard {
  index: number;
  count: number;
}

export type ErrorCode = 'usage' | 'config' | 'environment' | 'internal';

export interface NextAction {
  command: string;
  description: string;
}

/** The outcome of one child process. */
export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stdoutTruncated: boolean;
  /** The last 16 KiB of stdout+stderr, for error messages. */
  tail: string;
  aborted: boolean;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  spawnError: string | null;
}

export interface ExecRequest {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  onStdout?: (chunk: string) => void;
  /** Where the run's output goes, when not to the check's own log (a run shared by several checks). */
  log?: Writable;
}

/**
 * What a tool adapter needs to run its tool for a check: where to write reports, the check's log, and a
 * way to run a program (never a shell) whose output goes to that log. The check's context extends it.
 */
export interface ToolContext {
  /** Absolute root of the target repository. */
  root: string;
  /** Absolute `.harness/runs/<id>/` of this run; tools put their reports here. */
  runDir: string;
  /** Base name for this check's files in runDir (e.g. `lint-core`). */
  fileStem: string;
  log: Writable;
  /** Aborted at the budget deadline, the per-check timeout or an interrupt. */
  signal: AbortSignal;
  exec(argv: readonly string[], opts?: ExecRequest): Promise<ExecResult>;
}
