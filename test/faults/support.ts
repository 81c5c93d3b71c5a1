// Shared helpers of the fault suite (test/faults). Every scenario runs the built CLI on a real git repo.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { append, harness, tempDir, type Run } from '../helpers.js';

/** `harness scope` on dir: exit 0 and the resolved scope. */
export function scopeOf(dir: string, ...extra: string[]) {
  const run = harness(['scope', '--cwd', dir, ...extra]);
  expect(run.code).toBe(0);
  return run.env.result.scope!;
}

/** A configuration error: exit 2, ok:false, error code `config`, naming `key`; nothing ran. */
export function expectConfigError(run: Run, key: string | null, message: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.env.ok).toBe(false);
  expect(run.env.result.checks).toBeUndefined();
  expect(run.env.result.error).toMatchObject({ code: 'config', key });
  expect(run.env.result.error!.message).toMatch(message);
}

/** A run whose checks all really ran and passed: the only green a scenario may end with. */
export function expectReallyGreen(run: Run, ids: string[]): void {
  expect(run.code).toBe(0);
  expect(run.env.ok).toBe(true);
  const checks = run.env.result.checks ?? [];
  expect(checks.map((c) => c.id).sort()).toEqual([...ids].sort());
  for (const c of checks) expect({ id: c.id, status: c.status, cached: c.cached ?? false }).toEqual({ id: c.id, status: 'pass', cached: false });
}

/** One failing or erroring check, exit 1, ok:false; returns the check for further assertions. */
export function expectNotOk(run: Run, id: string, status: 'fail' | 'error') {
  expect(run.code).toBe(1);
  expect(run.env.ok).toBe(false);
  const c = run.env.result.checks?.find((x) => x.id === id);
  expect(c, `no check ${id} in ${run.stdout.slice(0, 2000)}`).toBeDefined();
  expect({ id, status: c!.status }).toEqual({ id, status });
  return c!;
}

/** A change to the single fixture (a runtime export and a test for it) whose checks all pass. */
export function singleChange(dir: string, name = 'twice'): void {
  append(dir, 'src/index.ts', `\nexport const ${name} = (n: number): number => n * 2;\n`);
  const test = readFileSync(join(dir, 'test/index.test.ts'), 'utf8');
  writeFileSync(join(dir, 'test/index.test.ts'), `import { ${name} } from '../src/index';\n${test}\nit('${name}', () => {\n  expect(${name}(2)).toBe(4);\n});\n`);
}

/**
 * Install a broken tool in the target repo: node_modules/<pkg> (a symlink to the harness's own install in
 * fixtures) becomes a real package whose `bin` is `script`. That IS the fault, not a mock: harness drives
 * the repo's own installed tool, and this is what a broken or hostile install looks like to it.
 */
export function fakeTool(dir: string, pkg: string, bin: string, script: string, version = '1.0.0'): void {
  const pkgDir = join(dir, 'node_modules', pkg);
  rmSync(pkgDir, { recursive: true, force: true });
  mkdirSync(pkgDir, { recursive: true });
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: pkg, version, type: 'module', bin: { [bin]: 'bin.js' } }));
  writeFileSync(join(pkgDir, 'bin.js'), script);
  chmodSync(join(pkgDir, 'bin.js'), 0o755);
}

/** The target without tsgo (@typescript/native-preview), so typecheck drives its tsc. */
export function noTsgo(dir: string): string {
  removeTool(dir, '@typescript/native-preview');
  return dir;
}

/** Uninstall a tool from the target repo. */
export function removeTool(dir: string, pkg: string): void {
  rmSync(join(dir, 'node_modules', pkg), { recursive: true, force: true });
}

/** Fake tool snippet: the value of `--flag value` or `--flag=value` in the tool's argv. */
export const ARG = `const arg = (f) => { const a = process.argv; const i = a.indexOf(f); if (i >= 0) return a[i + 1]; const e = a.find((x) => x.startsWith(f + '=')); return e && e.slice(f.length + 1); };\n`;

/** Every file named `pwned` under the given directories (what a shell injection in a scenario would create). */
export function pwnedFiles(...dirs: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const path = join(dir, e.name);
      if (e.name === 'pwned' || e.name.startsWith('pwned')) found.push(path);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(path);
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return found;
}

export { tempDir };
