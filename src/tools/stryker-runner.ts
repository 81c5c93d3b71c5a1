/**
 * A Stryker test-runner plugin `harness-vitest` (loaded by Stryker in its processes) wrapping the
 * target's own vitest-runner, whose entry file HARNESS_STRYKER_RUNNER names. Stryker's dry run is
 * mutate's baseline, so it must fail when a test file or suite failed outside any test (an import that
 * throws, a failing beforeAll): vitest-runner 9 reports the remaining tests as passing then, and 10
 * sees only file-level errors. Its runs take only the projects loop's test runs. With HARNESS_STRYKER_PLAN set, a mutant harness did not choose (its
 * answer to the plan, `<plan>.run.json`) is not run: its result is never read. Everything else is the
 * wrapped runner's.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface Task {
  type: string;
  name: string;
  filepath?: string;
  result?: { state?: string; errors?: { message?: string }[] };
  tasks?: Task[];
}

interface Runner {
  capabilities(): unknown;
  init?(): Promise<void>;
  dryRun(options: unknown): Promise<{ status: string }>;
  mutantRun(options: unknown): Promise<unknown>;
  dispose?(): Promise<void>;
  ctx?: { state: { getFiles(): Task[] }; projects: { name: string }[] };
}

type Factory = ((injector: unknown) => Runner) & { inject?: readonly string[] };

const entry = (await import(pathToFileURL(process.env.HARNESS_STRYKER_RUNNER!).href)) as { strykerPlugins: { kind: string; name: string; factory?: Factory }[] };
const vitest = entry.strykerPlugins.find((p) => p.kind === 'TestRunner' && p.name === 'vitest')?.factory;
if (!vitest) throw new Error(`${process.env.HARNESS_STRYKER_RUNNER} declares no vitest test runner`);

const plan = process.env.HARNESS_STRYKER_PLAN;
let chosen: Set<string> | null = null;

/** Did harness choose this mutant (Stryker's id)? Read once: harness answered before any mutant ran. */
function isChosen(id: string): boolean {
  if (!plan) return true;
  chosen ??= new Set(JSON.parse(readFileSync(`${plan}.run.json`, 'utf8')) as string[]);
  return chosen.has(id);
}

/**
 * The projects the repository's test script runs (HARNESS_VITEST_PROJECTS, its `--project` patterns:
 * `*` a wildcard, `!` an exclusion), so Stryker's runs are limited as loop's test is.
 */
function projectFilter(): ((name: string) => boolean) | null {
  const patterns = JSON.parse(process.env.HARNESS_VITEST_PROJECTS ?? 'null') as string[] | null;
  if (!patterns) return null;
  const regex = (p: string) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const include = patterns.filter((p) => !p.startsWith('!')).map(regex);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => regex(p.slice(1)));
  return (name) => (include.length === 0 || include.some((r) => r.test(name))) && !exclude.some((r) => r.test(name));
}

/** Every suite (a file is one) with errors of its own, as "file › suite: message". */
function suiteErrors(task: Task, file: string): string[] {
  if (task.type !== 'suite') return [];
  const here = task.filepath ?? file;
  const own = (task.result?.errors ?? []).map((e) => `${here}${task.filepath ? '' : ` › ${task.name}`}: ${(e.message ?? 'failed').split('\n')[0]}`);
  return [...own, ...(task.tasks ?? []).flatMap((t) => suiteErrors(t, here))];
}

class SuiteErrorsRunner {
  constructor(private readonly inner: Runner) {}
  capabilities() {
    return this.inner.capabilities();
  }
  async init() {
    await this.inner.init?.();
    const keep = projectFilter();
    if (keep && this.inner.ctx) this.inner.ctx.projects = this.inner.ctx.projects.filter((p) => keep(p.name));
  }
  async dryRun(options: unknown) {
    const result = await this.inner.dryRun(options);
    if (result.status !== 'complete') return result;
    const files = this.inner.ctx?.state.getFiles();
    if (!files) return { status: 'error', errorMessage: 'harness cannot read the test files’ results from this @stryker-mutator/vitest-runner' };
    const errors = files.flatMap((f) => suiteErrors(f, f.filepath ?? f.name));
    return errors.length === 0 ? result : { status: 'error', errorMessage: `a test file or suite failed outside any test: ${errors.join('; ')}` };
  }
  async mutantRun(options: { activeMutant: { id: string } }) {
    return isChosen(options.activeMutant.id) ? this.inner.mutantRun(options) : { status: 'survived', nrOfTests: 0 };
  }
  async dispose() {
    await this.inner.dispose?.();
  }
}

function createRunner(injector: unknown) {
  return new SuiteErrorsRunner(vitest!(injector));
}
createRunner.inject = ['$injector'] as const;

// A plain declaration, not @stryker-mutator/api's helper: the api harness would load is not the one the
// target's Stryker loads.
export const strykerPlugins = [{ kind: 'TestRunner', name: 'harness-vitest', factory: createRunner }];
