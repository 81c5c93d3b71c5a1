// Fault matrix, real monorepo shapes (fixtures/mono, biome, oxlint, nolint, testscfg): an untouched,
// healthy repository must reach a green gate with the config `harness init` writes, while every real
// fault (type error, failing test, Biome / oxlint / ESLint error, coverage below the repo's thresholds)
// still fails with its file and line. Real tools, real git repositories.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, commitAll, fault, git, harness, workspace, type Fixture } from '../helpers.js';
import { expectNotOk } from './support.js';

/** A fixture with the config `harness init` writes for it, committed: the setup a new user has. */
function initialised(name: Fixture): string {
  const dir = workspace(name);
  expect(harness(['init', '--cwd', dir]).code).toBe(0);
  commitAll(dir, 'harness init');
  return dir;
}

const perScope = (run: ReturnType<typeof harness>) => (run.env.result.checks ?? []).map((c) => c.id).filter((id) => /^(lint|typecheck|test):/.test(id)).sort();

describe('monorepos', () => {
  it('mono untouched with the config init writes (a runtime cycle, a test-only edge, a package without tests, a docs-only package, git-ignored build output) → gate green: every check a scope has passes, the ones it lacks are skipped saying why', () => {
    const dir = initialised('mono');
    const toml = readFileSync(join(dir, 'harness.toml'), 'utf8');
    expect(toml).toMatch(/"reactivity" = \["shared"\]/);
    expect(toml).toMatch(/"shared" = \["reactivity"\]/); // the cycle, as it is
    expect(toml).toMatch(/\[scope\.test_dependencies\][^[]*"compiler-core" = \["compiler-sfc"\]/);
    expect(toml).toMatch(/^# "config" = \["lint", "typecheck"\]   # today: scope config has no test file/m); // a comment: nothing frozen
    const run = harness(['gate', '--cwd', dir]);
    // Only the checks a scope lacks are skipped: test:config, and lint/typecheck/test of the docs package.
    expect({ code: run.code, ...run.env.result.summary }).toMatchObject({ code: 0, failed: 0, errors: 0, deferred: 0, skipped: 4 });
    const skipped = harness(['gate', '--cwd', dir, '--only', 'test:config,lint:docs,typecheck:docs,test:docs']);
    expect(skipped.env.result.checks!.map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(check(run, 'lint:dom').status).toBe('pass'); // packages/dom/out-tsc/ holds lint errors, but git ignores it
  });

  it('mono set up by init, then a test file added to the package that had none → its test runs and fails (init froze nothing)', () => {
    const dir = initialised('mono');
    writeFileSync(join(dir, 'packages/config/src/index.ts'), `${readFileSync(join(dir, 'packages/config/src/index.ts'), 'utf8')}\nexport const added = 1;\n`);
    mkdirSync(join(dir, 'packages/config/test'));
    writeFileSync(join(dir, 'packages/config/test/targets.test.ts'), "import { expect, it } from 'vitest';\n\nit('targets', () => {\n  expect(1).toBe(2);\n});\n");
    expect(expectNotOk(harness(['loop', '--cwd', dir]), 'test:config', 'fail').details[0]).toMatch(/^packages\/config\/test\/targets\.test\.ts:4:\d+ /);
  });

  it('mono without harness.toml: a package without tests → test:config skipped with the reason, never "vitest ran no test"', () => {
    const dir = workspace('mono');
    const c = check(harness(['gate', '--cwd', dir, '--only', 'test:config']), 'test:config');
    expect(c).toMatchObject({ status: 'skipped', details: ['scope config has no test file (none matches [scope] test_globs)'] });
  });

  for (const [id, scope, where] of [
    ['config-lint', 'lint:config', /^packages\/config\/src\/index\.ts:18:\d+ .*\(no-var\)$/],
    ['reactivity-rename', 'typecheck:shared', /^packages\/shared\/src\/index\.ts:1:\d+ TS2724/],
    ['shared-hasChanged', 'test:reactivity', /^packages\/reactivity\/test\/reactive\.test\.ts:11:\d+ /],
    ['core-signature', 'typecheck:dom', /^packages\/dom\/src\/index\.ts:12:\d+ TS2554/],
  ] as const) {
    it(`mono fault ${id} → loop fails ${scope} at its file and line`, () => {
      const dir = initialised('mono');
      fault(dir, 'mono', id);
      const run = harness(['loop', '--cwd', dir]);
      expect(expectNotOk(run, scope, 'fail').details).toEqual(expect.arrayContaining([expect.stringMatching(where)]));
    });
  }

  it("a test-only edge (compiler-core's tests import compiler-sfc; dom depends on compiler-core) → a change in compiler-sfc runs exactly compiler-core's test and typecheck beside its own checks, none of dom's, no lint of compiler-core; the broken test fails", () => {
    const dir = initialised('mono');
    fault(dir, 'mono', 'sfc-breaks-core-test');
    const run = harness(['loop', '--cwd', dir]);
    expect(perScope(run)).toEqual(['lint:compiler-sfc', 'test:compiler-core', 'test:compiler-sfc', 'typecheck:compiler-core', 'typecheck:compiler-sfc']);
    expect(run.env.result.scope!.expanded_scopes).toEqual(['compiler-core', 'compiler-sfc']);
    expect(expectNotOk(run, 'test:compiler-core', 'fail').details[0]).toMatch(/^packages\/compiler-core\/test\/sfc\.test\.ts:7:\d+ /);
  });

  it('a tight budget on a change in shared (four dependents) → the changed scope’s own checks start first: none is deferred while a dependent’s check ran', () => {
    const dir = initialised('mono');
    writeFileSync(join(dir, 'packages/shared/src/extra.ts'), 'export const extra = 1;\n');
    const run = harness(['loop', '--cwd', dir, '--budget', '2']);
    const checks = run.env.result.checks!;
    const own = checks.filter((c) => /^(lint|typecheck|test):shared$/.test(c.id));
    const dependents = checks.filter((c) => /^(lint|typecheck|test):/.test(c.id) && !c.id.endsWith(':shared'));
    const ranDependent = dependents.some((c) => c.status === 'pass' || c.status === 'fail');
    expect({ ownDeferred: own.some((c) => c.status === 'deferred') && ranDependent }).toEqual({ ownDeferred: false });
    expect(own).toHaveLength(3);
  });

  it('biome: untouched → gate green, never told to install ESLint; a Biome lint error → lint:. fails at its file, line and column', () => {
    const dir = initialised('biome');
    const green = harness(['gate', '--cwd', dir]);
    expect(green.code).toBe(0);
    expect(green.stdout).not.toMatch(/eslint/i);
    fault(dir, 'biome', 'biome-lint');
    const c = expectNotOk(harness(['loop', '--cwd', dir]), 'lint:.', 'fail');
    expect(c.details).toEqual(['src/slug.ts:10:35 Using != may be unsafe if you are relying on type coercion. (lint/suspicious/noDoubleEquals)']);
  });

  it('biome config present but @biomejs/biome not installed → lint:. error naming the package to install (not ESLint)', () => {
    const dir = workspace('biome', { omit: ['@biomejs/biome'] });
    const c = expectNotOk(harness(['gate', '--cwd', dir, '--only', 'lint:.']), 'lint:.', 'error');
    expect(c.details).toEqual([expect.stringMatching(/^biome\.json is in reach of scope \., but @biomejs\/biome is not installed .*npm i -D @biomejs\/biome\)$/)]);
  });

  it("biome with coverage thresholds at 100% and an untested branch → gate's test:. fails naming the uncovered line and the figures; loop's passes, saying it left them to gate", () => {
    const dir = initialised('biome');
    fault(dir, 'biome', 'uncovered-branch');
    const gate = expectNotOk(harness(['gate', '--cwd', dir, '--only', 'test:.']), 'test:.', 'fail');
    expect(gate.details).toEqual([expect.stringMatching(/^src\/truncate\.ts:7:1 not covered by any test: below the coverage thresholds of vitest\.config\.ts \(lines [\d.]+% < 100%/)]);
    const loop = check(harness(['loop', '--cwd', dir, '--only', 'test:.']), 'test:.');
    expect(loop).toMatchObject({ status: 'pass', details: ['vitest.config.ts: coverage thresholds not evaluated (loop leaves them to gate: a partial run cannot meet them)'] });
  });

  it('oxlint on TypeScript 7: untouched → gate green; an oxlint error → lint:. fails at its file and line', () => {
    const dir = initialised('oxlint');
    expect(harness(['gate', '--cwd', dir]).code).toBe(0);
    fault(dir, 'oxlint', 'oxlint-error');
    expect(expectNotOk(harness(['loop', '--cwd', dir]), 'lint:.', 'fail').details).toEqual([expect.stringMatching(/^src\/memo\.ts:8:\d+ .*\(eslint\(eqeqeq\)\)$/)]);
  });

  it('no linter at all: untouched → gate green (init leaves lint out); a type error and a failing test still fail at their lines', () => {
    const dir = initialised('nolint');
    expect(readFileSync(join(dir, 'harness.toml'), 'utf8')).toMatch(/^# "\." = \["typecheck", "test"\]/m);
    const green = harness(['gate', '--cwd', dir]);
    expect({ code: green.code, lint: check(green, 'lint:.').status }).toEqual({ code: 0, lint: 'skipped' });
    fault(dir, 'nolint', 'type-error');
    expect(expectNotOk(harness(['loop', '--cwd', dir]), 'typecheck:.', 'fail').details).toEqual([expect.stringMatching(/^src\/range\.ts:10:\d+ TS2532/)]);
    git(dir, 'checkout', '-q', '--', '.');
    fault(dir, 'nolint', 'test-failure');
    expect(expectNotOk(harness(['loop', '--cwd', dir]), 'test:.', 'fail').details[0]).toMatch(/^src\/version\.test\.ts:13:\d+ /);
  });

  it('a doc page (docs/**/*.mdx) edited in a library set up by init → no check runs, and next_actions says only ignored files changed', () => {
    const dir = initialised('testscfg');
    writeFileSync(join(dir, 'docs/index.mdx'), `${readFileSync(join(dir, 'docs/index.mdx'), 'utf8')}\nA typo fixed.\n`);
    const run = harness(['loop', '--cwd', dir]);
    expect({ code: run.code, checks: run.env.result.checks }).toEqual({ code: 0, checks: [] });
    expect(run.env.next_actions[0]!.description).toMatch(/^Only ignored files changed \("docs\/index\.mdx", \[scope\] ignore\): nothing to check/);
  });

  it('changed_tests: a pure rename (dash.ts → kebab.ts), a function removed with its test, and a new benchmark file → pass; new runtime code with no test → fail', () => {
    const dir = workspace();
    git(dir, 'mv', 'packages/text/src/pad.ts', 'packages/text/src/padding.ts');
    expect(check(harness(['loop', '--cwd', dir, '--only', 'changed_tests']), 'changed_tests').status).toBe('pass');
    git(dir, 'checkout', '-q', '-f', 'HEAD');
    const test = readFileSync(join(dir, 'packages/cli/test/args.test.ts'), 'utf8');
    writeFileSync(join(dir, 'packages/cli/src/args.ts'), `${readFileSync(join(dir, 'packages/cli/src/args.ts'), 'utf8')}\nexport const gone = 1;\n`);
    writeFileSync(join(dir, 'packages/cli/test/args.test.ts'), `${test}\nit('gone', () => { expect(1).toBe(1); });\n`);
    commitAll(dir, 'a function and its test'); // on main: the merge-base moves with it
    writeFileSync(join(dir, 'packages/cli/src/args.ts'), readFileSync(join(dir, 'packages/cli/src/args.ts'), 'utf8').replace('\nexport const gone = 1;\n', ''));
    writeFileSync(join(dir, 'packages/cli/test/args.test.ts'), test);
    mkdirSync(join(dir, 'packages/cli/bench'));
    writeFileSync(join(dir, 'packages/cli/bench/args.bench.ts'), "import { bench } from 'vitest';\nbench('parse', () => {});\n");
    expect(check(harness(['loop', '--cwd', dir, '--only', 'changed_tests']), 'changed_tests').status).toBe('pass');
    writeFileSync(join(dir, 'packages/cli/src/args.ts'), `${readFileSync(join(dir, 'packages/cli/src/args.ts'), 'utf8')}\nexport const fresh = 2;\n`);
    expect(check(harness(['loop', '--cwd', dir, '--only', 'changed_tests']), 'changed_tests').status).toBe('fail');
  });

  it("coverage thresholds in a root vitest config with projects, an untested function added → gate (every scope in the run) fails naming the file; the untouched tree passes", () => {
    const dir = workspace('rootcfg');
    const cfg = join(dir, 'vitest.config.ts');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('  test: {\n', "  test: {\n    coverage: { provider: 'v8', include: ['packages/*/src/**/*.ts'], thresholds: { lines: 100, branches: 100, functions: 100, statements: 100 } },\n"));
    commitAll(dir, 'thresholds');
    expect(harness(['gate', '--cwd', dir]).code).toBe(0);
    writeFileSync(join(dir, 'packages/base/src/id.ts'), `${readFileSync(join(dir, 'packages/base/src/id.ts'), 'utf8')}\nexport function unused(x: number): number {\n  return x * 3;\n}\n`);
    const run = harness(['gate', '--cwd', dir]);
    expect(expectNotOk(run, 'test:base', 'fail').details).toEqual([expect.stringMatching(/^packages\/base\/src\/id\.ts:\d+:1 not covered by any test: below the coverage thresholds of vitest\.config\.ts/)]);
  });

  it('a test script that delegates (`"test": "pnpm run test:unit"`, test:unit selecting the unit projects) → gate runs the unit projects only, green untouched', () => {
    const dir = initialised('mono');
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    manifest.scripts['test:unit'] = manifest.scripts.test!;
    manifest.scripts.test = 'pnpm run test:unit';
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    commitAll(dir, 'delegate');
    const run = harness(['gate', '--cwd', dir]);
    expect({ code: run.code, failed: run.env.result.summary!.failed, errors: run.env.result.summary!.errors }).toEqual({ code: 0, failed: 0, errors: 0 });
  });
});
