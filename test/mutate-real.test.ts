// harness mutate on the shapes real repositories have: a suite slower than 5 s, a vitest config that
// imports a git-ignored built file, tests that pass only in the user's tree, a root config whose second
// project always fails, and an equivalent mutant accepted in harness.toml. Real Stryker, real vitest.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, check, commitAll, fault, git, harness, workspace, write } from './helpers.js';

const SCALE = "\nexport function scale(x: number): number {\n  if (x > 10) return x * 2;\n  return x + 1;\n}\n";
const WEAK = "\nimport { scale } from '../src/index';\n\nit('scales', () => {\n  expect(scale(20)).toBeDefined();\n  expect(scale(1)).toBeDefined();\n});\n";
const STRONG = "\nimport { scale } from '../src/index';\n\nit('scales', () => {\n  expect(scale(20)).toBe(40);\n  expect(scale(11)).toBe(22);\n  expect(scale(10)).toBe(11);\n  expect(scale(1)).toBe(2);\n});\n";

/** A digest of every file under dir (outside .git and .harness), node_modules left out. */
function digest(dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (['.git', '.harness', 'node_modules'].includes(e.name)) continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else h.update(`${p}\0`).update(readFileSync(join(dir, p)));
    }
  };
  walk('');
  return h.digest('hex');
}

