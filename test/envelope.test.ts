import { describe, expect, it, vi } from 'vitest';
import { boundChecks, clip } from '../src/envelope/build.js';
import type { CheckReport } from '../src/model.js';
import { nextActions, shellQuote } from '../src/envelope/next-actions.js';
import { harness, parseEnvelope, tempDir, workspace } from './helpers.js';
import { spawnSync } from 'node:child_process';
import { BIN } from './helpers.js';

const report = (id: string, status: CheckReport['status'], details: string[] = []): CheckReport => ({
  id,
  status,
  duration_ms: 1,
  findings: details.map((message) => ({ path: null, message })),
  log: null,
});

describe('envelope pieces', () => {
  it('clip keeps details within the limit, flattens newlines, never splits a surrogate pair', () => {
    expect(clip('a\n  b', 240)).toBe('a ⏎ b');
    expect(clip('x'.repeat(300), 240)).toHaveLength(240);
    const emoji = clip(`${'x'.repeat(238)}😀😀`, 240);
    expect(emoji.length).toBeLessThanOrEqual(240);
    expect(emoji.endsWith('x…')).toBe(true);
  });

  it('boundChecks orders fail, error, deferred, pass, skipped and keeps plan order within a status', () => {
    const out = boundChecks(
      [report('p1', 'pass'), report('d', 'deferred'), report('e', 'error'), report('f1', 'fail'), report('f2', 'fail')],
      { max_checks: 4, max_details: 1, max_detail_chars: 240, max_files: 50 },
    );
    expect(out.map((c) => c.id)).toEqual(['f1', 'f2', 'e', 'd']);
  });

  it('next_actions: failures first, then deferred, green loop → mutate, no change → says so', () => {
    const failing = nextActions('loop', 'harness', [report('a', 'fail'), report('b', 'deferred'), report('c', 'pass')], { noChange: false, only: false });
    expect(failing.map((a) => a.command)).toEqual(['harness loop --only a', 'harness loop --only b']);
    expect(nextActions('loop', 'harness', [report('c', 'pass')], { noChange: false, only: false })[0]!.command).toBe('harness mutate');
    expect(nextActions('loop', 'harness', [], { noChange: true, only: false })[0]!.description).toMatch(/nothing to check/);
    const only = nextActions('gate', 'harness', [report('c', 'pass')], { noChange: false, only: true })[0]!;
    expect(only).toEqual({ command: 'harness gate', description: expect.stringMatching(/selected checks passed; run the whole gate/) });
  });

  it('shellQuote makes hostile values inert for copy-paste', () => {
    expect(shellQuote('/tmp/a b')).toBe("'/tmp/a b'");
    expect(shellQuote("it's $(x)")).toBe(`'it'\\''s $(x)'`);
    expect(shellQuote('-rf')).toBe("'-rf'");
    expect(shellQuote('lint:core,test:core')).toBe('lint:core,test:core');
  });
});

describe('the CLI surface', () => {
  it('harness schema prints a JSON Schema; --version prints the version', () => {
    const schema = spawnSync(process.execPath, [BIN, 'schema'], { encoding: 'utf8' });
    expect(schema.status).toBe(0);
    expect(JSON.parse(schema.stdout)).toMatchObject({ title: 'harness envelope', required: expect.arrayContaining(['ok', 'next_actions']) });
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a usage error is still one envelope, exit 2', () => {
    const bad = harness(['loop', '--budget', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.env.result.error?.code).toBe('usage');
    expect(bad.env.result.error?.message).toMatch(/--budget/);
    const missing = harness(['loop', '--cwd', '/nonexistent/dir']);
    expect(missing.code).toBe(2);
    expect(missing.env.result.error).toMatchObject({ code: 'usage', key: '--cwd' });
    const none = harness([]);
    expect(none.code).toBe(2);
    expect(none.env.result.error?.message).toMatch(/no verb given/);
    const unknown = harness(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.env.command).toBe('harness');
  });

  it('--format text renders the same result for people', () => {
    const dir = workspace();
    const res = spawnSync(process.execPath, [BIN, 'loop', '--cwd', dir, '--format', 'text'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^harness loop: OK/);
    expect(res.stdout).toMatch(/next: node .* --cwd .* loop — No change/);
  });

  it('an internal crash is an envelope that validates, exit 2', async () => {
    // A harness bug cannot be produced for real on purpose: this is the one mocked fault.
    vi.resetModules();
    vi.doMock('../src/scope/resolve.js', () => ({
      resolveScope: () => {
        throw new TypeError('boom');
      },
    }));
    const { main } = await import('../src/cli/main.js');
    let stdout = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    const code = await main(['scope', '--cwd', tempDir()]);
    spy.mockRestore();
    vi.doUnmock('../src/scope/resolve.js');
    expect(code).toBe(2);
    const env = parseEnvelope(stdout);
    expect(env.ok).toBe(false);
    expect(env.result.error).toMatchObject({ code: 'internal', message: expect.stringContaining('TypeError: boom') });
  });
});
