import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { select, type Candidate } from '../src/mutate/mutants.js';
import { append, check, commitAll, git, harness, harnessAsync, PREFIX, workspace, write } from './helpers.js';

const DEPTH = `
export function describeDepth(depth: number): string {
  if (depth > 3) return 'deep';
  return depth === 0 ? 'flat' : 'shallow';
}
`;
const weakTest = "\nimport { describeDepth } from '../src/args';\n\nit('describes depth', () => {\n  expect(describeDepth(5)).toBeDefined();\n  expect(describeDepth(0)).toBeDefined();\n});\n";
const strongTest =
  "\nimport { describeDepth } from '../src/args';\n\nit('describes depth', () => {\n  expect(describeDepth(4)).toBe('deep');\n  expect(describeDepth(3)).toBe('shallow');\n  expect(describeDepth(1)).toBe('shallow');\n  expect(describeDepth(0)).toBe('flat');\n});\n";

function mutants(dir: string, runId: string): { mutant: Candidate; verdict: string }[] {
  return JSON.parse(readFileSync(join(dir, '.harness/runs', runId, 'mutants.json'), 'utf8')) as { mutant: Candidate; verdict: string }[];
}

/** Every file of the work tree (outside .git and .harness) with its hash: what "untouched" means. */
function snapshot(dir: string): string {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (['.git', '.harness', 'node_modules'].includes(e.name)) continue;
      if (e.isDirectory()) walk(p);
      else out.push(`${p} ${createHash('sha256').update(readFileSync(join(dir, p))).digest('hex')}`);
    }
  };
  walk('');
  return out.sort().join('\n');
}

describe('selection', () => {
  it('spreads across files, then lines, then mutator kinds, deterministically', () => {
    const c = (file: string, line: number, mutator: string, i: number): Candidate => ({
      id: `m-${file}${line}${mutator}${i}`,
      file,
      line,
      col: 1,
      endLine: line,
      endCol: 2,
      mutator,
      original: 'x',
      replacement: `y${i}`,
    });
    const all = ['a.ts', 'b.ts', 'c.ts', 'd.ts'].flatMap((f) => [1, 2, 3].flatMap((l) => ['A', 'B'].flatMap((m) => [c(f, l, m, 0), c(f, l, m, 1)])));
    const chosen = select(all, 12);
    expect(chosen).toHaveLength(12);
    expect(new Set(chosen.map((m) => m.file)).size).toBe(4);
    expect(new Set(chosen.filter((m) => m.file === 'a.ts').map((m) => m.line)).size).toBe(3);
    expect(select([...all].reverse(), 12)).toEqual(chosen);
  });
});

