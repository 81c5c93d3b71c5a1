/**
 * Test and mutation configs for the tamper guard: Vitest (`vitest.config.*`, `vite.config.*`,
 * `vitest.workspace.*`: the root's `test` and each inline project's), Stryker (`stryker.config.*`) and
 * package.json (its scripts' flags, its `eslintConfig`).
 */
import { eslintrcChanges } from './lint.js';
import { at, isObj, leaves, noGain, noHigher, noLoss, noLower, show, staysOff, staysOn, type Change, type Sides, type Value } from './compare.js';

/** Each test config of a Vitest config, by label: the root `test`, and every inline project's `test`. */
function testConfigs(v: Value): { tests: Map<string, Value | undefined>; projects: Value[] } {
  const tests = new Map<string, Value | undefined>();
  const projects: Value[] = [];
  const list = Array.isArray(v) ? v : isObj(v) ? (at(v, 'test.projects') ?? at(v, 'test.workspace')) : undefined;
  if (isObj(v)) tests.set('test', at(v, 'test'));
  if (Array.isArray(list)) {
    list.forEach((p, i) => {
      if (!isObj(p)) return projects.push(p);
      const name = at(p, 'test.name') ?? at(p, 'name');
      tests.set(`projects[${typeof name === 'string' ? JSON.stringify(name) : i}].test`, at(p, 'test'));
    });
  }
  return { tests, projects };
}

/** One `test` config: tests that may pass without running, skipped files, retries, coverage figures. */
function testChanges(label: string, old: Value | undefined, now: Value | undefined, created: boolean): Change[] {
  const k = (key: string) => `${label}.${key}`;
  const out: Change[] = [];
  for (const flag of ['passWithNoTests', 'allowOnly', 'dangerouslyIgnoreUnhandledErrors', 'typecheck.ignoreSourceErrors']) {
    out.push(...staysOff(k(flag), at(old, flag), at(now, flag), created));
  }
  out.push(...noHigher(k('retry'), at(old, 'retry'), at(now, 'retry'), 0, created));
  out.push(...noLoss(k('include'), at(old, 'include'), at(now, 'include'), true));
  out.push(...noLoss(k('coverage.include'), at(old, 'coverage.include'), at(now, 'coverage.include'), true));
  if (!created) {
    out.push(...noGain(k('exclude'), at(old, 'exclude'), at(now, 'exclude')));
    out.push(...noGain(k('coverage.exclude'), at(old, 'coverage.exclude'), at(now, 'coverage.exclude')));
  }
  const [a, b] = [leaves(at(old, 'coverage.thresholds'), k('coverage.thresholds')), leaves(at(now, 'coverage.thresholds'), k('coverage.thresholds'))];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    out.push(...(key.endsWith('.100') || key.endsWith('.perFile') ? staysOn(key, a.get(key), b.get(key), created) : noLower(key, a.get(key), b.get(key))));
  }
  return out;
}

/** A Vitest config: every test config in it, and projects removed. */
export function vitestChanges(sides: Sides, created: boolean): Change[] {
  const old = sides.old === undefined ? undefined : testConfigs(sides.old);
  const now = testConfigs(sides.now);
  const out: Change[] = [];
  for (const label of new Set([...(old?.tests.keys() ?? []), ...now.tests.keys()])) {
    if (old && old.tests.has(label) && !now.tests.has(label)) out.push({ key: label.replace(/\.test$/, ''), how: 'removed' });
    else out.push(...testChanges(label, old?.tests.get(label), now.tests.get(label), created || !old?.tests.has(label)));
  }
  if (old) out.push(...noLoss('projects', old.projects, now.projects, false));
  return out;
}

/** A Stryker config: what is not mutated, mutators excluded, ignorers, the break threshold. */
export function strykerChanges(sides: Sides, created: boolean): Change[] {
  const [o, n] = [sides.old, sides.now];
  const out: Change[] = [];
  // A new config's excluded mutators and ignorers are weakenings too; its file patterns are its setup.
  for (const key of ['mutator.excludedMutations', 'ignorers']) out.push(...noGain(key, created ? [] : at(o, key), at(n, key)));
  out.push(...staysOff('ignoreStatic', at(o, 'ignoreStatic'), at(n, 'ignoreStatic'), created));
  if (created) return out;
  out.push(...noGain('ignorePatterns', at(o, 'ignorePatterns'), at(n, 'ignorePatterns')));
  const mutate = (v: Value | undefined, neg: boolean) => {
    const m = at(v, 'mutate');
    return Array.isArray(m) ? m.filter((x) => typeof x === 'string' && x.startsWith('!') === neg) : undefined;
  };
  out.push(...noGain('mutate', mutate(o, true), mutate(n, true)), ...noLoss('mutate', mutate(o, false), mutate(n, false), true));
  out.push(...noLower('thresholds.break', at(o, 'thresholds.break'), at(n, 'thresholds.break')));
  return out;
}

/** Command-line flags that let a tool pass without checking. */
const WEAK_FLAGS = ['--passWithNoTests', '--pass-with-no-tests', '--skipLibCheck', '--noCheck', '--allowOnly', '--allow-only', '--dangerouslyIgnoreUnhandledErrors'];

function flagsOf(script: Value | undefined): string[] {
  if (typeof script !== 'string') return [];
  return script.split(/\s+/).flatMap((t) => WEAK_FLAGS.filter((f) => t === f || t.startsWith(`${f}=`)));
}

/** package.json: a script gaining a flag that lets its tool pass without checking, and its `eslintConfig`. */
export function packageChanges(sides: Sides, created: boolean): Change[] {
  const out: Change[] = [];
  const [before, scripts] = [at(sides.old, 'scripts'), at(sides.now, 'scripts')];
  if (isObj(scripts)) {
    for (const [name, script] of Object.entries(scripts)) {
      const was = flagsOf(isObj(before) && Object.hasOwn(before, name) ? before[name] : undefined);
      for (const flag of flagsOf(script)) if (!was.includes(flag)) out.push({ key: `scripts[${JSON.stringify(name)}]`, how: `gains ${flag}${created ? ' (a new file)' : ''}: ${show(script)}` });
    }
  }
  const cfg = (v: Value | undefined) => at(v, 'eslintConfig');
  if (cfg(sides.old) !== undefined || cfg(sides.now) !== undefined) {
    out.push(...eslintrcChanges({ old: sides.old === undefined ? undefined : (cfg(sides.old) ?? {}), now: cfg(sides.now) ?? {} }, created, 'eslintConfig.'));
  }
  return out;
}
