import { createWriteStream, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Check, CheckContext, CheckResult } from '../checks/check.js';
import type { Config } from '../config/types.js';
import type { CheckReport } from '../envelope/build.js';
import type { Scope } from '../scope/resolve.js';
import { diffLines } from '../diff/lines.js';
import type { ResultCache } from './cache.js';
import { Durations, planBudget, type BudgetPlan } from './durations.js';
import { exec } from './exec.js';
import { fileStem } from './logs.js';
import { harnessDir } from '../util/harness-dir.js';

export interface RunOptions {
  root: string;
  runDir: string;
  /** Repo-relative run dir, for the envelope's log paths. */
  runDirRel: string;
  config: Config;
  scope: Scope;
  /** loop: the budget; at the deadline running checks are killed and the rest deferred. null = no budget. */
  budgetMs: number | null;
  /** gate: a hard per-check limit; a check that reaches it fails. */
  checkTimeoutMs: number | null;
  /** Aborted when the harness itself is interrupted. */
  interrupt: AbortSignal;
  concurrency?: number;
  /** Reuse passing results whose inputs are unchanged (loop by default; gate with --cache). */
  cache?: ResultCache | null;
  /** Called once before any check starts, with what the budget is expected to allow (progress on stderr). */
  onPlan?: (plan: BudgetPlan) => void;
  /** Called as each check finishes (progress on stderr). */
  onDone?: (report: CheckReport, finished: number, total: number) => void;
}

function endLog(log: Writable): Promise<void> {
  return new Promise((resolve) => {
    log.on('error', () => resolve()); // a full disk must not turn into a crash of the harness
    log.end(resolve);
  });
}

async function cacheKey(cache: ResultCache, check: Check, opts: RunOptions, planned: ReadonlySet<string>): Promise<string | null> {
  try {
    return await cache.key(check.id, check.cacheInputs!(opts.config, planned), opts.scope.merge_base);
  } catch {
    return null; // inputs that cannot be listed or read: run the check
  }
}

/**
 * Run checks shortest expected first (recorded durations), up to the core count in parallel, under the
 * budget (DESIGN §4). Returns every check's report and, under a budget, what was expected up front.
 */
