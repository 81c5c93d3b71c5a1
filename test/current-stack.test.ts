// Today's stack, for real: harness on Node 24 against a workspace of Vitest 5, Stryker 10, TypeScript 7
// (native tsc) and ESLint 9 — the pinned toolchain scripts/toolchain.js installs (cached between runs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureToolchain } from '../scripts/toolchain.js';
import { append, check, fault, harness, workspace } from './helpers.js';

let node = '';
beforeAll(() => {
  node = ensureToolchain().node;
}, 15 * 60_000);

const run = (dir: string, ...args: string[]) => harness([...args, '--cwd', dir], { node });

const PASS = '\nexport function passes(score: number): boolean {\n  return score >= 50;\n}\n';
const WEAK = "\nimport { passes } from '../src/grade';\n\nit('passes', () => {\n  expect(passes(70)).toBeDefined();\n});\n";
const STRONG = "\nimport { passes } from '../src/grade';\n\nit('passes', () => {\n  expect(passes(70)).toBe(true);\n  expect(passes(50)).toBe(true);\n  expect(passes(49)).toBe(false);\n});\n";

describe('the current stack: Node 24, Vitest 5, Stryker 10, TypeScript 7, ESLint 9', { timeout: 300_000 }, () => {
  it('loop under Node 24: a type error fails typecheck under TypeScript 7, and nothing else', () => {
    const dir = workspace('current');
    fault(dir, 'current', 'type-error');
    const r = run(dir, 'loop');
    expect(r.code).toBe(1);
    expect(check(r, 'typecheck:core')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/core\/src\/clamp\.ts:6:\d+ TS2345: /)] });
    expect(check(r, 'test:core').status).toBe('pass');
  });

  it('loop under Node 24: a failing Vitest 5 test fails test:core with its location', () => {
    const dir = workspace('current');
    fault(dir, 'current', 'failing-test');
    const r = run(dir, 'loop');
    expect(r.code).toBe(1);
    expect(check(r, 'test:core')).toMatchObject({ status: 'fail', details: expect.arrayContaining([expect.stringMatching(/^packages\/core\/test\/clamp\.test\.ts:\d+:\d+ /)]) });
    expect(check(r, 'typecheck:core').status).toBe('pass');
  });

  it("ESLint 9 finds its config from the cwd: the package's own eslint.config.js applies to the package (eqeqeq)", () => {
    const dir = workspace('current');
    fault(dir, 'current', 'lint-package-config');
    const r = run(dir, 'loop');
    expect(check(r, 'lint:app')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/^packages\/app\/src\/index\.ts:5:\d+ .*\(eqeqeq\)$/)] });
  });

  it("mutate drives the repository's Stryker 10: a weak test's survivors listed and re-checked with plain vitest; strong tests pass", () => {
    const dir = workspace('current');
    append(dir, 'packages/core/src/grade.ts', PASS);
    append(dir, 'packages/core/test/grade.test.ts', WEAK);
    const weak = run(dir, 'mutate');
    expect(weak.code).toBe(1);
    const survivors = check(weak, 'mutation').details.filter((d) => d.includes('survived'));
    expect(survivors.length).toBeGreaterThan(0);
    expect(survivors.every((d) => /^packages\/core\/src\/grade\.ts:\d+:\d+ /.test(d))).toBe(true);
    const log = readFileSync(join(dir, '.harness/runs', weak.env.result.run_id!, 'mutation.log'), 'utf8');
    expect(log).toMatch(/\.toolchain\/current\/node_modules\/@stryker-mutator\/core\//);
    expect(log).toMatch(/vitest-batch-child\.js|recheck-\d+\.vitest\.json/);

    const strong = workspace('current');
    append(strong, 'packages/core/src/grade.ts', PASS);
    append(strong, 'packages/core/test/grade.test.ts', STRONG);
    const green = run(strong, 'mutate');
    expect({ code: green.code, mutation: check(green, 'mutation').status }).toEqual({ code: 0, mutation: 'pass' });
  });

  it('Vitest 5 without Stryker 10 in the repository → mutate is an error naming @stryker-mutator/core@10, never a pass', () => {
    const dir = workspace('current', { omit: ['@stryker-mutator/core', '@stryker-mutator/vitest-runner', '@stryker-mutator/api', '@stryker-mutator/instrumenter', '@stryker-mutator/util'] });
    append(dir, 'packages/core/src/grade.ts', PASS);
    append(dir, 'packages/core/test/grade.test.ts', STRONG);
    const r = run(dir, 'mutate');
    expect(r.code).toBe(1);
    expect(check(r, 'mutation')).toMatchObject({ status: 'error', details: [expect.stringMatching(/@stryker-mutator\/core@10/)] });
  });
});
