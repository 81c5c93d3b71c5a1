import { renderFinding, type BudgetPlan, type CheckReport, type CheckVerb, type ErrorCode, type Finding, type NextAction, type Scope, type Status } from '../model.js';
import { describeReason } from '../scope/reasons.js';

export interface Limits {
  max_checks: number;
  max_details: number;
  max_detail_chars: number;
  max_files: number;
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  key: string | null;
}

/** The scope as the envelope shows it: the reason to run everything in words. */
export interface EnvelopeScope extends Omit<Scope, 'full' | 'via_tests'> {
  full_reason: string | null;
  omitted_changed_files?: number;
}

/** A check as the envelope shows it: findings rendered as bounded `path:line:col message` strings. */
export interface EnvelopeCheck extends Omit<CheckReport, 'findings'> {
  details: string[];
  omitted_details: number;
}

export interface Envelope {
  schema_version: 1;
  ok: boolean;
  command: string;
  result: {
    scope?: EnvelopeScope;
    checks?: EnvelopeCheck[];
    summary?: Record<'total' | 'passed' | 'failed' | 'errors' | 'deferred' | 'skipped' | 'omitted_checks', number>;
    error?: ErrorInfo;
    run_id?: string;
    /** loop: what the budget was expected to allow before any check started. */
    budget?: BudgetPlan;
    /** gate/mutate `--shard k/n`: which part this is, and what every part must agree on (`harness merge`). */
    shard?: { index: number; count: number; digest: string };
    /** `harness merge`: how many shard envelopes this one stands for. */
    merged?: { shards: number };
    init?: {
      path: string;
      written: boolean;
      scopes: number;
      test_edges: number;
      config: string | null;
      /** With --agents: each hook config and AGENTS.md, compared with what init writes. */
      agents?: { path: string; status: 'missing' | 'drift' | 'in_sync'; written: boolean; changes: string[] }[];
    };
  };
  next_actions: NextAction[];
  duration_ms: number;
}

/**
 * What a verb answers: the envelope (the contract), and the structured findings behind each listed
 * check's details (same order, same bounds), which the github and sarif views read instead of parsing
 * the strings back.
 */
export interface Answer {
  envelope: Envelope;
  findings: ReadonlyMap<string, readonly Finding[]>;
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
export function isOk(checks: readonly Pick<CheckReport, 'status'>[]): boolean {
  return checks.every((c) => c.status !== 'fail' && c.status !== 'error');
}

export function summarise(checks: readonly Pick<CheckReport, 'status'>[], omitted: number): NonNullable<Envelope['result']['summary']> {
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

/** The reports kept in the envelope (failures first, then in run order), at most max_checks. */
function kept(checks: readonly CheckReport[], limits: Limits): CheckReport[] {
  return checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => ORDER[a.c.status] - ORDER[b.c.status] || a.i - b.i)
    .slice(0, limits.max_checks)
    .map(({ c }) => c);
}

/** Bound the checks (failures first), their details and each detail's length (DESIGN §6). */
export function boundChecks(checks: readonly CheckReport[], limits: Limits): EnvelopeCheck[] {
  return kept(checks, limits).map((c) => ({
    id: c.id,
    status: c.status,
    duration_ms: c.duration_ms,
    details: c.findings.slice(0, limits.max_details).map((f) => clip(renderFinding(f), limits.max_detail_chars)),
    log: c.log,
    ...(c.cached ? { cached: true } : {}),
    ...(c.preexisting ? { preexisting: c.preexisting } : {}),
    omitted_details: Math.max(0, c.findings.length - limits.max_details),
  }));
}

/** `why` bounded as `changed_files` is: at most `max` scopes (in name order), each chain at most `max` long (its ends kept). */
function boundedWhy(why: Scope['why'], max: number): Scope['why'] {
  const clipChain = (via: string[]) => (via.length <= max ? via : [...via.slice(0, max - 1), via.at(-1)!]);
  return Object.fromEntries(Object.entries(why).sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, max).map(([s, w]) => [s, { ...w, via: clipChain(w.via) }]));
}

export function boundScope(scope: Scope, limits: Limits): EnvelopeScope {
  const shown: EnvelopeScope = {
    base: scope.base,
    merge_base: scope.merge_base,
    mode: scope.mode,
    full_reason: scope.full ? describeReason(scope.full) : null,
    changed_files: scope.changed_files,
    changed_scopes: scope.changed_scopes,
    expanded_scopes: scope.expanded_scopes,
    why: boundedWhy(scope.why, limits.max_files),
  };
  const omitted = scope.changed_files.length - limits.max_files;
  if (omitted <= 0) return shown;
  return { ...shown, changed_files: scope.changed_files.slice(0, limits.max_files), omitted_changed_files: omitted };
}

/**
 * The answer of a check run (loop, gate, mutate): the checks bounded (failures first), the summary
 * counting every check (kept or omitted), and `ok` decided on all of them, never on the kept ones only.
 */
export function checksEnvelope(
  verb: CheckVerb,
  scope: Scope,
  reports: readonly CheckReport[],
  limits: Limits,
  run: { id: string; next: NextAction[]; started: number; budget?: BudgetPlan | null; shard?: { index: number; count: number; digest: string } | null },
): Answer {
  const bounded = boundChecks(reports, limits);
  const shown = (f: Finding): Finding => ({ ...f, message: clip(f.message, limits.max_detail_chars) });
  const findings = new Map(kept(reports, limits).map((c) => [c.id, c.findings.slice(0, limits.max_details).map(shown)]));
  const envelope: Envelope = {
    schema_version: 1,
    ok: isOk(reports),
    command: `harness ${verb}`,
    result: {
      scope: boundScope(scope, limits),
      checks: bounded,
      summary: summarise(reports, reports.length - bounded.length),
      run_id: run.id,
      ...(run.budget ? { budget: run.budget } : {}),
      ...(run.shard ? { shard: run.shard } : {}),
    },
    next_actions: run.next,
    duration_ms: Math.round(performance.now() - run.started),
  };
  return { envelope, findings };
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

/** An answer with nothing behind its details (every envelope that is not a check run). */
export function plain(envelope: Envelope): Answer {
  return { envelope, findings: new Map() };
}
