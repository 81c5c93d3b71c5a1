import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffGraphs } from '../src/scope/lockfiles/graph.js';
import { npmGraph } from '../src/scope/lockfiles/npm.js';
import { pnpmGraph } from '../src/scope/lockfiles/pnpm.js';
import { parseYarnV1 } from '../src/scope/lockfiles/yarn-v1.js';
import { commitAll, harness, workspace, write, type Fixture } from './helpers.js';

// The lock-* fixtures are one workspace in four package managers: core ← api (debug → ms) ← web
// (picocolors), and cli on core; the root's own devDependency is typescript. Each edit below is what
// the package manager writes for the change.

function scopeOf(dir: string) {
  const run = harness(['scope', '--cwd', dir]);
  expect(run.code).toBe(0);
  return run.env.result.scope!;
}

/** Replaces text the fixture must hold (a missing one is a broken test, not a no-op). */
function edit(dir: string, rel: string, ...pairs: [string | RegExp, string | ((match: string) => string)][]): void {
  let text = readFileSync(join(dir, rel), 'utf8');
  for (const [from, to] of pairs) {
    const next = typeof to === 'string' ? text.replace(from, to) : text.replace(from, to);
    if (next === text) throw new Error(`${rel} has no ${String(from)}`);
    text = next;
  }
  writeFileSync(join(dir, rel), text);
}

type Manifest = Record<string, unknown>;
type PackageLock = { packages: Record<string, Record<string, unknown>> };

/** Rewrites a JSON file as npm does (two-space indent, a final newline). */
function editJson<T>(dir: string, rel: string, change: (doc: T) => void): void {
  const doc = JSON.parse(readFileSync(join(dir, rel), 'utf8')) as T;
  change(doc);
  writeFileSync(join(dir, rel), `${JSON.stringify(doc, null, 2)}\n`);
}

const DEBUG_437 = 'sha512-Er2nc/H7RrMXZBFCEim6TCmMk02Z8vLC2Rbi1KEBggpo0fS6l0S1nnapwmIi3yW/+GOJap1Krg4w0Hg80oCqgQ==';
const MS_213 = 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==';
const MS_212 = 'sha512-sGkPx+VjMtmA6MX27oA4FBFELFCZZ4S4XqeGOXCv68tT+jb3vk/RyaKWP0PTKyWtmLSM0b+adUTEvbs1PEaH2w==';
const DEBUG_436 = 'sha512-O/09Bd4Z1fBrU4VzkhFqVgpPzaGbw6Sm9FEkBT1A/YBXQFGuuSxa1dN2nxgxS34JmKXqYx8CZAwEVoJFImUXIg==';

interface Format {
  fixture: Fixture;
  lockfile: string;
  /** `debug` 4.3.6 → 4.3.7 within api's `^4.3.6` (and its `ms` 2.1.2 → 2.1.3): a lockfile-only update. */
  bumpDebug(dir: string): void;
  /** `ms` forced to 2.1.3 for the whole tree (npm `overrides`, pnpm `overrides`, yarn `resolutions`). */
  overrideMs(dir: string): void;
  overrideReason: string;
}

const npmMs213 = (doc: PackageLock) =>
  Object.assign(doc.packages['node_modules/ms']!, { version: '2.1.3', resolved: 'https://registry.npmjs.org/ms/-/ms-2.1.3.tgz', integrity: MS_213 });