// Stryker runs are minutes of CPU on a busy 2-core machine: a longer limit than the suite's default.
describe('harness mutate (real Stryker + vitest)', { timeout: 300_000 }, () => {
  it('a weak test lets mutants survive: ok:false with one detail and a re-run command per survivor', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', DEPTH);
    append(dir, 'packages/cli/test/args.test.ts', weakTest);
    const run = harness(['mutate', '--cwd', dir]);
    expect(run.code).toBe(1);
    const m = check(run, 'mutation');
    expect(m.status).toBe('fail');
    expect(m.details[0]).toMatch(/^packages\/cli\/src\/args\.ts:\d+:\d+ \w+ '.+' → '.*' survived \(covered by \d+ tests\) \[m-[0-9a-f]+\]$/);
    const ids = m.details.map((d) => /\[(m-[0-9a-f]+)\]$/.exec(d)![1]);
    // The command names every survivor (the envelope shows the first max_details of them).
    expect(run.env.next_actions[0]!.command.startsWith(`${PREFIX} --cwd ${dir} mutate --mutant ${ids.join(',')}`)).toBe(true);
    expect(check(run, 'untested_lines').status).toBe('pass');
    const again = harness(['mutate', '--cwd', dir, '--mutant', ids[0]!]);
    expect(mutants(dir, again.env.result.run_id!).map((o) => o.mutant.id)).toEqual([ids[0]]);
    expect(git(dir, 'status', '--porcelain')).toBe(' M packages/cli/src/args.ts\n M packages/cli/test/args.test.ts\n');
    expect(readdirSync(join(dir, '.harness/tmp'))).toEqual([]);
  });

  it('the same change with a strong test: every mutant killed, ok:true, next is the gate', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', DEPTH);
    append(dir, 'packages/cli/test/args.test.ts', strongTest);
    const run = harness(['mutate', '--cwd', dir]);
    expect(run.code).toBe(0);
    expect(check(run, 'mutation').status).toBe('pass');
    expect(mutants(dir, run.env.result.run_id!).every((o) => o.verdict === 'killed')).toBe(true);
    expect(run.env.next_actions[0]!.command).toBe(`${PREFIX} --cwd ${dir} gate`);
  });

  it('a changed line no test executes fails on its own', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', DEPTH);
    append(dir, 'packages/cli/test/args.test.ts', "\nimport { describeDepth } from '../src/args';\n\nit('deep', () => {\n  expect(describeDepth(9)).toBe('deep');\n});\n");
    const run = harness(['mutate', '--cwd', dir]);
    expect(run.code).toBe(1);
    const lines = readFileSync(join(dir, 'packages/cli/src/args.ts'), 'utf8').split('\n');
    const untested = lines.findIndex((l) => l.includes("'flat'")) + 1;
    expect(check(run, 'untested_lines').details).toEqual([`packages/cli/src/args.ts:${untested}:1 changed line executed by no test`]);
  });

  it('30 changed lines in 4 files: exactly max_mutants mutants over all 4 files, the same selection twice', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'packages/cli/src/ops'));
    const names = ['one', 'two', 'three', 'four'];
    for (const [i, n] of names.entries()) {
      const body = Array.from({ length: 7 }, (_, k) => `  if (x === ${k + i}) return ${k} + x * ${k + 1};`).join('\n');
      write(dir, `packages/cli/src/ops/${n}.ts`, `export function ${n}(x: number): number {\n${body}\n  return -x;\n}\n`);
    }
    const calls = names.map((n) => `  for (let x = 0; x < 12; x++) expect(typeof ${n}(x)).toBe('number');`).join('\n');
    write(dir, 'packages/cli/test/ops.test.ts', `import { expect, it } from 'vitest';\n${names.map((n) => `import { ${n} } from '../src/ops/${n}';`).join('\n')}\n\nit('runs', () => {\n${calls}\n});\n`);
    const first = harness(['mutate', '--cwd', dir]);
    const chosen = mutants(dir, first.env.result.run_id!).map((o) => o.mutant);
    expect(chosen).toHaveLength(12);
    expect(new Set(chosen.map((m) => m.file))).toEqual(new Set(names.map((n) => `packages/cli/src/ops/${n}.ts`)));
    const second = harness(['mutate', '--cwd', dir]);
    expect(mutants(dir, second.env.result.run_id!).map((o) => o.mutant.id)).toEqual(chosen.map((m) => m.id));
  });

  it('a vitest major no Stryker supports yet is an error envelope, not a pass', () => {
    const dir = workspace();
    // No vitest 6 exists to install: this fake manifest is the one faked fault (vitest 5 is real, in test/current-stack).
    rmSync(join(dir, 'node_modules/vitest'));
    mkdirSync(join(dir, 'node_modules/vitest'));
    writeFileSync(join(dir, 'node_modules/vitest/package.json'), '{ "name": "vitest", "version": "6.0.0" }\n');
    append(dir, 'packages/cli/src/args.ts', DEPTH);
    append(dir, 'packages/cli/test/args.test.ts', strongTest);
    const run = harness(['mutate', '--cwd', dir]);
    expect(run.code).toBe(1);
    expect(check(run, 'mutation')).toMatchObject({ status: 'error', details: [expect.stringMatching(/vitest 6\.0\.0 is not supported/)] });
  });

  it('lines in a branch that never runs are untested even though their `if` ran; symlinked dirs are copied as links', () => {
    const dir = workspace();
    const guarded = "\nexport function big(values: readonly number[]): number {\n  if (values.length > 100) {\n    return -1;\n  }\n  return values.length;\n}\n";
    append(dir, 'packages/math/src/stats.ts', guarded);
    symlinkSync('packages/core', join(dir, 'coreln'));
    commitAll(dir);
    write(dir, 'packages/math/src/stats.ts', readFileSync(join(dir, 'packages/math/src/stats.ts'), 'utf8').replace('return -1;', 'return -2;'));
    append(dir, 'packages/math/test/stats.test.ts', "\nimport { big } from '../src/stats';\n\nit('big', () => {\n  expect(big([1])).toBe(1);\n});\n");
    const run = harness(['mutate', '--cwd', dir]);
    const line = readFileSync(join(dir, 'packages/math/src/stats.ts'), 'utf8').split('\n').findIndex((l) => l.includes('return -2')) + 1;
    expect(check(run, 'untested_lines').details).toEqual([`packages/math/src/stats.ts:${line}:1 changed line executed by no test`]);
    expect(check(run, 'mutation').status).toBe('skipped');
  });

  it('mutants on signatures and across the lines of a new function body; tests importing their package by name run the copy', () => {
    const dir = workspace();
    append(dir, 'packages/math/src/stats.ts', "\nexport const seen: number[] = [];\nexport function record(values: readonly number[], tag = 'x'): void {\n  seen.push(...values, tag.length);\n}\n");
    append(dir, 'packages/math/test/stats.test.ts', "\nimport { record } from '@demo/math/src/stats';\n\nit('records', () => {\n  record([1]);\n});\n");
    const run = harness(['mutate', '--cwd', dir]);
    const kinds = check(run, 'mutation').details.map((d) => d.split(' ')[1]);
    expect(kinds).toEqual(expect.arrayContaining(['BlockStatement', 'StringLiteral']));
    expect(check(run, 'untested_lines').status).toBe('pass');
  });

  // Stryker runs before the coverage run when every mutant fits under the limit, and its dry run is then
  // the baseline: a file or suite failing outside any test must fail it (Stryker 9's vitest runner
  // reports the other tests as passing), and neither broken file covers a mutant.
  const broken = {
    'fails to load': "import { describeDepth } from '../src/args';\nimport { gone } from './missing';\ngone(describeDepth(1));\n",
    "has a suite whose beforeAll throws": "import { beforeAll, describe, expect, it } from 'vitest';\nimport { describeDepth } from '../src/args';\n\ndescribe('depth', () => {\n  beforeAll(() => {\n    throw new Error('setup broke');\n  });\n  it('deep', () => {\n    expect(describeDepth(9)).toBe('deep');\n  });\n});\n",
  };
  for (const [how, text] of Object.entries(broken)) {
    it(`a test file that ${how} is an error, never a survivor or a pass`, () => {
      const dir = workspace();
      append(dir, 'packages/cli/src/args.ts', DEPTH);
      append(dir, 'packages/cli/test/args.test.ts', strongTest);
      // It reaches the changed file, so it is among the tests mutate runs (those whose imports reach the change).
      write(dir, 'packages/cli/test/broken.test.ts', text);
      const run = harness(['mutate', '--cwd', dir]);
      expect(run.code).toBe(1);
      const why = how === 'fails to load' ? /Cannot find module '.\/missing'/ : /Error: setup broke/;
      expect(check(run, 'mutation')).toMatchObject({ status: 'error', details: [expect.stringMatching(new RegExp(`tests fail before any mutation: .*${why.source}`))] });
      // The shared run's tool output (Stryker's dry run, then vitest's) is in each mutate check's log.
      for (const id of ['mutation', 'untested_lines', 'tests_fail_on_base']) {
        const log = readFileSync(join(dir, check(run, id).log!), 'utf8');
        expect(log).toMatch(/initial test run/);
        expect(log.match(new RegExp(why.source, 'g'))!.length).toBeGreaterThanOrEqual(2);
      }
    });
  }

  it('SIGINT and SIGTERM at several points leave the work tree byte-identical and nothing behind', async () => {
    for (const [signal, afterMs] of [
      ['SIGINT', 100],
      ['SIGTERM', 1500],
      ['SIGINT', 4000],
      ['SIGTERM', 7000],
    ] as const) {
      const dir = workspace();
      append(dir, 'packages/cli/src/args.ts', DEPTH);
      append(dir, 'packages/cli/test/args.test.ts', strongTest);
      const before = snapshot(dir);
      const status = git(dir, 'status', '--porcelain');
      const { child, done } = harnessAsync(['mutate', '--cwd', dir]);
      setTimeout(() => child.kill(signal), afterMs);
      const run = await done;
      // Interrupted (2), finished before the signal (0), or killed while node was starting (no handler yet).
      expect(run.signal === signal || [0, 2].includes(run.code!)).toBe(true);
      expect(snapshot(dir)).toBe(before);
      expect(git(dir, 'status', '--porcelain')).toBe(status);
      const tmp = join(dir, '.harness/tmp');
      expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
    }
  }, 300_000); // four mutate runs on a loaded 2-core machine
});
