import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../src/envelope/next-actions.js';
import { append, BIN, tempDir, workspace } from './helpers.js';

function failing(): string {
  const dir = workspace();
  append(dir, 'packages/cli/src/args.ts', '\nexport const bad: number = "x";\n');
  append(dir, 'packages/cli/test/args.test.ts', "\nit('x', () => {\n  expect(1).toBe(2);\n});\n");
  return dir;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const res = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Run under a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function inTty(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['NO_COLOR', 'CLAUDECODE', 'AI_AGENT', 'CURSOR_AGENT', 'GEMINI_CLI'].includes(k) && !k.startsWith('CODEX_')));
  return spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...clean, ...env } }).stdout;
}

describe('views of the one envelope', () => {
  it('github: annotations with file, line and column for each failure, a summary line, and a job summary', () => {
    const dir = failing();
    const summary = join(tempDir(), 'summary.md');
    const out = run(['loop', '--cwd', dir, '--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expect(out.code).toBe(1);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toContain("::error file=packages/cli/src/args.ts,line=18,col=14,title=typecheck%3Acli::TS2322: Type 'string' is not assignable to type 'number'.");
    expect(lines.some((l) => /^::error file=packages\/cli\/test\/args\.test\.ts,line=19,col=\d+,title=test%3Acli::x: AssertionError/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^::notice title=harness loop::NOT OK — \d+ passed, 2 failed/);
    expect(readFileSync(summary, 'utf8')).toMatch(/\| typecheck:cli \| fail \|/);
  });

  it('github: at most 10 annotations per check', () => {
    const dir = workspace();
    const print = "for (let i = 0; i < 30; i++) console.log('src/f.ts:' + (i + 1) + ':1 boom'); process.exitCode = 1;";
    append(dir, 'harness.toml', `\n[output]\nmax_details = 30\n[[checks.command]]\nid = "many"\nrun = ["node", "-e", ${JSON.stringify(print)}]\n`);
    const out = run(['gate', '--cwd', dir, '--only', 'command:many', '--format', 'github']);
    expect(out.stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(10);
  });

  it('sarif: a valid SARIF 2.1.0 log with stable rule ids and fingerprints', () => {
    const dir = failing();
    const first = JSON.parse(run(['loop', '--cwd', dir, '--format', 'sarif']).stdout) as { runs: { results: { ruleId: string; partialFingerprints: object }[] }[] };
    const schema = JSON.parse(readFileSync(new URL('./data/sarif-2.1.0.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    // The published schema is draft-04: drop its meta-schema, and its `id`, for ajv's draft-07 core.
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const validate = new Ajv({ strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);
    expect(validate(first), JSON.stringify(validate.errors)).toBe(true);
    const results = first.runs[0]!.results;
    // Code scanning rejects results without a location: a detail with none points at its file or harness.toml.
    expect(results.every((r) => (r as { locations?: unknown[] }).locations?.length === 1)).toBe(true);
    expect(results.map((r) => r.ruleId).sort()).toEqual(['test:cli', 'typecheck:cli']);
    const second = JSON.parse(run(['loop', '--cwd', dir, '--format', 'sarif']).stdout) as typeof first;
    expect(second.runs[0]!.results.map((r) => r.partialFingerprints)).toEqual(results.map((r) => r.partialFingerprints));
  });

  it('text: colour and progress on a TTY; none with NO_COLOR or when an agent runs it', () => {
    const dir = failing();
    const tty = inTty(['loop', '--cwd', dir, '--format', 'text']);
    expect(tty).toContain('\x1b[31;1mNOT OK\x1b[0m');
    expect(tty).toMatch(/harness loop: \[8\/8\]/);
    const noColour = inTty(['loop', '--cwd', dir, '--format', 'text'], { NO_COLOR: '1' });
    expect(noColour).not.toContain('\x1b[');
    expect(noColour).toMatch(/NOT OK/);
    const agent = inTty(['loop', '--cwd', dir], { CLAUDECODE: '1' });
    expect(agent).not.toContain('\x1b[');
    expect(agent).not.toMatch(/\[8\/8\]/);
    expect(JSON.parse(agent.trim()).ok).toBe(false);
    const gemini = inTty(['loop', '--cwd', dir, '--format', 'text'], { GEMINI_CLI: '1' }); // set in Gemini CLI's shell commands
    expect(gemini).not.toContain('\x1b[');
    expect(gemini).not.toMatch(/\[8\/8\]/);
    expect(gemini).toMatch(/NOT OK/);
  });
});
