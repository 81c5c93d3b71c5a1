/**
 * A Stryker reporter plugin (loaded by Stryker in the child process) that prints
 * `HARNESS_DRYRUN <ms>` once (how long the dry run's tests took) and `HARNESS_MUTANT <done> <total>`
 * lines on stdout, which the harness turns into re-check limits and progress.
 */

let total = 0;
let done = 0;

class ProgressReporter {
  onDryRunCompleted(event: { timing: { net: number; overhead: number } }): void {
    process.stdout.write(`HARNESS_DRYRUN ${Math.round(event.timing.net + event.timing.overhead)}\n`);
  }
  onMutationTestingPlanReady(event: { mutantPlans: unknown[] }): void {
    total = event.mutantPlans.length;
    process.stdout.write(`HARNESS_MUTANT 0 ${total}\n`);
  }
  onMutantTested(): void {
    done++;
    process.stdout.write(`HARNESS_MUTANT ${done} ${total}\n`);
  }
}

// A plain declaration, not @stryker-mutator/api's helper: the api harness would load is not the one the
// target's Stryker loads (a second copy, half-loaded while Stryker imports its plugins in parallel).
export const strykerPlugins = [{ kind: 'Reporter', name: 'harness-progress', injectableClass: ProgressReporter }];
