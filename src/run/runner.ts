import { createWriteStream, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Check, CheckContext } from '../checks/check.js';
import type { Config } from '../config/types.js';
import { diffLines } from '../diff/lines.js';
import { renderFinding, type BudgetPlan, type CheckReport, type CheckResult, type CheckVerb, type Scope } from '../model.js';
import { harnessDir } from '../util/harness-dir.js';
import { withTimeout } from '../util/time.js';
import { attributeToOwners } from './attribute.js';
import type { ResultCache } from './cache.js';
import { Durations, planBudget } from './durations.js';
import { exec } from './exec.js';
import { fileStem } from './logs.js';
import { BaseTree, baselineFile, holdable, holds, identities, readBaseline, subtract, writeBaseline } from './hold.js';

export interface RunOptions {
  verb: CheckVerb;
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
  /** false: a shard's durations are not kept here (every shard must split by the same ones; `harness merge` records them). */
  recordDurations?: boolean;
  /** Called as each check finishes (progress on stderr). */
  onDone?: (report: CheckReport, finished: number, total: number) => void;
}

/** What every check of one run shares while the run goes on. */
interface RunState {
  opts: RunOptions;
  total: number;
  planned: ReadonlySet<string>;
  durations: Durations;
  /** Cache keys taken up front (one snapshot of the work tree), and which of them hit. */
  keys: Map<string, string>;
  hits: Set<string>;
  /** Checks that passed for real: their results are stored after the run. */
  passed: Check[];
  reports: Map<string, CheckReport>;
  running: Set<AbortController>;
  stems: Set<string>;
  diff: () => ReturnType<CheckContext['diff']>;
  deadlineHit: boolean;
  /** The merge-base's tree, when a failure is to be held by the line. */
  base: BaseTree | null;
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

/** Cache keys of the cacheable checks, and which are hits: a hit costs no time in the plan. */
async function takeKeys(checks: readonly Check[], opts: RunOptions, planned: ReadonlySet<string>): Promise<{ keys: Map<string, string>; hits: Set<string> }> {
  const keys = new Map<string, string>();
  const hits = new Set<string>();
  for (const check of opts.cache ? checks : []) {
    const key = check.cacheInputs ? await cacheKey(opts.cache!, check, opts, planned) : null;
    if (key === null) continue;
    keys.set(check.id, key);
    if (opts.cache!.has(key)) hits.add(check.id);
  }
  return { keys, hits };
}

/** A check's context; `root`: where it runs (the work tree, or the merge-base's tree when holding the line). */
function contextFor(st: RunState, controller: AbortController, stem: string, log: Writable, root = st.opts.root): CheckContext {
  const { opts } = st;
  return {
    verb: opts.verb,
    root,
    runDir: opts.runDir,
    fileStem: stem,
    config: opts.config,
    scope: opts.scope,
    planned: st.planned,
    diff: st.diff,
    log,
    signal: controller.signal,
    exec: (argv, o) => {
      const to = o?.log ?? log;
      to.write(`$ ${JSON.stringify(argv)} (cwd ${o?.cwd ?? root})\n`);
      const limit = o?.timeoutMs ? withTimeout(controller.signal, o.timeoutMs) : { signal: controller.signal, done: () => {} };
      return exec(argv, { cwd: o?.cwd ?? root, env: { ...(o?.env ?? process.env), NO_COLOR: '1' }, log: to, signal: limit.signal, onStdout: o?.onStdout }).finally(limit.done);
    },
  };
}

/** A check's result as reported: an aborted check is a timeout (gate), deferred (budget) or interrupted. */
function reportOf(st: RunState, check: Check, result: CheckResult, aborted: { aborted: boolean; timedOut: boolean }, seconds: string): CheckReport {
  const cached = st.hits.has(check.id);
  const report: CheckReport = {
    id: check.id,
    status: result.status,
    duration_ms: 0,
    findings: result.findings,
    log: null,
    ...(cached ? { cached: true } : {}),
    ...(result.fatal ? { fatal: result.fatal } : {}),
    ...(result.preexisting ? { preexisting: result.preexisting } : {}),
  };
  const note = (message: string) => [{ path: null, message }];
  if (!aborted.aborted) return report;
  if (aborted.timedOut) return { ...report, status: 'fail', findings: note(`timed out after ${seconds}s (per-check limit of ${st.opts.checkTimeoutMs! / 1000}s)`) };
  if (st.deadlineHit) return { ...report, status: 'deferred', findings: note(`stopped at the budget deadline after ${seconds}s`) };
  return { ...report, status: 'error', findings: note('interrupted') };
}

/** One check being run: its log file and whether writing it failed. */
interface Slot {
  check: Check;
  stem: string;
  log: Writable;
  logError: NodeJS.ErrnoException | null;
}

function openSlot(st: RunState, check: Check): Slot {
  const stem = fileStem(check.id, st.stems);
  const slot: Slot = { check, stem, log: createWriteStream(join(st.opts.runDir, `${stem}.log`)), logError: null };
  slot.log.on('error', (e: NodeJS.ErrnoException) => (slot.logError ??= e));
  return slot;
}

/** Run `work` under its own controller: aborted at the budget deadline, the per-check limit or an interrupt. */
async function supervised<T>(st: RunState, work: (controller: AbortController) => Promise<T>, onError: (e: unknown) => T) {
  const controller = new AbortController();
  st.running.add(controller);
  const limit = { aborted: false, timedOut: false };
  const timer = st.opts.checkTimeoutMs === null ? undefined : setTimeout(() => ((limit.timedOut = true), controller.abort()), st.opts.checkTimeoutMs);
  let value: T;
  try {
    value = await work(controller);
  } catch (e) {
    value = onError(e);
  }
  limit.aborted = controller.signal.aborted;
  clearTimeout(timer);
  st.running.delete(controller);
  return { value, limit };
}

/** Report a check's result: its log's last lines, its duration (its share of a shared run), the cache and the records. */
async function close(st: RunState, slot: Slot, result: CheckResult, limit: { aborted: boolean; timedOut: boolean }, ms: number): Promise<void> {
  const { check } = slot;
  const cached = st.hits.has(check.id);
  // Only a real pass is stored (after the run), never a failure, an error, an interrupted run, or a pass
  // that holds the line (it depends on the merge-base, which the cache key does not).
  if (st.keys.has(check.id) && !cached && result.status === 'pass' && !result.preexisting && !limit.aborted) st.passed.push(check);
  const report = reportOf(st, check, result, limit, (ms / 1000).toFixed(1));
  await writeOutcome(slot.log, report);
  let final: CheckReport = { ...report, duration_ms: Math.round(ms), log: `${st.opts.runDirRel}/${slot.stem}.log` };
  if (slot.logError) {
    // A green nobody can inspect is not given: a check whose log could not be written is an error.
    const why = `its log could not be written (${slot.logError.code ?? slot.logError.message})`;
    const status = final.status === 'pass' || final.status === 'skipped' ? 'error' : final.status;
    final = { ...final, status, findings: [...final.findings, { path: null, message: why }], log: null };
  }
  if (!cached && !limit.aborted) st.durations.record(check.id, final.duration_ms);
  st.reports.set(check.id, final);
  st.opts.onDone?.(final, st.reports.size, st.total);
}

const crashed = (id: string, e: unknown): CheckResult => ({ status: 'error', findings: [{ path: null, message: `harness error in ${id}: ${(e as Error).message}` }] });

type Members = (ctx: CheckContext, ids: readonly string[]) => Promise<Map<string, CheckResult>>;

/**
 * Run checks (one, or a batch) and hold the line on their failures (DESIGN §4): findings that exist at
 * the merge-base too are taken out and counted. The base's findings come from the same run in the
 * merge-base's tree, once per merge-base (then cached); when the base cannot be checked, every finding
 * counts and the check says so.
 */
async function runHeld(st: RunState, controller: AbortController, slot: Slot, ids: readonly string[], run: Members): Promise<Map<string, CheckResult>> {
  const results = await run(contextFor(st, controller, slot.stem, slot.log), ids);
  const mergeBase = st.opts.scope.merge_base;
  const failing = ids.filter((id) => holdable(id) && results.get(id)?.status === 'fail');
  if (!mergeBase || failing.length === 0 || !holds(st.opts.verb, st.opts.config) || controller.signal.aborted) return results;
  const files = new Map(failing.map((id) => [id, baselineFile(st.opts.root, mergeBase, id)]));
  const base = new Map(failing.map((id) => [id, readBaseline(files.get(id)!)]));
  const missing = failing.filter((id) => base.get(id) === null);
  if (missing.length > 0) {
    slot.log.write(`hold the line: the same check at the merge-base ${mergeBase}\n`);
    const dir = await st.base!.get();
    const atBase = await run(contextFor(st, controller, `${slot.stem}-base`, slot.log, dir), missing);
    for (const id of missing) {
      const r = atBase.get(id);
      if (controller.signal.aborted || (r?.status !== 'pass' && r?.status !== 'fail')) continue;
      base.set(id, identities(dir, r.findings));
      writeBaseline(st.opts.root, files.get(id)!, base.get(id)!);
    }
  }
  const diff = await st.diff();
  const added = new Set([...(diff?.values() ?? [])].flatMap((d) => d.added.map((l) => `${d.path}:${l.line}`)));
  for (const id of failing) {
    const known = base.get(id);
    const now = results.get(id)!;
    results.set(id, known && diff ? subtract(st.opts.root, now, known, added) : { ...now, findings: [...now.findings, { path: null, message: 'hold the line: the merge-base could not be checked, so every finding counts' }] });
  }
  return results;
}

/** Run one check: its log, its context, its (cached or real) result, and its final report. */
async function runOne(st: RunState, check: Check): Promise<void> {
  const started = performance.now();
  const slot = openSlot(st, check);
  const cached = st.hits.has(check.id);
  if (cached) slot.log.write(`CACHED ${st.keys.get(check.id)}: the same inputs passed before; not run\n`);
  const { value, limit } = await supervised(
    st,
    async (controller): Promise<CheckResult> => (cached ? { status: 'pass', findings: [] } : (await runHeld(st, controller, slot, [check.id], async (ctx) => new Map([[check.id, await check.run(ctx)]]))).get(check.id)!),
    (e) => crashed(check.id, e),
  );
  await close(st, slot, value, limit, performance.now() - started);
}

/**
 * Run the checks of one shared config as one tool invocation (the first one's context and log: the
 * others' logs point there); each reports its own result and an equal share of the time.
 */
async function runBatch(st: RunState, members: readonly Check[]): Promise<void> {
  const started = performance.now();
  const slots = members.map((c) => openSlot(st, c));
  const lead = slots[0]!;
  for (const s of slots.slice(1)) s.log.write(`one run for ${members.map((m) => m.id).join(', ')}: the tool's output is in ${lead.stem}.log\n`);
  const ids = members.map((m) => m.id);
  const { value, limit } = await supervised(
    st,
    (controller) => runHeld(st, controller, lead, ids, (ctx, members) => lead.check.batch!.run(ctx, members)),
    (e) => new Map(ids.map((id) => [id, crashed(id, e)])),
  );
  const share = (performance.now() - started) / members.length;
  for (const slot of slots) {
    const result = value.get(slot.check.id) ?? { status: 'error', findings: [{ path: null, message: 'the shared run gave no result for this check' }] };
    await close(st, slot, result, limit, share);
  }
}

/** The end of a check's log: every problem on an `ERROR` line, then its status. */
async function writeOutcome(log: Writable, report: CheckReport): Promise<void> {
  for (const f of report.status === 'pass' ? [] : report.findings) log.write(`ERROR ${renderFinding(f)}\n`);
  log.write(`STATUS ${report.status}\n`);
  await endLog(log);
}

/** Checks never started: deferred at the budget, errors when the harness was interrupted. */
function notStarted(st: RunState, left: readonly Check[]): void {
  const interrupted = st.opts.interrupt.aborted;
  const why = interrupted ? 'not started: the harness was interrupted' : `not started: the budget of ${st.opts.budgetMs! / 1000}s was used up`;
  for (const check of left) {
    st.reports.set(check.id, { id: check.id, status: interrupted ? 'error' : 'deferred', duration_ms: 0, findings: [{ path: null, message: why }], log: null });
  }
}

/**
 * A pass is stored under its key only if the work tree still hashes the same after the run: an edit
 * that landed while the check ran must not be recorded as checked.
 */
async function storePasses(st: RunState): Promise<void> {
  if (!st.opts.cache || st.passed.length === 0) return;
  const after = st.opts.cache.fresh();
  for (const check of st.passed) {
    if ((await cacheKey(after, check, st.opts, st.planned)) === st.keys.get(check.id)) after.store(st.keys.get(check.id)!, check.id);
  }
}

/**
 * The not yet started checks of `next`'s batch and tier, taken out of the queue (the changed scopes'
 * own checks never wait for a dependent's in one run; a cached one runs alone: it costs nothing).
 */
function batchOf(st: RunState, queue: Check[], next: Check): Check[] {
  if (!next.batch || st.hits.has(next.id)) return [next];
  const members = [next];
  for (let i = queue.length - 1; i >= 0; i--) {
    const c = queue[i]!;
    if (c.batch?.key === next.batch.key && (c.tier ?? 1) === (next.tier ?? 1) && !st.hits.has(c.id)) members.push(...queue.splice(i, 1));
  }
  return members.length === 1 ? members : [next, ...members.slice(1).reverse()];
}

/** Run checks from the queue, one at a time (or one shared run at a time), until it is empty or the budget or an interrupt stops it. */
async function lane(st: RunState, queue: Check[]): Promise<void> {
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (st.deadlineHit || st.opts.interrupt.aborted) {
      queue.unshift(next);
      return;
    }
    const members = batchOf(st, queue, next);
    await (members.length > 1 ? runBatch(st, members) : runOne(st, next));
  }
}

