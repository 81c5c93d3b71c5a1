import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll } from 'vitest';
import { applyFault, gitInit, materialize, readFaults } from '../scripts/fixture.js';
import { envelopeSchema } from '../src/envelope/schema.js';
import type { Envelope } from '../src/envelope/build.js';

export const BIN = fileURLToPath(new URL('../bin/harness.js', import.meta.url));
const validate = new Ajv({ strict: true }).compile(envelopeSchema);

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

export function tempDir(prefix = 'harness-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export type Fixture = 'demo' | 'rootcfg' | 'pnpm' | 'single' | 'refs' | 'testscfg' | 'declbase' | 'mono' | 'biome' | 'oxlint' | 'nolint' | 'current' | 'lock-npm' | 'lock-pnpm' | 'lock-yarn' | 'lock-yarn1';

/** A fresh copy of a fixture workspace, committed on `main` in a new git repo (`options`: other packages linked in, see scripts/fixture.js). */
export function workspace(name: Fixture = 'demo', options?: { link?: Record<string, string>; omit?: string[]; toolchain?: string }): string {
  const dir = tempDir(`harness-${name}-`);
  materialize(name, dir, options);
  gitInit(dir);
  return dir;
}

/** Apply a fault recipe of a fixture's README (`### <id>` under `## Faults`) to a copy of it. */
export function fault(dir: string, fixture: Fixture, id: string): void {
  const recipe = readFaults(fixture).faults.find((f: { id: string }) => f.id === id);
  if (!recipe) throw new Error(`fixture ${fixture} has no fault ${id}`);
  applyFault(dir, recipe);
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function commitAll(dir: string, message = 'change'): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

export function write(dir: string, rel: string, text: string): void {
  writeFileSync(join(dir, rel), text);
}

export function append(dir: string, rel: string, text: string): void {
  writeFileSync(join(dir, rel), readFileSync(join(dir, rel), 'utf8') + text);
}

export interface Run {
  code: number | null;
  env: Envelope;
  stdout: string;
  stderr: string;
}

/** Assert stdout is exactly one envelope that validates against the published schema, and return it. */
export function parseEnvelope(stdout: string): Envelope {
  const env = JSON.parse(stdout) as Envelope;
  if (!validate(env)) throw new Error(`envelope does not match its schema: ${JSON.stringify(validate.errors)}\n${stdout}`);
  return env;
}

/**
 * Run the built CLI. Every envelope any test sees is validated against the schema here. `node`: the Node
 * that runs it (the current stack's Node 24), else this one.
 */
export function harness(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; node?: string } = {}): Run {
  const res = spawnSync(opts.node ?? process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: res.status, env: parseEnvelope(res.stdout), stdout: res.stdout, stderr: res.stderr };
}

/** The same, asynchronously, with access to the child (for signals). */
export function harnessAsync(args: string[]): { child: ReturnType<typeof spawn>; done: Promise<Run & { signal: NodeJS.Signals | null }> } {
  // A signal that lands while node itself is still starting kills it before any handler exists: then
  // there is no envelope (and nothing was done). Every other ending must print exactly one envelope.
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Run & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ code, signal, env: stdout === '' && signal !== null ? (null as unknown as Envelope) : parseEnvelope(stdout), stdout, stderr }),
    ),
  );
  return { child, done };
}

/** Is a process still running? A zombie (exited, not yet reaped by init) counts as gone. */
export function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

export function checkIds(run: Run): string[] {
  return (run.env.result.checks ?? []).map((c) => c.id).sort();
}

export function check(run: Run, id: string) {
  const c = run.env.result.checks?.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${run.stdout}`);
  return c;
}

/** A realistic leaf change in the demo's cli package: a runtime export and a test for it. */
export function leafEdit(dir: string, name = 'DEFAULT_DEPTH'): void {
  append(dir, 'packages/cli/src/args.ts', `\nexport const ${name} = 3;\n`);
  append(dir, 'packages/cli/test/args.test.ts', `\nimport { ${name} } from '../src/args';\n\nit('has ${name}', () => {\n  expect(${name}).toBe(3);\n});\n`);
}

/** The ids of the per-scope checks (lint/typecheck/test) of a run. */
export function scopeCheckIds(run: Run): string[] {
  return checkIds(run).filter((id) => /^(lint|typecheck|test):/.test(id));
}

export const GUARDS = ['boundaries', 'changed_tests', 'file_size', 'graph', 'suppressions'];

/** How next_actions spell the harness when it is run from this checkout. */
export const PREFIX = `node ${BIN}`;
