// The pinned "current stack" toolchain (toolchain/current, installed by scripts/toolchain.js into
// .toolchain/current) and fixtures materialized against it: every tool answers with its pinned
// version under the toolchain's own Node 24.
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { materialize } from '../scripts/fixture.js';
import { ensureToolchain } from '../scripts/toolchain.js';
import { tempDir } from './helpers.js';

const PINNED = JSON.parse(readFileSync(new URL('../toolchain/current/package.json', import.meta.url), 'utf8')) as {
  devDependencies: Record<string, string>;
};

/** A node_modules/.bin tool of dir, run with that .bin first on PATH (its node is Node 24). */
function tool(dir: string, bin: string, args: string[], cwd = dir) {
  const binDir = join(dir, 'node_modules', '.bin');
  const r = spawnSync(join(binDir, bin), args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('toolchain current', () => {
  it('installs once (then is cached) and its node is the pinned Node 24', { timeout: 15 * 60_000 }, () => {
    const first = ensureToolchain();
    const started = Date.now();
    const again = ensureToolchain();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(again).toEqual({ ...first, installed: false });
    const r = spawnSync(again.node, ['--version'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(`v${PINNED.devDependencies.node}`);
  });

  it('a fixture with fixture.json "toolchain" gets the toolchain\'s tools at their pinned versions', { timeout: 15 * 60_000 }, () => {
    const { dir: home } = ensureToolchain();
    const dir = materialize('current', tempDir('harness-current-'));
    expect(realpathSync(join(dir, 'node_modules/vitest'))).toBe(join(home, 'node_modules/vitest'));
    const version = (bin: string, args = ['--version']) => tool(dir, bin, args).out.trim();
    expect(version('node')).toBe(`v${PINNED.devDependencies.node}`);
    expect(version('vitest')).toContain(`vitest/${PINNED.devDependencies.vitest} `);
    expect(version('tsc')).toBe(`Version ${PINNED.devDependencies.typescript}`);
    expect(version('eslint')).toBe(`v${PINNED.devDependencies.eslint}`);
    expect(version('stryker')).toBe(PINNED.devDependencies['@stryker-mutator/core']);
    // typescript-eslint (nested workspace) loads the JS TypeScript API it needs, not TypeScript 7.
    const lint = tool(dir, 'eslint', ['--format', 'json', 'packages/core/src']);
    expect(lint.code, lint.out).toBe(0);
  });

  it('a per-call toolchain option overrides the harness\'s own modules for any fixture', { timeout: 15 * 60_000 }, () => {
    const dir = materialize('single', tempDir('harness-single-'), { toolchain: 'current' });
    const run = tool(dir, 'vitest', ['run']);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(`RUN  v${PINNED.devDependencies.vitest}`);
  });
});