/**
 * Run checks shortest expected first (recorded durations), up to the core count in parallel, under the
 * budget (DESIGN §4). Tools run as child processes, one per core; in-process guards take no core slot of
 * their own: they run in one lane beside the tools (else they would delay the tools, the critical path).
 * Returns every check's report and, under a budget, what was expected up front.
 */
export async function runChecks(checks: readonly Check[], opts: RunOptions): Promise<{ reports: CheckReport[]; plan: BudgetPlan | null }> {
  const concurrency = opts.concurrency ?? availableParallelism();
  const planned = new Set(checks.map((c) => c.id));
  const { keys, hits } = await takeKeys(checks, opts, planned);
  const durations = new Durations(opts.root);
  let diff: ReturnType<CheckContext['diff']> | undefined;
  const diffOnce = () => (diff ??= opts.scope.merge_base === null ? Promise.resolve(null) : diffLines(opts.root, opts.scope.merge_base, opts.scope.changed_files));
  const st: RunState = { opts, total: checks.length, planned, durations, keys, hits, passed: [], reports: new Map(), running: new Set(), stems: new Set(), diff: diffOnce, deadlineHit: false, base: opts.scope.merge_base ? new BaseTree(opts.root, opts.scope.merge_base) : null };
  const { tools, guards, plan } = planBudget(
    checks.filter((c) => !c.inProcess),
    checks.filter((c) => c.inProcess),
    concurrency,
    { expected: (c) => (hits.has(c.id) ? 0 : durations.expected(c)) },
    opts.budgetMs,
  );
  if (plan) opts.onPlan?.(plan);
  const stopAll = () => st.running.forEach((c) => c.abort());
  const deadline = opts.budgetMs === null ? undefined : setTimeout(() => ((st.deadlineHit = true), stopAll()), opts.budgetMs);
  opts.interrupt.addEventListener('abort', stopAll);
  await Promise.all([...Array.from({ length: Math.min(concurrency, tools.length) }, () => lane(st, tools)), lane(st, guards)]).finally(() => st.base?.close());
  clearTimeout(deadline);
  opts.interrupt.removeEventListener('abort', stopAll);
  if (opts.recordDurations !== false) durations.save();
  notStarted(st, [...tools, ...guards]);
  await storePasses(st);
  // .harness/ may have been deleted while checks ran: restore its ignore file, never name a log that is gone.
  try {
    harnessDir(opts.root);
  } catch {
    // an unwritable tree was reported by the checks' own logs
  }
  const gone = (r: CheckReport) => r.log !== null && !existsSync(join(opts.root, r.log));
  const reports = attributeToOwners(checks.map((c) => st.reports.get(c.id)!), opts.config);
  return { reports: reports.map((r) => (gone(r) ? { ...r, log: null } : r)), plan };
}