describe('harness mutate on real shapes', { timeout: 300_000 }, () => {
  it('a suite with a test slower than 5 s and a weak test → survivors listed with path:line:col, exit 1, no harness error', () => {
    const dir = workspace('single');
    append(dir, 'src/index.ts', SCALE);
    append(dir, 'test/index.test.ts', WEAK);
    write(dir, 'test/slow.test.ts', "import { expect, it } from 'vitest';\n\nit('takes its time', async () => {\n  await new Promise((r) => setTimeout(r, 5500));\n  expect(1).toBe(1);\n}, 20_000);\n");
    const run = harness(['mutate', '--cwd', dir, '--max-mutants', '3']);
    expect(run.stdout).not.toMatch(/harness error/);
    expect(run.code).toBe(1);
    const c = check(run, 'mutation');
    expect(c.status).toBe('fail');
    expect(c.details.every((d) => /^src\/index\.ts:\d+:\d+ \S+ '.*' → '.*' survived \(covered by \d+ tests\) \[m-[0-9a-f]{10}\]$/.test(d))).toBe(true);
    expect(check(run, 'untested_lines').status).toBe('pass');
  });

  for (const strength of ['strong', 'weak'] as const) {
    it(`a vitest config importing a git-ignored built file (a config package built at install time), ${strength} tests → ${strength === 'strong' ? 'every mutant killed' : 'survivors'}; the tree is byte-identical`, () => {
      const dir = workspace('single');
      append(dir, '.gitignore', '\nbuilt/\n');
      commitAll(dir, 'ignore built/');
      mkdirSync(join(dir, 'built'));
      write(dir, 'built/test-config.js', "export const testTimeout = 10_000;\n");
      write(dir, 'vitest.config.ts', "import { defineConfig } from 'vitest/config';\nimport { testTimeout } from './built/test-config.js';\n\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout } });\n");
      commitAll(dir, 'config from built/');
      append(dir, 'src/index.ts', SCALE);
      append(dir, 'test/index.test.ts', strength === 'strong' ? STRONG : WEAK);
      const before = digest(dir);
      const run = harness(['mutate', '--cwd', dir, '--max-mutants', '4']);
      expect(check(run, 'mutation').status).toBe(strength === 'strong' ? 'pass' : 'fail');
      expect(run.code).toBe(strength === 'strong' ? 0 : 1);
      expect(digest(dir)).toBe(before);
      expect(git(dir, 'status', '--porcelain', '--ignored').split('\n').filter((l) => l.startsWith('!!')).sort()).toEqual(['!! .harness/', '!! built/', '!! node_modules/']);
    });
  }

  it('tests that pass in the work tree but fail in harness’s copy → exit 2: harness could not run, with the first error line and what the copy holds', () => {
    const dir = workspace('single');
    append(dir, 'src/index.ts', SCALE);
    append(dir, 'test/index.test.ts', STRONG);
    // A file the copy cannot have: the test insists on running from the real checkout.
    write(dir, 'test/where.test.ts', "import { expect, it } from 'vitest';\nimport { scale } from '../src/index';\n\nit('runs in the checkout', () => {\n  expect(import.meta.url.includes('/.harness/') && scale(1) === 2).toBe(false);\n});\n");
    const run = harness(['mutate', '--cwd', dir]);
    expect(run.code).toBe(2);
    expect(run.env.result.error).toMatchObject({ code: 'environment' });
    expect(run.env.result.error!.message).toMatch(/^mutation: the tests pass in the work tree but fail in harness's copy \(the copy holds the \d+ files git knows and \d+ git-ignored ones outside node_modules, node_modules linked\): .*expected true to be false/);
  });

  it('a root vitest config whose second project always fails (e2e needs a build), one of its tests importing the changed file → mutate of a scope in the unit project gives its verdict', () => {
    const dir = workspace('mono');
    expect(harness(['init', '--cwd', dir]).code).toBe(0);
    commitAll(dir, 'harness init');
    append(dir, 'packages/shared/src/index.ts', SCALE);
    write(dir, 'packages/shared/test/scale.test.ts', `import { expect, it } from 'vitest';${STRONG.replace("'../src/index'", "'../src/index'")}`);
    // An e2e test that imports the changed file (so it is among its related tests) and needs a build:
    // the repo's test script runs only `unit*`, and so must Stryker's runs.
    mkdirSync(join(dir, 'packages/shared/e2e'));
    write(dir, 'packages/shared/e2e/scale-bundle.test.ts', "import { expect, it } from 'vitest';\nimport { scale } from '../src/index';\n\nit('the bundle scales like the source', async () => {\n  const bundle = await import('../dist/shared.js');\n  expect(bundle.scale(2)).toBe(scale(2));\n});\n");
    const run = harness(['mutate', '--cwd', dir, '--max-mutants', '3']);
    expect({ code: run.code, mutation: check(run, 'mutation').status, untested: check(run, 'untested_lines').status }).toEqual({ code: 0, mutation: 'pass', untested: 'pass' });
  });

  it('an equivalent mutant accepted in [[mutate.accept]] → mutate green, the accept listed and counted; the mutated line removed → the accept reported stale; no reason → a config error naming the key', () => {
    const dir = workspace('single');
    append(dir, 'src/index.ts', "\nexport function codes(text: string): string[] {\n  return text.match(/([A-Za-z]{1}[0-9]{1})/g) ?? [];\n}\n");
    append(dir, 'test/index.test.ts', "\nimport { codes } from '../src/index';\n\nit('finds codes', () => {\n  expect(codes('a1 b22 -3 Z9')).toEqual(['a1', 'b2', 'Z9']);\n  expect(codes('none')).toEqual([]);\n});\n");
    const first = harness(['mutate', '--cwd', dir]);
    const survivors = check(first, 'mutation').details.filter((d) => d.includes('survived')).map((d) => /\[(m-[0-9a-f]{10})\]$/.exec(d)![1]!);
    expect(survivors.length).toBeGreaterThan(0); // removing a {1} quantifier changes nothing: equivalent
    const accepts = survivors.map((id) => `\n[[mutate.accept]]\nid = "${id}"\nreason = "{1} is a no-op quantifier: the mutant is equivalent"\n`).join('');
    writeFileSync(join(dir, 'harness.toml'), `[scope.path_map]\n"." = "."\n${accepts}`);
    const green = harness(['mutate', '--cwd', dir]);
    expect({ code: green.code, status: check(green, 'mutation').status }).toEqual({ code: 0, status: 'pass' });
    expect(check(green, 'mutation').details).toEqual(expect.arrayContaining([`${survivors.length} accepted mutant(s), not run ([[mutate.accept]])`, expect.stringMatching(/accepted as equivalent: \{1\} is a no-op quantifier/)]));
    writeFileSync(join(dir, 'src/index.ts'), readFileSync(join(dir, 'src/index.ts'), 'utf8').replace('/([A-Za-z]{1}[0-9]{1})/g', '/([A-Za-z][0-9])/g'));
    const stale = check(harness(['mutate', '--cwd', dir]), 'mutation');
    expect(stale.details).toEqual(expect.arrayContaining([expect.stringMatching(/^harness\.toml: \[\[mutate\.accept\]\] m-[0-9a-f]{10} matches no mutant of the changed lines/)]));
    writeFileSync(join(dir, 'harness.toml'), `[scope.path_map]\n"." = "."\n\n[[mutate.accept]]\nid = "${survivors[0]}"\n`);
    const bad = harness(['mutate', '--cwd', dir]);
    expect({ code: bad.code, key: bad.env.result.error?.key }).toEqual({ code: 2, key: 'mutate.accept.0.reason' });
  });

  it("a library whose vitest config demands 100% coverage, a change adding an untested branch → untested_lines names the line (the repo's thresholds are gate's, not a baseline failure)", () => {
    const dir = workspace('biome');
    fault(dir, 'biome', 'uncovered-branch');
    append(dir, 'test/truncate.test.ts', "\nit('still truncates', () => {\n  expect(1).toBe(1);\n});\n");
    const run = harness(['mutate', '--cwd', dir, '--max-mutants', '2']);
    expect(run.stdout).not.toMatch(/tests fail before any mutation/);
    expect(check(run, 'untested_lines')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^src\/truncate\.ts:7:1 changed line executed by no test$/)] });
  });

  it("a mutant the repository's Stryker config excludes, alone on its line → still judged (a weak test's survivor), never dropped", () => {
    const dir = workspace('single');
    write(dir, 'stryker.config.json', JSON.stringify({ mutator: { excludedMutations: ['ArithmeticOperator'] } }));
    commitAll(dir, 'stryker config');
    append(dir, 'src/index.ts', '\nexport function area(w: number, h: number): number {\n  return w * h;\n}\n');
    append(dir, 'test/index.test.ts', "\nimport { area } from '../src/index';\n\nit('area', () => {\n  expect(area(1, 1)).toBe(1);\n});\n");
    const run = harness(['mutate', '--cwd', dir]);
    expect(run.code).toBe(1);
    expect(check(run, 'mutation').details).toEqual([expect.stringMatching(/^src\/index\.ts:\d+:10 ArithmeticOperator 'w \* h' → 'w \/ h' survived/)]);
  });

  it('untested lines beside tested ones → max_mutants judged, all on tested lines (the dry run shows which lines no test executes)', () => {
    const dir = workspace('single');
    const gap = '\nexport function gap(a: number, b: number): number {\n  if (a > b) return a - b;\n  if (a < b) return b - a;\n  return a * b + 1;\n}\n';
    const sign = "\nexport function sign(x: number): string {\n  if (x > 0) return 'pos';\n  if (x < 0) return 'neg';\n  return 'zero' + x;\n}\n";
    append(dir, 'src/index.ts', gap + sign);
    append(dir, 'test/index.test.ts', "\nimport { gap } from '../src/index';\n\nit('gap', () => {\n  expect([gap(5, 2), gap(2, 5), gap(3, 3)]).toEqual([3, 3, 10]);\n});\n");
    const run = harness(['mutate', '--cwd', dir, '--max-mutants', '6']);
    const lines = readFileSync(join(dir, 'src/index.ts'), 'utf8').split('\n');
    const signLines = new Set(lines.flatMap((l, i) => (i >= lines.findIndex((x) => x.includes('function sign')) ? [i + 1] : [])));
    const judged = JSON.parse(readFileSync(join(dir, '.harness/runs', run.env.result.run_id!, 'mutants.json'), 'utf8')) as { mutant: { line: number } }[];
    expect(judged.length).toBe(6);
    expect(judged.filter((o) => signLines.has(o.mutant.line))).toEqual([]);
    expect(check(run, 'mutation').status).toBe('pass');
    expect(check(run, 'untested_lines').status).toBe('fail');
  });

  it('mutants that hang (Stryker: Timeout) and weak survivors of one group → the hangs reproduced by the re-check and killed, the survivors confirmed in one vitest process', () => {
    const dir = workspace('single');
    append(dir, 'src/index.ts', `${SCALE}\nexport function countTo(n: number): number {\n  let i = 0;\n  while (i < n) i++;\n  return i;\n}\n`);
    append(dir, 'test/index.test.ts', `${WEAK}\nimport { countTo } from '../src/index';\n\nit('counts', () => {\n  expect(countTo(3)).toBe(3);\n});\n`);
    const run = harness(['mutate', '--cwd', dir, '--max-mutants', '40']);
    expect(run.stdout).not.toMatch(/harness error/);
    const runDir = join(dir, '.harness/runs', run.env.result.run_id!);
    const outcomes = JSON.parse(readFileSync(join(runDir, 'mutants.json'), 'utf8')) as { mutant: { line: number; replacement: string }; verdict: string; note: string }[];
    const loop = outcomes.filter((o) => o.note.startsWith('Timeout'));
    expect(loop.length).toBeGreaterThan(0);
    expect(loop.every((o) => o.verdict === 'killed' && o.note.startsWith('Timeout reproduced'))).toBe(true);
    const survived = outcomes.filter((o) => o.verdict === 'survived');
    expect(survived.length).toBeGreaterThan(1);
    expect(check(run, 'mutation').details.filter((d) => d.includes('survived'))).toHaveLength(survived.length);
    // The survivors were answered by the batch (the canary failed, as it must), not one process each.
    const batchLog = readFileSync(join(runDir, 'mutation.log'), 'utf8');
    expect(batchLog).toMatch(/vitest-batch-child\.js/);
    expect(batchLog).not.toMatch(/"canary"/);
  });

  it("a repository without Stryker of its own (vitest 4) → the bundled Stryker 9.6.1 mutates: survivors of a weak test listed", () => {
    const dir = workspace('single', { omit: ['@stryker-mutator/core', '@stryker-mutator/vitest-runner', '@stryker-mutator/api', '@stryker-mutator/instrumenter', '@stryker-mutator/util'] });
    append(dir, 'src/index.ts', SCALE);
    append(dir, 'test/index.test.ts', WEAK);
    const run = harness(['mutate', '--cwd', dir, '--max-mutants', '3']);
    expect({ code: run.code, status: check(run, 'mutation').status }).toEqual({ code: 1, status: 'fail' });
    const log = readFileSync(join(dir, '.harness/runs', run.env.result.run_id!, 'mutation.log'), 'utf8');
    expect(log).not.toContain(join(dir, 'node_modules/@stryker-mutator'));
  });

  it('tests_fail_on_base: a new test that fails on the old code → pass; one that passes on the old code too → fail naming it; --refactor → skipped, said so', () => {
    const dir = workspace('single');
    append(dir, 'src/index.ts', SCALE);
    append(dir, 'test/index.test.ts', STRONG);
    const bites = harness(['mutate', '--cwd', dir, '--max-mutants', '2']);
    expect(check(bites, 'tests_fail_on_base').status).toBe('pass');

    const blunt = workspace('single');
    // A rewrite of wordCount that keeps its behaviour, and a new test the old code passes as well.
    writeFileSync(join(blunt, 'src/index.ts'), "export function wordCount(text: string): number {\n  const words = text.split(' ').filter((w) => w.length > 0);\n  return words.length;\n}\n");
    append(blunt, 'test/index.test.ts', "\nit('counts two words', () => {\n  expect(wordCount('a b')).toBe(2);\n});\n");
    const run = harness(['mutate', '--cwd', blunt, '--max-mutants', '2']);
    expect(check(run, 'tests_fail_on_base')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^test\/index\.test\.ts: passes against the merge-base's code too/)] });
    const refactor = harness(['mutate', '--cwd', blunt, '--max-mutants', '2', '--refactor']);
    expect(check(refactor, 'tests_fail_on_base')).toMatchObject({ status: 'skipped', details: [expect.stringMatching(/declared a refactor/)] });
  });
});
