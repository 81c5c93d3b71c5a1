import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gitInit, materialize } from '../scripts/fixture.js';
import { append, parseEnvelope, tempDir } from './helpers.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The environment of a user's shell: none of the npm_* variables of the `npm test` this may run under. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));

function sh(cmd: string, args: string[], cwd: string, input?: string) {
  const res = spawnSync(cmd, args, { cwd, input, env: { ...userEnv, NO_UPDATE_NOTIFIER: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/**
 * `npm pack` of this working tree, from a copy whose dist/ holds only a stale file (so the tarball proves
 * that packing cleans and builds it, and this checkout's dist/, which other tests are running, is never
 * rewritten under them).
 */
function pack(): { tarball: string; files: string[] } {
  const src = tempDir('harness-src-');
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'src']) cpSync(join(REPO, f), join(src, f), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'), 'dir');
  mkdirSync(join(src, 'dist'));
  writeFileSync(join(src, 'dist/stale.js'), '// left by an old build: prepack removes it\n');
  const out = tempDir('harness-pack-');
  const res = sh('npm', ['pack', '--json', '--pack-destination', out], src);
  expect(res.code, res.stderr).toBe(0);
  const [info] = JSON.parse(res.stdout.slice(res.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(out, info!.filename), files: info!.files.map((f) => f.path) };
}

/**
 * `npm i -D ./harness-<v>.tgz` as a user runs it: offline from npm's cache when that has everything
 * (the repository's own `npm ci` filled it), else preferring the cache and fetching the rest (a cold
 * cache on a fresh machine, where only the registry is reachable).
 */
function install(dir: string, tgz: string): void {
  const args = ['i', '-D', `./${tgz}`, '--no-audit', '--no-fund'];
  let res = sh('npm', [...args, '--offline'], dir);
  if (res.code !== 0 && /ENOTCACHED/.test(res.stderr)) res = sh('npm', [...args, '--prefer-offline'], dir);
  expect(res.code, res.stderr).toBe(0);
}

describe('install from a tarball, as a user would', () => {
  it('npm pack → npm i -D ./harness-<v>.tgz in a fresh repository → npx harness loop, init --agents and the hook work with none of harness\'s devDependencies', { timeout: 400_000 }, () => {
    const { tarball, files } = pack();
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/harness.js', 'dist/cli/main.js', 'dist/tools/stryker-child.js']));
    expect(files.filter((f) => !/^(bin|dist)\/|^(package\.json|README\.md)$/.test(f) || f === 'dist/stale.js')).toEqual([]);

    // A fresh repository with its own node_modules: nothing linked from harness's.
    const dir = tempDir('harness-user-');
    const none = tempDir('harness-nomodules-');
    materialize('single', dir, { modules: none });
    gitInit(dir);
    const tgz = tarball.split('/').pop()!;
    copyFileSync(tarball, join(dir, tgz));
    install(dir, tgz);

    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const own = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(own.devDependencies.harness).toBe(`file:${tgz}`);
    expect(lstatSync(join(dir, 'node_modules/harness')).isSymbolicLink()).toBe(false);
    // harness's devDependencies that are not the repository's own tools (eslint, typescript, vitest, typescript-eslint) are absent.
    const foreign = Object.keys(manifest.devDependencies).filter((d) => !(d in own.devDependencies));
    expect(foreign.length).toBeGreaterThan(0);
    expect(foreign.filter((d) => existsSync(join(dir, 'node_modules', d)))).toEqual([]);

    const green = sh('npx', ['harness', 'loop'], dir);
    const env = parseEnvelope(green.stdout);
    expect(env.ok).toBe(true);
    expect(env.result.checks!.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual([]);
    expect(env.result.checks!.map((c) => c.id)).toEqual(expect.arrayContaining(['lint:.', 'typecheck:.', 'test:.']));
    expect(env.next_actions[0]!.command).toMatch(/^npx harness /);
    expect(green.code).toBe(0);

    const init = sh('npx', ['harness', 'init', '--agents', 'claude'], dir);
    expect(parseEnvelope(init.stdout).ok).toBe(true);
    const settings = JSON.parse(readFileSync(join(dir, '.claude/settings.json'), 'utf8')) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    const command = settings.hooks.Stop![0]!.hooks[0]!.command;
    expect(command).toBe('npx --no harness hook claude --budget 120');

    append(dir, 'src/index.ts', '\nexport const bad: number = "x";\n');
    append(dir, 'test/index.test.ts', "\nit('still', () => {\n  expect(1).toBe(1);\n});\n");
    const red = parseEnvelope(sh('npx', ['harness', 'loop'], dir).stdout);
    expect(red.ok).toBe(false);
    const sub = join(dir, 'src');
    const hook = sh('sh', ['-c', command], sub, JSON.stringify({ session_id: 'tarball', cwd: sub, hook_event_name: 'Stop', stop_hook_active: false }));
    expect(hook.code).toBe(2);
    expect(hook.stderr).toMatch(/^harness loop failed: typecheck:\.: src\/index\.ts:\d+:14 TS2322: /);
  });
});
