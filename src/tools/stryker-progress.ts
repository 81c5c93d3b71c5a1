/**
 * A Stryker reporter plugin (loaded by Stryker in the child process) that prints
 * `HARNESS_MUTANT <done> <total>` lines on stdout, which the harness turns into progress.
 */
import { createRequire } from 'node:module';

let total = 0;
let done = 0;

class ProgressReporter {
  onMutationTestingPlanReady(event: { mutantPlans: unknown[] }): void {
    total = event.mutantPlans.length;
    process.stdout.write(`HARNESS_MUTANT 0 ${total}\n`);
  }
  onMutantTested(): void {
    done++;
    process.stdout.write(`HARNESS_MUTANT ${done} ${total}\n`);
  }
}

const require = createRequire(import.meta.url);
const { declareClassPlugin, PluginKind } = require('@stryker-mutator/api/plugin') as {
  declareClassPlugin: (kind: unknown, name: string, cls: unknown) => unknown;
  PluginKind: { Reporter: unknown };
};

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'harness-progress', ProgressReporter)];
