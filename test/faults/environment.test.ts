// Fault matrix, environment: the machine under the harness fails (read-only tree, full disk, its own
// log directory deleted mid-run). Produced for real: mounts in a private mount namespace (mounted.js,
// `unshare --user --map-root-user --mount`, no root needed), a real deletion while a run is in flight.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, git, harnessAsync, parseEnvelope, tempDir, workspace } from '../helpers.js';
import { expectNotOk, fakeTool, scopeOf, singleChange } from './support.js';

const MOUNTED = fileURLToPath(new URL('./mounted.js', import.meta.url));
const REAL_ESLINT = fileURLToPath(new URL('../../node_modules/eslint/bin/eslint.js', import.meta.url));

/** Run the harness CLI inside a private mount namespace after mounting `mount` (see mounted.js). */
function harnessMounted(mount: string[], args: string[]) {
  const res = spawnSync('unshare', ['--user', '--map-root-user', '--mount', '--', process.execPath, MOUNTED, ...mount, process.execPath, BIN, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.stdout === '') throw new Error(`no envelope (is unshare allowed here?): ${res.stderr}`);
  return { code: res.status, env: parseEnvelope(res.stdout), stdout: res.stdout, stderr: res.stderr };
}

describe('environment', () => {
  it('read-only work tree → exit 2, environment error "cannot write run logs", nothing reported as checked', () => {
    const dir = workspace('single');
    singleChange(dir);
    const run = harnessMounted(['ro', dir], ['loop', '--cwd', dir]);
    expect(run.code).toBe(2);
    expect(run.env.ok).toBe(false);
    expect(run.env.result.checks).toBeUndefined();
    expect(run.env.result.error).toMatchObject({ code: 'environment', key: null });
    expect(run.env.result.error!.message).toMatch(new RegExp(`^cannot write run logs under ${dir}/\\.harness: `));
  });

  it('disk full before the run (tmpfs at .harness/, 0 bytes free) → exit 2, environment error naming ENOSPC', () => {
    const dir = workspace('single');
    mkdirSync(join(dir, '.harness'));
    const run = harnessMounted(['tmpfs', join(dir, '.harness'), '64k', '0'], ['loop', '--cwd', dir]);
    expect(run.code).toBe(2);
    expect(run.env.ok).toBe(false);
    expect(run.env.result.error).toMatchObject({ code: 'environment' });
    expect(run.env.result.error!.message).toMatch(/^cannot write run logs under .*ENOSPC: no space left on device/);
  });

  it('disk fills during the run (tmpfs at .harness/, 8 KiB free) → ok:false, lint:. and test:. error on ENOSPC; no pass without its log', () => {
    const dir = workspace('single');
    singleChange(dir);
    mkdirSync(join(dir, '.harness'));
    const run = harnessMounted(['tmpfs', join(dir, '.harness'), '64k', '8192'], ['loop', '--cwd', dir, '--no-cache']);
    expect(expectNotOk(run, 'lint:.', 'error').details[0]).toMatch(/^eslint did not finish linting \(exit code 2\): .*ENOSPC/);
    expect(expectNotOk(run, 'test:.', 'error').details[0]).toMatch(/^vitest wrote no readable JSON report \(exit code 1\): .*ENOSPC/);
    // A check whose log could not be written says so and is never a pass nobody can inspect.
    const unlogged = run.env.result.checks!.filter((c) => c.details.some((d) => /its log could not be written \(ENOSPC\)/.test(d)));
    expect(unlogged.length).toBeGreaterThan(0);
    for (const c of unlogged) expect(c.status === 'error' || c.status === 'fail', JSON.stringify(c)).toBe(true);
    for (const c of unlogged) expect(c.log).toBeNull();
  });

  it('.harness/ deleted mid-run → lint:. still really runs, never a pass naming a vanished log (pass with log null, or error: its log could not be written); .harness/.gitignore restored at once', async () => {
    const dir = workspace('single');
    singleChange(dir);
    // eslint that waits until .harness/ is gone, then is the real eslint: the deletion lands mid-check.
    const wait = `while (existsSync(${JSON.stringify(join(dir, '.harness'))}) && Date.now() < ${Date.now() + 60_000}) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);\n`;
    fakeTool(
      dir,
      'eslint',
      'eslint',
      `import { existsSync } from 'node:fs';\nimport { spawnSync } from 'node:child_process';\n${wait}` +
        `process.exitCode = spawnSync(process.execPath, [${JSON.stringify(REAL_ESLINT)}, ...process.argv.slice(2)], { stdio: 'inherit' }).status ?? 1;\n`,
    );
    const { done } = harnessAsync(['loop', '--cwd', dir, '--no-cache', '--only', 'lint:.']);
    while (!existsSync(join(dir, '.harness/runs'))) await new Promise((r) => setTimeout(r, 20));
    rmSync(join(dir, '.harness'), { recursive: true, force: true, maxRetries: 20, retryDelay: 10 });
    const run = await done;
    // Whether the deletion lands before or after the check's log is opened is a race of the scenario.
    const c = run.env.result.checks![0]!;
    expect(c).toMatchObject({ id: 'lint:.', log: null });
    expect(c.cached).toBeUndefined();
    if (c.status === 'pass') expect(run.code).toBe(0);
    else expect(c).toMatchObject({ status: 'error', details: [expect.stringMatching(/its log could not be written \(ENOENT\)/)] });
    expect(git(dir, 'status', '--porcelain')).toBe(' M src/index.ts\n M test/index.test.ts\n');
    expect(scopeOf(dir).changed_files).toEqual(['src/index.ts', 'test/index.test.ts']);
    const { done: next } = harnessAsync(['loop', '--cwd', dir, '--only', 'suppressions']);
    expect((await next).env.ok).toBe(true);
    expect(git(dir, 'status', '--porcelain')).toBe(' M src/index.ts\n M test/index.test.ts\n');
  });

  // The process-level net. Its real causes are fixed (a cache promise that could reject unawaited; the
  // lint now forbids floating promises), so the fault is injected: a preloaded module (`node --import`)
  // throws or rejects inside the harness process while a loop is running. This is the one mocked fault
  // of the suite: a crash that no input can produce any more.
  for (const [kind, code] of [
    ['an unhandled rejection', 'Promise.reject(new Error("injected rejection"))'],
    ['an uncaught exception', 'throw new Error("injected exception")'],
  ] as const) {
    it(`${kind} inside the harness process while a loop runs → exactly one internal-error envelope, exit 2, no bare stack trace`, () => {
      const dir = workspace('single');
      singleChange(dir);
      const preload = join(tempDir(), 'crash.mjs');
      writeFileSync(preload, `setTimeout(() => { ${code}; }, 150);\n`);
      const res = spawnSync(process.execPath, ['--import', preload, BIN, 'loop', '--cwd', dir], { encoding: 'utf8' });
      expect(res.status).toBe(2);
      expect(res.stdout.trim().split('\n')).toHaveLength(1);
      const env = parseEnvelope(res.stdout);
      expect(env).toMatchObject({ ok: false, command: 'harness loop', result: { error: { code: 'internal' } } });
      expect(env.result.error!.message).toMatch(/^internal error: Error: injected (rejection|exception)/);
      expect(res.stderr).not.toMatch(/injected/);
    });
  }
});
