import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import toml from 'toml';
import { describe, expect, it } from 'vitest';
import { commitAll, git, harness, tempDir, workspace, write } from './helpers.js';

interface Parsed {
  base?: string;
  scope: { path_map: Record<string, string>; dependencies: Record<string, string[]>; test_dependencies?: Record<string, string[]> };
}

/** The workspace graph as the manifests declare it: scope (dir name) → workspace packages it depends on. */
function manifestGraph(dir: string, names: string[]): Record<string, string[]> {
  const byName = new Map(names.map((n) => [JSON.parse(readFileSync(join(dir, 'packages', n, 'package.json'), 'utf8')).name as string, n]));
  return Object.fromEntries(
    names.map((n) => {
      const m = JSON.parse(readFileSync(join(dir, 'packages', n, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      return [n, Object.keys(m.dependencies ?? {}).map((d) => byName.get(d)!)];
    }),
  );
}

const PACKAGES = ['app', 'cli', 'core', 'math', 'numpy-lite', 'text'];

function withoutConfig(): string {
  const dir = workspace();
  rmSync(join(dir, 'harness.toml'));
  commitAll(dir, 'no harness.toml');
  return dir;
}

describe('harness init on fixtures a new user could have', () => {
  it.each([
    ['pnpm', { 'packages/api/': 'api', 'packages/shared/': 'shared', 'packages/web/': 'web' }, { api: ['shared'], shared: [], web: ['api', 'shared'] }, { shared: ['api'] }],
    ['single', { '.': '.' }, { '.': [] }, undefined],
  ] as const)('%s: the generated config matches the manifests and its gate is green on the untouched tree', (name, pathMap, deps, testDeps) => {
    const dir = workspace(name);
    const init = harness(['init', '--cwd', dir]);
    expect(init.code).toBe(0);
    const cfg = toml.parse(readFileSync(join(dir, 'harness.toml'), 'utf8')) as Parsed;
    expect(cfg.scope.path_map).toEqual(pathMap);
    expect(cfg.scope.dependencies).toEqual(deps);
    expect(cfg.scope.test_dependencies).toEqual(testDeps);
    commitAll(dir, 'harness init');
    const gate = harness(['gate', '--cwd', dir]);
    expect(gate.env.result.checks!.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(gate.code).toBe(0);
    expect(harness(['loop', '--cwd', dir]).code).toBe(0);
  });
});

describe('harness init', () => {
  it('derives scopes and dependencies equal to the manifests, finds the test-only edge, writes, refuses to overwrite', () => {
    const dir = withoutConfig();
    const dry = harness(['init', '--cwd', dir, '--dry-run']);
    expect(dry.code).toBe(0);
    const cfg = toml.parse(dry.env.result.init!.config!) as Parsed;
    expect(cfg.scope.path_map).toEqual(Object.fromEntries(PACKAGES.map((p) => [`packages/${p}/`, p])));
    expect(cfg.scope.dependencies).toEqual(manifestGraph(dir, PACKAGES));
    expect(cfg.scope.test_dependencies).toEqual({ core: ['math'] });
    expect(git(dir, 'status', '--porcelain')).toBe('');

    const wrote = harness(['init', '--cwd', dir]);
    expect(wrote.env.result.init).toMatchObject({ written: true, scopes: 6, test_edges: 1 });
    expect(readFileSync(join(dir, 'harness.toml'), 'utf8')).toBe(dry.env.result.init!.config);
    expect(harness(['gate', '--cwd', dir, '--only', 'graph,boundaries']).code).toBe(0);

    const again = harness(['init', '--cwd', dir]);
    expect(again.code).toBe(2);
    expect(again.env.result.error).toMatchObject({ code: 'usage', key: '--force' });
    writeFileSync(join(dir, 'harness.toml'), '# mine\n');
    expect(harness(['init', '--cwd', dir, '--force']).code).toBe(0);
    expect(readFileSync(join(dir, 'harness.toml'), 'utf8')).toBe(dry.env.result.init!.config);
  });

  it('a pnpm workspace with workspace: versions gives the same graph', () => {
    const dir = withoutConfig();
    const root = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    delete root.workspaces;
    write(dir, 'package.json', JSON.stringify(root, null, 2));
    write(dir, 'pnpm-workspace.yaml', "packages:\n  - 'packages/*'\n");
    for (const p of PACKAGES) {
      const file = join(dir, 'packages', p, 'package.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/": "\*"/g, '": "workspace:*"'));
    }
    const cfg = toml.parse(harness(['init', '--cwd', dir, '--dry-run']).env.result.init!.config!) as Parsed;
    expect(cfg.scope.dependencies).toEqual(manifestGraph(dir, PACKAGES));
  });

  it('a single-package repo is one scope; the base comes from the remote HEAD when known', () => {
    const origin = tempDir();
    write(origin, 'package.json', '{ "name": "solo", "type": "module" }\n');
    write(origin, 'index.ts', 'export const one = 1;\n');
    git(origin, 'init', '-q', '-b', 'trunk');
    commitAll(origin, 'solo');
    const clone = join(tempDir(), 'clone');
    git(origin, 'clone', '-q', origin, clone);
    const cfg = toml.parse(harness(['init', '--cwd', clone, '--dry-run']).env.result.init!.config!) as Parsed;
    expect(cfg).toMatchObject({ base: 'origin/trunk', scope: { path_map: { '.': '.' }, dependencies: { '.': [] } } });
    harness(['init', '--cwd', clone]);
    const loop = harness(['loop', '--cwd', clone]);
    expect(loop.env.result.scope).toMatchObject({ base: 'origin/trunk', mode: 'full' }); // harness.toml is new: a global file
  });
});
