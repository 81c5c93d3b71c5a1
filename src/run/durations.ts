import { readFileSync } from 'node:fs';
import type { Check } from '../checks/check.js';
import type { BudgetPlan } from '../model.js';
import { writeAtomic } from '../util/atomic.js';
import { harnessPath } from '../util/harness-dir.js';

type Records = Record<string, number>;

/** No check is planned to take longer than a day (the longest budget), whatever the file says. */
const MAX_MS = 86_400_000;
const valid = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_MS;

/**
 * Each check's recent duration, per check id (so per scope), in `.harness/durations.json`: an average
 * that follows change (half old, half new). Only checks that ran to their end are recorded. Written
 * atomically; concurrent runs may lose each other's update, never corrupt the file: it is a hint.
 */
export class Durations {
  private readonly path: string;
  private readonly records: Records;

  constructor(root: string) {
    this.path = harnessPath(root, 'durations.json');
    this.records = Durations.read(this.path);
  }

  private static read(path: string): Records {
    try {
      const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
      return Object.fromEntries(Object.entries(data).filter((e): e is [string, number] => valid(e[1])));
    } catch {
      return {};
    }
  }

  /** Expected milliseconds of a check: its record, else its static estimate. */
  expected(check: Check): number {
    return this.records[check.id] ?? check.cost * 1000;
  }

  record(id: string, ms: number): void {
    if (!valid(ms)) return;
    const old = this.records[id];
    this.records[id] = Math.round(old === undefined ? ms : (old + ms) / 2);
  }

  save(): void {
    try {
      writeAtomic(this.path, JSON.stringify(this.records));
    } catch {
      // durations are a planning hint: losing them only costs order
    }
  }
}

/**
 * By tier (the changed scopes' own checks first), shortest expected first within a tier (the order that
 * finishes the most checks by a deadline), and how the budget
 * is expected to go: a simulation of `lanes` tool lanes pulling from that queue, beside the guard lane.
 */
export function planBudget(
  tools: readonly Check[],
  guards: readonly Check[],
  lanes: number,
  durations: Pick<Durations, 'expected'>,
  budgetMs: number | null,
): { tools: Check[]; guards: Check[]; plan: BudgetPlan | null } {
  const byExpected = (list: readonly Check[]) => [...list].sort((a, b) => (a.tier ?? 1) - (b.tier ?? 1) || durations.expected(a) - durations.expected(b));
  const sortedTools = byExpected(tools);
  const sortedGuards = byExpected(guards);
  if (budgetMs === null) return { tools: sortedTools, guards: sortedGuards, plan: null };
  const free = Array.from({ length: Math.max(1, Math.min(lanes, sortedTools.length)) }, () => 0);
  const ends: number[] = [];
  for (const check of sortedTools) {
    const lane = free.indexOf(Math.min(...free));
    free[lane]! += durations.expected(check);
    ends.push(free[lane]!);
  }
  let guardEnd = 0;
  for (const check of sortedGuards) ends.push((guardEnd += durations.expected(check)));
  return {
    tools: sortedTools,
    guards: sortedGuards,
    plan: {
      budget_ms: budgetMs,
      expected_ms: Math.round(Math.max(0, ...ends)),
      expected_deferred: ends.filter((end) => end > budgetMs).length,
    },
  };
}
