import type { Scope } from '../scope/resolve.js';
import type { BudgetPlan } from '../run/durations.js';

export type Status = 'pass' | 'fail' | 'error' | 'deferred' | 'skipped';

export interface CheckReport {
  id: string;
  status: Status;
  duration_ms: number;
  details: string[];
  log: string | null;
  /** A pass reused from an earlier run with identical inputs (the check did not run now). */
  cached?: boolean;
}

export interface NextAction {
  command: string;
  description: string;
}

export interface Limits {
  max_checks: number;
  max_details: number;
  max_detail_chars: number;
  max_files: number;
}

export interface ErrorInfo {
  code: 'usage' | 'config' | 'environment' | 'internal';
  message: string;
  key: string | null;
}

export interface Envelope {
  schema_version: 1;
  ok: boolean;
  command: string;
  result: {
    scope?: Scope & { omitted_changed_files?: number };
    checks?: (CheckReport & { omitted_details: number })[];
    summary?: Record<'total' | 'passed' | 'failed' | 'errors' | 'deferred' | 'skipped' | 'omitted_checks', number>;
    error?: ErrorInfo;
    run_id?: string;
    /** loop: what the budget was expected to allow before any check started. */
    budget?: BudgetPlan;
    init?: { path: string; written: boolean; scopes: number; test_edges: number; config: string | null };
  };
  next_actions: NextAction[];
  duration_ms: number;
}

const ORDER: Record<Status, number> = { fail: 0, error: 1, deferred: 2, pass: 3, skipped: 4 };

export function clip(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ');
  if (flat.length <= max) return flat;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(flat[cut - 1] ?? '')) cut--; // never split a surrogate pair
  return `${flat.slice(0, cut)}…`;
}

/** A check run is ok when nothing failed or errored; deferred is not failure (DESIGN §4). */
export function isOk(checks: readonly CheckReport[]): boolean {
  return checks.every((c) => c.status !== 'fail' && c.status !== 'error');
}

export function summarise(checks: readonly CheckReport[], omitted: number): NonNullable<Envelope['result']['summary']> {
  const n = (s: Status) => checks.filter((c) => c.status === s).length;
  return {
    total: checks.length,
    passed: n('pass'),
    failed: n('fail'),
    errors: n('error'),
    deferred: n('deferred'),
    skipped: n('skipped'),
    omitted_checks: omitted,
  };
}

/** Bound the checks (failures first), their details and each detail's length (DESIGN §6). */
export function boundChecks(checks: readonly CheckReport[], limits: Limits): NonNullable<Envelope['result']['checks']> {
  return checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => ORDER[a.c.status] - ORDER[b.c.status] || a.i - b.i)
    .slice(0, limits.max_checks)
    .map(({ c }) => ({
      ...c,
      details: c.details.slice(0, limits.max_details).map((d) => clip(d, limits.max_detail_chars)),
      omitted_details: Math.max(0, c.details.length - limits.max_details),
    }));
}

export function boundScope(scope: Scope, limits: Limits): NonNullable<Envelope['result']['scope']> {
  const omitted = scope.changed_files.length - limits.max_files;
  if (omitted <= 0) return scope;
  return { ...scope, changed_files: scope.changed_files.slice(0, limits.max_files), omitted_changed_files: omitted };
}

/**
 * The envelope of a check run (loop, gate, mutate): the checks bounded (failures first), the summary
 * counting every check (kept or omitted), and `ok` decided on all of them, never on the kept ones only.
 */
export function checksEnvelope(
  verb: 'loop' | 'gate' | 'mutate',
  scope: Scope,
  reports: readonly CheckReport[],
  limits: Limits,
  run: { id: string; next: NextAction[]; started: number; budget?: BudgetPlan | null },
): Envelope {
  const bounded = boundChecks(reports, limits);
  return {
    schema_version: 1,
    ok: isOk(reports),
    command: `harness ${verb}`,
    result: {
      scope: boundScope(scope, limits),
      checks: bounded,
      summary: summarise(reports, reports.length - bounded.length),
      run_id: run.id,
      ...(run.budget ? { budget: run.budget } : {}),
    },
    next_actions: run.next,
    duration_ms: Math.round(performance.now() - run.started),
  };
}

export function errorEnvelope(command: string, error: ErrorInfo, next: NextAction[], started: number): Envelope {
  return {
    schema_version: 1,
    ok: false,
    command,
    result: { error: { ...error, message: clip(error.message, 2000) } },
    next_actions: next,
    duration_ms: Math.round(performance.now() - started),
  };
}