const FORMATS: Format[] = [
  {
    fixture: 'lock-npm',
    lockfile: 'package-lock.json',
    bumpDebug: (dir) =>
      editJson<PackageLock>(dir, 'package-lock.json', (doc) => {
        Object.assign(doc.packages['node_modules/debug']!, { version: '4.3.7', resolved: 'https://registry.npmjs.org/debug/-/debug-4.3.7.tgz', integrity: DEBUG_437, dependencies: { ms: '^2.1.3' } });
        npmMs213(doc);
      }),
    overrideMs: (dir) => {
      editJson<Manifest>(dir, 'package.json', (doc) => (doc.overrides = { ms: '2.1.3' }));
      editJson(dir, 'package-lock.json', npmMs213);
    },
    overrideReason: 'package.json overrides',
  },
  {
    fixture: 'lock-pnpm',
    lockfile: 'pnpm-lock.yaml',
    bumpDebug: (dir) =>
      edit(
        dir,
        'pnpm-lock.yaml',
        ['specifier: ^4.3.6\n        version: 4.3.6', 'specifier: ^4.3.6\n        version: 4.3.7'],
        [`  debug@4.3.6:\n    resolution: {integrity: ${DEBUG_436}}`, `  debug@4.3.7:\n    resolution: {integrity: ${DEBUG_437}}`],
        [`  ms@2.1.2:\n    resolution: {integrity: ${MS_212}}`, `  ms@2.1.3:\n    resolution: {integrity: ${MS_213}}`],
        ['  debug@4.3.6:\n    dependencies:\n      ms: 2.1.2', '  debug@4.3.7:\n    dependencies:\n      ms: 2.1.3'],
        ['  ms@2.1.2: {}', '  ms@2.1.3: {}'],
      ),
    overrideMs: (dir) => {
      editJson<Manifest>(dir, 'package.json', (doc) => (doc.pnpm = { overrides: { ms: '2.1.3' } }));
      edit(
        dir,
        'pnpm-lock.yaml',
        ['\nimporters:', '\noverrides:\n  ms: 2.1.3\n\nimporters:'],
        [`  ms@2.1.2:\n    resolution: {integrity: ${MS_212}}`, `  ms@2.1.3:\n    resolution: {integrity: ${MS_213}}`],
        ['      ms: 2.1.2', '      ms: 2.1.3'],
        ['  ms@2.1.2: {}', '  ms@2.1.3: {}'],
      );
    },
    overrideReason: 'overrides, package.json pnpm.overrides',
  },
  {
    fixture: 'lock-yarn',
    lockfile: 'yarn.lock',
    bumpDebug: (dir) =>
      edit(
        dir,
        'yarn.lock',
        ['  version: 4.3.6\n  resolution: "debug@npm:4.3.6"\n  dependencies:\n    ms: "npm:2.1.2"', '  version: 4.3.7\n  resolution: "debug@npm:4.3.7"\n  dependencies:\n    ms: "npm:^2.1.3"'],
        [/checksum: 10c0\/042f5e\w+/, 'checksum: 10c0/5ea3c1a9d8c4b2e7f6a0918273645f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6'],
        ['"ms@npm:2.1.2":\n  version: 2.1.2\n  resolution: "ms@npm:2.1.2"', '"ms@npm:^2.1.3":\n  version: 2.1.3\n  resolution: "ms@npm:2.1.3"'],
      ),
    overrideMs: (dir) => {
      editJson<Manifest>(dir, 'package.json', (doc) => (doc.resolutions = { ms: '2.1.3' }));
      edit(dir, 'yarn.lock', ['"ms@npm:2.1.2":\n  version: 2.1.2\n  resolution: "ms@npm:2.1.2"', '"ms@npm:2.1.3":\n  version: 2.1.3\n  resolution: "ms@npm:2.1.3"'], ['ms: "npm:2.1.2"', 'ms: "npm:2.1.3"']);
    },
    overrideReason: 'package.json resolutions',
  },
  {
    fixture: 'lock-yarn1',
    lockfile: 'yarn.lock',
    bumpDebug: (dir) =>
      edit(
        dir,
        'yarn.lock',
        [/debug@\^4\.3\.6:\n(?:  .*\n)+    ms "2\.1\.2"\n/, `debug@^4.3.6:\n  version "4.3.7"\n  resolved "https://registry.yarnpkg.com/debug/-/debug-4.3.7.tgz#87945b4151a011d76d95a198d7111c865c360a52"\n  integrity ${DEBUG_437}\n  dependencies:\n    ms "^2.1.3"\n`],
        [/ms@2\.1\.2:\n(?:  .*\n)+/, `ms@^2.1.3:\n  version "2.1.3"\n  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz#574c8138ce1d2b5861f0b44579dbadd60c6615b2"\n  integrity ${MS_213}\n`],
      ),
    overrideMs: (dir) => {
      editJson<Manifest>(dir, 'package.json', (doc) => (doc.resolutions = { ms: '2.1.3' }));
      edit(dir, 'yarn.lock', [/ms@2\.1\.2:\n(?:  .*\n)+/, `ms@2.1.2:\n  version "2.1.3"\n  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz#574c8138ce1d2b5861f0b44579dbadd60c6615b2"\n  integrity ${MS_213}\n`]);
    },
    overrideReason: 'package.json resolutions',
  },
];

/** An unresolved merge conflict in the lockfile, as `git merge` leaves it. */
function conflict(dir: string, lockfile: string): void {
  edit(dir, lockfile, [/^.*4\.3\.6.*$/m, (line) => `<<<<<<< HEAD\n${line}\n=======\n${line.replace('4.3.6', '4.3.7')}\n>>>>>>> bump-debug`]);
}

describe.each(FORMATS)('lockfile-aware scoping: $fixture ($lockfile)', (f) => {
  it('a version bump of a dependency only api uses → api and its dependent web, the lockfile the changed file', () => {
    const dir = workspace(f.fixture);
    f.bumpDebug(dir);
    expect(scopeOf(dir)).toEqual(
      expect.objectContaining({ mode: 'scoped', full_reason: null, changed_files: [f.lockfile], changed_scopes: ['api'], expanded_scopes: ['api', 'web'] }),
    );
  });

  it('an override of a transitive dependency → full, naming the setting', () => {
    const dir = workspace(f.fixture);
    f.overrideMs(dir);
    const scope = scopeOf(dir);
    expect(scope.mode).toBe('full');
    expect(scope.full_reason).toBe(`lockfile ${f.lockfile}: root resolution settings changed (${f.overrideReason}): any package may resolve differently`);
    expect(scope.expanded_scopes).toEqual(['api', 'cli', 'core', 'web']);
  });

  it('a corrupt lockfile (an unresolved merge conflict) → full, naming the lockfile and the side', () => {
    const dir = workspace(f.fixture);
    conflict(dir, f.lockfile);
    const scope = scopeOf(dir);
    expect(scope.mode).toBe('full');
    expect(scope.full_reason).toMatch(new RegExp(`^lockfile ${f.lockfile.replace('.', '\\.')} cannot be parsed \\(work tree\\): .+`));
  });

  it('a tooling bump of the root package (typescript) → full: no scope owns the root', () => {
    const dir = workspace(f.fixture);
    edit(dir, f.lockfile, [/(?<!\^)5\.6\.3/g, '5.7.2']);
    expect(scopeOf(dir).full_reason).toMatch(
      /^lockfile \S+: (?:the changed package "typescript@[^"]+"(?: \(and \d+ more\))? is a dependency of the root package, which no scope owns|the direct dependencies of the root package changed, and no scope owns it)$/,
    );
  });
});
