// Fault matrix, TypeScript layouts: the shapes real repositories have (composite project references with
// stale or missing outputs, a tests tsconfig beside a src-only root one, an emitDeclarationOnly base on
// TypeScript 5.2, TypeScript 7's native tsc). Each runs the real compilers on a fixture (fixtures/refs,
// testscfg, declbase, oxlint); none may end in a false green, and an untouched tree must be green.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, commitAll, fault, git, harness, workspace } from '../helpers.js';
import { expectNotOk } from './support.js';

const TYPECHECKS = 'typecheck:app,typecheck:core,typecheck:util';

/** The user's own build (`tsc -b` at the root), as a developer of the refs fixture runs it. */
function userBuild(dir: string): void {
  execFileSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: dir, stdio: 'pipe' });
}

/** A digest of every file under the packages' out-tsc/ directories (the user's build output). */
function outputs(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(`${p}\0${statSync(p).mtimeMs}\0`).update(readFileSync(p));
    }
  };
  for (const pkg of ['app', 'core', 'util']) if (existsSync(join(dir, 'packages', pkg, 'out-tsc'))) walk(join(dir, 'packages', pkg, 'out-tsc'));
  return h.digest('hex');
}

describe('layouts', () => {
  for (const ts of ['6', '7'] as const) {
    it(`project references with stale outputs (built, then a dependency's return type widened; TypeScript ${ts}) → typecheck of the dependent fails at its file and line; the user's outDir is byte-identical; reverted → green`, () => {
      const dir = workspace('refs', ts === '7' ? { link: { typescript: 'typescript-7' } } : undefined);
      userBuild(dir);
      const before = outputs(dir);
      fault(dir, 'refs', 'widen-first');
      const run = harness(['loop', '--cwd', dir, '--only', TYPECHECKS]);
      const c = expectNotOk(run, 'typecheck:core', 'fail');
      expect(c.details).toEqual([expect.stringMatching(/^packages\/core\/src\/stats\.ts:6:44 TS18048: 'start' is possibly 'undefined'\.$/)]);
      expect(check(run, 'typecheck:util').status).toBe('pass');
      expect(check(run, 'typecheck:app').status).toBe('pass'); // core's error is core's: app compiles no file of it as its own
      expect(outputs(dir)).toBe(before);
      expect(git(dir, 'status', '--porcelain')).toBe(' M packages/util/src/array.ts\n');
      git(dir, 'checkout', '-q', '--', '.');
      const green = harness(['gate', '--cwd', dir, '--only', TYPECHECKS]);
      expect({ code: green.code, statuses: green.env.result.checks!.map((k) => k.status) }).toEqual({ code: 0, statuses: ['pass', 'pass', 'pass'] });
      expect(outputs(dir)).toBe(before);
    });
  }

  it('project references never built (no out-tsc at all) → the dependent still fails on the widened type, and no output appears in the tree', () => {
    const dir = workspace('refs');
    const untouched = harness(['gate', '--cwd', dir, '--only', TYPECHECKS]);
    expect(untouched.code).toBe(0);
    fault(dir, 'refs', 'widen-first');
    const run = harness(['loop', '--cwd', dir, '--only', TYPECHECKS]);
    expect(expectNotOk(run, 'typecheck:core', 'fail').details).toEqual([expect.stringMatching(/^packages\/core\/src\/stats\.ts:6:44 TS18048/)]);
    expect(['app', 'core', 'util'].filter((p) => existsSync(join(dir, 'packages', p, 'out-tsc')))).toEqual([]);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe(' M packages/util/src/array.ts\n');
  });

  it('a type error in a test file only tests/tsconfig.json compiles (the root tsconfig includes src/ only) → typecheck:. fails at that file', () => {
    const dir = workspace('testscfg');
    fault(dir, 'testscfg', 'test-type-error');
    const c = expectNotOk(harness(['loop', '--cwd', dir, '--only', 'typecheck:.']), 'typecheck:.', 'fail');
    expect(c.details).toEqual([expect.stringMatching(/^tests\/parse\.test\.ts:6:\d+ TS2322/)]);
  });

  it('a changed TypeScript file that no tsconfig compiles → typecheck:. fails naming it (never a silent pass)', () => {
    const dir = workspace('testscfg');
    writeFileSync(join(dir, 'scripts.ts'), 'export const release: number = "soon";\n');
    const c = expectNotOk(harness(['loop', '--cwd', dir, '--only', 'typecheck:.']), 'typecheck:.', 'fail');
    expect(c.details).toEqual(['scripts.ts: changed, but no tsconfig compiles it: its types are not checked (add it to the include of a tsconfig, or see [typecheck] tsconfigs)']);
  });

  it('emitDeclarationOnly in the base tsconfig on TypeScript 5.2 (TS5053 beside --noEmit) → untouched typecheck green; a real type error still fails', () => {
    const dir = workspace('declbase');
    const green = harness(['gate', '--cwd', dir, '--only', 'typecheck:client,typecheck:schema']);
    expect({ code: green.code, details: green.env.result.checks!.flatMap((c) => c.details) }).toEqual({ code: 0, details: [] });
    fault(dir, 'declbase', 'schema-field');
    const run = harness(['gate', '--cwd', dir, '--only', 'typecheck:client,typecheck:schema']);
    expect(expectNotOk(run, 'typecheck:client', 'fail').details).toEqual([expect.stringMatching(/^packages\/client\/test\/client\.test\.ts:7:\d+ TS2345/)]);
  });

  it('TypeScript 7 (native tsc) with an option it removed (baseUrl) → typecheck:. fails naming the option in the tsconfig, no fallback compiler', () => {
    const dir = workspace('oxlint'); // on typescript-7 (fixtures/oxlint/fixture.json)
    const tsconfig = join(dir, 'tsconfig.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace('"compilerOptions": {', '"compilerOptions": { "baseUrl": ".",'));
    const run = harness(['loop', '--cwd', dir, '--only', 'typecheck:.']);
    const c = expectNotOk(run, 'typecheck:.', 'fail');
    expect(c.details).toEqual([expect.stringMatching(/^tsconfig\.json:\d+:\d+ TS5102: Option 'baseUrl' has been removed\. Please remove it from your configuration\./)]);
    expect(readFileSync(join(dir, c.log!), 'utf8').split('hold the line: ')[0]!.match(/^\$ /gm)).toHaveLength(1);
  });

  it('a package whose `types` point at its built dist/ (no rootDir: TypeScript infers src/), built once, then its type changed → the dependent fails, never green against the stale .d.ts (TypeScript 5.2)', () => {
    const dir = workspace('declbase');
    const pkg = join(dir, 'packages/schema');
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...manifest, types: 'dist/index.d.ts' }, null, 2));
    writeFileSync(join(pkg, 'tsconfig.json'), '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "outDir": "dist" }, "include": ["src"] }\n');
    writeFileSync(join(pkg, 'tsconfig.test.json'), '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "noEmit": true, "emitDeclarationOnly": false }, "include": ["src", "test"] }\n');
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\ndist/\n');
    execFileSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', pkg], { cwd: dir, stdio: 'pipe' });
    commitAll(dir, 'built types');
    fault(dir, 'declbase', 'schema-field');
    const run = harness(['loop', '--cwd', dir, '--only', 'typecheck:client']);
    expect(expectNotOk(run, 'typecheck:client', 'fail').details).toEqual([expect.stringMatching(/^packages\/client\/test\/client\.test\.ts:7:\d+ TS2345/)]);
  });

  it('a file outside the rootDir a referenced project sets (include widened past it) → TS6059 as tsc reports it, though the shadow moves rootDir', () => {
    const dir = workspace('refs');
    mkdirSync(join(dir, 'packages/util/shared'));
    writeFileSync(join(dir, 'packages/util/shared/version.ts'), "export const version = '1';\n");
    const lib = join(dir, 'packages/util/tsconfig.lib.json');
    writeFileSync(lib, readFileSync(lib, 'utf8').replace('"include": ["src"]', '"include": ["src", "shared"]'));
    const c = expectNotOk(harness(['loop', '--cwd', dir, '--only', 'typecheck:util']), 'typecheck:util', 'fail');
    expect(c.details.some((d) => d.includes('TS6059') && d.includes('shared/version.ts'))).toBe(true);
  });

  it('a tsconfig that compiles only files no scope owns (scripts/tsconfig.json) with a type error → gate fails on it (the first scope checks orphan tsconfigs)', () => {
    const dir = workspace('rootcfg');
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts/tsconfig.json'), '{ "extends": "../tsconfig.json", "include": ["."] }\n');
    writeFileSync(join(dir, 'scripts/report.ts'), "export const bad: number = 'x';\n");
    const run = harness(['gate', '--cwd', dir]);
    expect(run.code).toBe(1);
    expect(run.env.result.checks!.flatMap((c) => c.details)).toContain("scripts/report.ts:1:14 TS2322: Type 'string' is not assignable to type 'number'.");
  });

  it("one package's `types` pointing into its outDir → other packages are still checked as their own tsconfig says (no declaration errors their own compile never reports)", () => {
    const dir = workspace('demo');
    const np = join(dir, 'packages/numpy-lite');
    const manifest = JSON.parse(readFileSync(join(np, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(np, 'package.json'), JSON.stringify({ ...manifest, types: 'dist/src/index.d.ts' }, null, 2));
    writeFileSync(join(np, 'tsconfig.json'), '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "outDir": "dist", "rootDir": "." }, "include": ["src", "test"] }\n');
    commitAll(dir, 'numpy-lite builds its types');
    writeFileSync(join(dir, 'packages/cli/src/args.ts'), `${readFileSync(join(dir, 'packages/cli/src/args.ts'), 'utf8')}\nexport const Box = class { private v = 1; get value(): number { return this.v; } };\n`);
    expect(check(harness(['loop', '--cwd', dir, '--only', 'typecheck:cli', '--no-cache']), 'typecheck:cli').status).toBe('pass');
  });
});
