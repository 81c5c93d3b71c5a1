import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { append, BIN, workspace } from './helpers.js';

/** Feed a recorded hook payload (test/hooks/*.json, cwd filled in) to `harness hook <agent>`. */
function hook(agent: string, dir: string, patch: Record<string, unknown> = {}, args: string[] = []) {
  const recorded = readFileSync(new URL(`./hooks/${agent}-stop.json`, import.meta.url), 'utf8').replaceAll('__CWD__', dir);
  const input = JSON.stringify({ ...(JSON.parse(recorded) as object), ...patch });
  const res = spawnSync(process.execPath, [BIN, 'hook', agent, ...args], { input, encoding: 'utf8' });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function failing(): string {
  const dir = workspace();
  append(dir, 'packages/cli/src/args.ts', '\nexport const bad: number = "x";\n');
  append(dir, 'packages/cli/test/args.test.ts', "\nit('still', () => {\n  expect(1).toBe(1);\n});\n");
  return dir;
}

const REASON = /^harness loop failed: typecheck:cli: packages\/cli\/src\/args\.ts:\d+:14 TS2322: Type 'string' is not assignable to type 'number'\./;

describe('stop-hook adapters, fed recorded payloads', () => {
  it('claude: a failing loop blocks with exit 2 and the first detail on stderr; stop_hook_active never blocks twice', () => {
    const dir = failing();
    const blocked = hook('claude', dir);
    expect(blocked).toMatchObject({ code: 2, stdout: '' });
    expect(blocked.stderr).toMatch(REASON);
    expect(hook('claude', dir, { stop_hook_active: true })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('codex blocks with a decision JSON; cursor with a followup_message', () => {
    const dir = failing();
    const codex = hook('codex', dir);
    expect(codex.code).toBe(0);
    expect(JSON.parse(codex.stdout)).toEqual({ decision: 'block', reason: expect.stringMatching(REASON) });
    expect(hook('codex', dir, { stop_hook_active: true })).toEqual({ code: 0, stdout: '', stderr: '' });
    const cursor = hook('cursor', dir);
    expect(cursor.code).toBe(0);
    expect(JSON.parse(cursor.stdout)).toEqual({ followup_message: expect.stringMatching(REASON) });
  });

  it('a payload cwd inside the repository verifies the whole repository; outside any repository it lets the agent stop', () => {
    const dir = failing();
    const sub = hook('claude', `${dir}/packages/core`);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(REASON);
    expect(hook('claude', '/nonexistent/dir')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('deferred checks did not run: the hook keeps the agent working until they do', () => {
    const dir = workspace();
    append(dir, 'harness.toml', '\n[[checks.command]]\nid = "slow"\nrun = ["node", "-e", "setTimeout(() => {}, 30000)"]\n');
    append(dir, 'README.md', 'x\n');
    append(dir, 'packages/cli/src/args.ts', '\nexport const later = 1;\n');
    append(dir, 'packages/cli/test/args.test.ts', "\nit('later', () => {\n  expect(1).toBe(1);\n});\n");
    const res = hook('claude', dir, {}, ['--budget', '2']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^harness loop ran out of budget: .*command:slow.* did not run\. Run: .* loop --only /);
  });

  it('a green loop lets the agent stop; the same failure stops blocking after --max-blocks; bad input is a non-blocking error', () => {
    const green = workspace();
    expect(hook('claude', green)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(JSON.parse(hook('cursor', green).stdout)).toEqual({});
    const dir = failing();
    expect(hook('claude', dir, {}, ['--max-blocks', '2']).code).toBe(2);
    expect(hook('claude', dir, {}, ['--max-blocks', '2']).code).toBe(2);
    expect(hook('claude', dir, {}, ['--max-blocks', '2']).code).toBe(0);
    for (const input of ['not json', 'null', '{"cwd": 5}']) {
      const res = spawnSync(process.execPath, [BIN, 'hook', 'claude'], { input, encoding: 'utf8' });
      expect(res.status).toBe(1); // a non-blocking hook error: never a block without a reason
      expect(res.stderr).toMatch(/^harness hook: /);
    }
  });
});