export async function runChecks(checks: readonly Check[], opts: RunOptions): Promise<{ reports: CheckReport[]; plan: BudgetPlan | null }> {
  const reports = new Map<string, CheckReport>();
  const concurrency = opts.concurrency ?? availableParallelism();
  const durations = new Durations(opts.root);
  // Tools run as child processes, one per core; in-process guards take no core slot of their own,
  // they run in one lane beside the tools (else they would delay the tools, the critical path).
  const planned = new Set(checks.map((c) => c.id));
  // Cache keys are taken up front, from one snapshot of the work tree: a hit costs no time in the plan.
  const keys = new Map<string, string>();
  const hits = new Set<string>();
  for (const check of opts.cache ? checks : []) {
    const key = check.cacheInputs ? await cacheKey(opts.cache!, check, opts, planned) : null;
    if (key === null) continue;
    keys.set(check.id, key);
    if (opts.cache!.has(key)) hits.add(check.id);
  }
  const { tools, guards, plan } = planBudget(
    checks.filter((c) => !c.inProcess),
    checks.filter((c) => c.inProcess),
    concurrency,
    { expected: (c) => (hits.has(c.id) ? 0 : durations.expected(c)) },
    opts.budgetMs,
  );
  const passed: Check[] = [];
  if (plan) opts.onPlan?.(plan);
  const running = new Set<AbortController>();
  const stems = new Set<string>();
  let diff: ReturnType<CheckContext['diff']> | undefined;
  const diffOnce = () =>
    (diff ??= opts.scope.merge_base === null ? Promise.resolve(null) : diffLines(opts.root, opts.scope.merge_base, opts.scope.changed_files));
  let deadlineHit = false;
  const deadline =
    opts.budgetMs === null
      ? undefined
      : setTimeout(() => {
          deadlineHit = true;
          for (const c of running) c.abort();
        }, opts.budgetMs);
  const onInterrupt = () => {
    for (const c of running) c.abort();
  };
  opts.interrupt.addEventListener('abort', onInterrupt);

  const runOne = async (check: Check): Promise<void> => {
    const started = performance.now();
    const controller = new AbortController();
    running.add(controller);
    let timedOut = false;
    const timer =
      opts.checkTimeoutMs === null
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, opts.checkTimeoutMs);
    const stem = fileStem(check.id, stems);
    const logPath = join(opts.runDir, `${stem}.log`);
    const log = createWriteStream(logPath);
    let logError: NodeJS.ErrnoException | null = null;
    log.on('error', (e: NodeJS.ErrnoException) => (logError ??= e));
    const ctx: CheckContext = {
      root: opts.root,
      runDir: opts.runDir,
      fileStem: stem,
      config: opts.config,
      scope: opts.scope,
      planned,
      diff: diffOnce,
      log,
      signal: controller.signal,
      exec: (argv, o) => {
        log.write(`$ ${JSON.stringify(argv)} (cwd ${o?.cwd ?? opts.root})\n`);
        const signal = o?.timeoutMs ? AbortSignal.any([controller.signal, AbortSignal.timeout(o.timeoutMs)]) : controller.signal;
        return exec(argv, { cwd: o?.cwd ?? opts.root, env: { ...(o?.env ?? process.env), NO_COLOR: '1' }, log, signal, onStdout: o?.onStdout });
      },
    };
    let result: CheckResult;
    const cached = hits.has(check.id);
    try {
      if (cached) log.write(`CACHED ${keys.get(check.id)}: the same inputs passed before; not run\n`);
      result = cached ? { status: 'pass', details: [] } : await check.run(ctx);
    } catch (e) {
      result = { status: 'error', details: [`harness error in ${check.id}: ${(e as Error).message}`] };
    }
    // Only a real pass is stored (after the run, see below), never a failure, an error or an interrupted run.
    if (keys.has(check.id) && !cached && result.status === 'pass' && !controller.signal.aborted) passed.push(check);
    clearTimeout(timer);
    running.delete(controller);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    let report: CheckReport = { id: check.id, status: result.status, duration_ms: 0, details: result.details, log: null, ...(cached ? { cached: true } : {}) };
    if (controller.signal.aborted) {
      if (timedOut) report = { ...report, status: 'fail', details: [`timed out after ${seconds}s (per-check limit of ${opts.checkTimeoutMs! / 1000}s)`] };
      else if (deadlineHit) report = { ...report, status: 'deferred', details: [`stopped at the budget deadline after ${seconds}s`] };
      else report = { ...report, status: 'error', details: ['interrupted'] };
    }
    for (const d of report.status === 'pass' ? [] : report.details) log.write(`ERROR ${d}\n`);
    log.write(`STATUS ${report.status}\n`);
    await endLog(log);
    let final: CheckReport = { ...report, duration_ms: Math.round(performance.now() - started), log: `${opts.runDirRel}/${stem}.log` };
    if (logError) {
      // A green nobody can inspect is not given: a check whose log could not be written is an error.
      const why = `its log could not be written (${(logError as NodeJS.ErrnoException).code ?? (logError as Error).message})`;
      final = { ...final, status: final.status === 'pass' || final.status === 'skipped' ? 'error' : final.status, details: [...final.details, why], log: null };
    }
    if (!cached && !controller.signal.aborted) durations.record(check.id, final.duration_ms);
    reports.set(check.id, final);
    opts.onDone?.(final, reports.size, checks.length);
  };

  const lane = async (queue: Check[]) => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (deadlineHit || opts.interrupt.aborted) {
        queue.unshift(next);
        return;
      }
      await runOne(next);
    }
  };
  await Promise.all([...Array.from({ length: Math.min(concurrency, tools.length) }, () => lane(tools)), lane(guards)]);
  clearTimeout(deadline);
  opts.interrupt.removeEventListener('abort', onInterrupt);
  durations.save();
  for (const check of [...tools, ...guards]) {
    const why = opts.interrupt.aborted ? 'not started: the harness was interrupted' : `not started: the budget of ${opts.budgetMs! / 1000}s was used up`;
    reports.set(check.id, {
      id: check.id,
      status: opts.interrupt.aborted ? 'error' : 'deferred',
      duration_ms: 0,
      details: [why],
      log: null,
    });
  }
  // A pass is stored under its key only if the work tree still hashes the same after the run: an edit
  // that landed while the check ran must not be recorded as checked.
  if (opts.cache && passed.length > 0) {
    const after = opts.cache.fresh();
    for (const check of passed) {
      if ((await cacheKey(after, check, opts, planned)) === keys.get(check.id)) after.store(keys.get(check.id)!, check.id);
    }
  }
  // .harness/ may have been deleted while checks ran: restore its ignore file, never name a log that is gone.
  try {
    harnessDir(opts.root);
  } catch {
    // an unwritable tree was reported by the checks' own logs
  }
  const gone = (r: CheckReport) => r.log !== null && !existsSync(join(opts.root, r.log));
  return { reports: checks.map((c) => reports.get(c.id)!).map((r) => (gone(r) ? { ...r, log: null } : r)), plan };
}
