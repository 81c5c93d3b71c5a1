/**
 * A Stryker reporter plugin (loaded by Stryker in the child process): harness's view of the run, as
 * lines on stdout. `HARNESS_DRYRUN <ms>` once the dry run's tests are done. With HARNESS_STRYKER_PLAN
 * set, `HARNESS_PLAN <file>` once Stryker has planned (the planned mutants, and what the dry run says
 * of each, are in that file); Stryker then waits for harness's answer, `<file>.run.json`: the ids of
 * the mutants to run (the harness-vitest runner skips the rest).
 * Then `HARNESS_MUTANT <done> <total>` over the mutants run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

interface Position {
  line: number;
  column: number;
}

interface Planned {
  plan: string;
  mutant: { id: string; fileName: string; location: { start: Position; end: Position }; mutatorName: string; replacement: string; status?: string; static?: boolean; coveredBy?: string[] };
}

/**
 * What the dry run says of a planned mutant: a test ran its code (or it is static), no test did, or
 * nothing (Stryker ignores it: the repository's own exclusions or disable comments). Stryker 9 plans an
 * uncovered mutant as a run with no covering test; Stryker 10 as an early NoCoverage result.
 */
function coverage(p: Planned): 'covered' | 'uncovered' | 'unknown' {
  if (p.plan === 'Run') return p.mutant.static || (p.mutant.coveredBy?.length ?? 0) > 0 ? 'covered' : 'uncovered';
  return p.mutant.status === 'NoCoverage' ? 'uncovered' : 'unknown';
}

/** Stryker plans with 0-based positions; its results (and harness) count from 1. */
const fromOne = (p: Position): Position => ({ line: p.line + 1, column: p.column + 1 });

const planFile = process.env.HARNESS_STRYKER_PLAN;
let run: Set<string> | null = null;
let total = 0;
let done = 0;

/** The answer harness writes (whole, by rename) once it has read the plan: waited for synchronously, so Stryker runs no mutant before it. */
function answer(file: string): string[] {
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  for (const end = Date.now() + 60_000; Date.now() < end; Atomics.wait(sleep, 0, 0, 10)) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as string[];
  }
  throw new Error(`harness did not answer the mutant plan in ${file}`);
}

class PlanReporter {
  onDryRunCompleted(event: { timing: { net: number; overhead: number } }): void {
    process.stdout.write(`HARNESS_DRYRUN ${Math.round(event.timing.net + event.timing.overhead)}\n`);
  }
  onMutationTestingPlanReady(event: { mutantPlans: Planned[] }): void {
    if (planFile) {
      const planned = event.mutantPlans.map((p) => {
        const m = p.mutant;
        return { id: m.id, fileName: m.fileName, location: { start: fromOne(m.location.start), end: fromOne(m.location.end) }, mutatorName: m.mutatorName, replacement: m.replacement, coverage: coverage(p) };
      });
      writeFileSync(planFile, JSON.stringify(planned));
      process.stdout.write(`HARNESS_PLAN ${planFile}\n`);
      run = new Set(answer(`${planFile}.run.json`));
    }
    total = run ? run.size : event.mutantPlans.length;
    process.stdout.write(`HARNESS_MUTANT 0 ${total}\n`);
  }
  onMutantTested(result: { id: string }): void {
    if (run && !run.has(result.id)) return;
    done++;
    process.stdout.write(`HARNESS_MUTANT ${done} ${total}\n`);
  }
}

// A plain declaration, not @stryker-mutator/api's helper: the api harness would load is not the one the
// target's Stryker loads (a second copy, half-loaded while Stryker imports its plugins in parallel).
export const strykerPlugins = [{ kind: 'Reporter', name: 'harness-plan', injectableClass: PlanReporter }];
