import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, BIN, git, tempDir, workspace } from './helpers.js';

type Agent = 'claude' | 'codex' | 'cursor' | 'gemini';

/** A recorded hook payload (test/hooks/<name>.json) with its directory filled in and fields patched. */
function payload(name: string, dir: string, patch: Record<string, unknown> = {}): string {
  const recorded = readFileSync(new URL(`./hooks/${name}.json`, import.meta.url), 'utf8').replaceAll('__CWD__', dir);
  return JSON.stringify({ ...(JSON.parse(recorded) as object), ...patch });
}

/** `harness hook <agent>` with this stdin, run from `cwd` (where an unusable payload's guard state goes). */
function run(agent: Agent, input: string, args: string[] = [], cwd = process.cwd()) {
  const res = spawnSync(process.execPath, [BIN, 'hook', agent, ...args], { input, cwd, encoding: 'utf8' });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function hook(agent: Agent, name: string, dir: string, patch: Record<string, unknown> = {}, args: string[] = [], cwd?: string) {
  return run(agent, payload(name, dir, patch), args, cwd);
}

/** A failing change in a demo workspace: a type error whose finding is the first detail. */
function failing(): string {
  const dir = workspace();
  append(dir, 'packages/cli/src/args.ts', '\nexport const bad: number = "x";\n');
  append(dir, 'packages/cli/test/args.test.ts', "\nit('still', () => {\n  expect(1).toBe(1);\n});\n");
  return dir;
}

/** An empty git repository: the working directory of hooks fed payloads harness cannot use. */
function bareRepo(): string {
  const dir = tempDir('harness-hookcwd-');
  git(dir, 'init', '-q');
  return dir;
}

const REASON = /^harness loop failed: typecheck:cli: packages\/cli\/src\/args\.ts:\d+:14 TS2322: Type 'string' is not assignable to type 'number'\./;
const UNUSABLE = /^harness hook (claude|codex|cursor|gemini) could not verify the change: /;

/** The block each protocol expects: Claude Code exit 2 and stderr; Codex, Cursor and Gemini CLI their JSON on stdout. */
function expectBlocked(agent: Agent, res: ReturnType<typeof run>, reason: RegExp): void {
  if (agent === 'claude') {
    expect(res).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(reason) });
    return;
  }
  expect(res.code).toBe(0);
  expect(res.stderr).toBe('');
  const m = expect.stringMatching(reason);
  expect(JSON.parse(res.stdout)).toEqual(agent === 'cursor' ? { followup_message: m } : { decision: agent === 'codex' ? 'block' : 'deny', reason: m });
}

/** "You may stop": Claude Code exit 0 and nothing; the others `{}` (or a systemMessage when harness says why). */
function expectAllowed(agent: Agent, res: ReturnType<typeof run>, note?: RegExp): void {
  expect(res.code).toBe(0);
  if (note && agent !== 'cursor') {
    expect(JSON.parse(res.stdout)).toEqual({ systemMessage: expect.stringMatching(note) });
    return;
  }
  if (agent === 'claude') expect(res.stdout).toBe('');
  else expect(JSON.parse(res.stdout)).toEqual({});
  if (note) expect(res.stderr).toMatch(note);
  else expect(res.stderr).toBe('');
}

const EVENTS: [Agent, string][] = [
  ['claude', 'claude-stop'],
  ['claude', 'claude-subagent-stop'],
  ['codex', 'codex-stop'],
  ['codex', 'codex-subagent-stop'],
  ['cursor', 'cursor-stop-completed'],
  ['gemini', 'gemini-after-agent'],
];

describe('stop-hook adapters, fed recorded payloads', () => {
  const fail = failing();
  const green = workspace();

  it.each(EVENTS)('%s (%s): a failing change blocks with the first finding, again with stop_hook_active; a green one lets the agent stop', (agent, name) => {
    expectBlocked(agent, hook(agent, name, fail), REASON);
    // stop_hook_active is not "let it stop": the repeat guard decides (Cursor has no such field).
    if (agent !== 'cursor') expectBlocked(agent, hook(agent, name, fail, { stop_hook_active: true }), REASON);
    expectAllowed(agent, hook(agent, name, green));
  });

  it.each(['claude', 'codex', 'cursor', 'gemini'] as const)('%s: malformed or unusable stdin blocks with a reason (fails closed)', (agent) => {
    const cwd = bareRepo();
    const name = EVENTS.find(([a]) => a === agent)![1];
    const unusable = ['not json', '', 'null', '[1]', '{"cwd": 5, "workspace_roots": 5}', payload(name, fail, { hook_event_name: 'PreToolUse' })];
    for (const input of unusable) expectBlocked(agent, run(agent, input, [], cwd), UNUSABLE);
    expectBlocked(agent, run(agent, 'null', [], cwd), /the hook payload on stdin is not a JSON object/);
    expectBlocked(agent, hook(agent, name, '/nonexistent/dir', {}, [], cwd), /the payload's directory \/nonexistent\/dir does not exist/);
  });

  it.each(['claude', 'codex', 'cursor', 'gemini'] as const)('%s: the repeat guard lets the agent stop after --max-blocks identical blocks, and keeps blocking a failure that changes', (agent) => {
    const cwd = bareRepo();
    const max = ['--max-blocks', '2'];
    expectBlocked(agent, run(agent, 'not json', max, cwd), UNUSABLE);
    expectBlocked(agent, run(agent, 'not json', max, cwd), UNUSABLE);
    expectAllowed(agent, run(agent, 'not json', max, cwd), /^harness: the same failure blocked the stop 2 time\(s\) in a row, so the agent may stop now \(--max-blocks\); still unresolved: harness hook \w+ could not verify/);
    // The count starts again once the agent was let stop: the next turn's stop is blocked again.
    expectBlocked(agent, run(agent, 'not json', max, cwd), UNUSABLE);
    // A failure that changes between blocks is never released.
    for (const input of ['null', 'not json', 'null', 'not json', 'null']) expectBlocked(agent, run(agent, input, ['--max-blocks', '1'], cwd), UNUSABLE);
  });

  it('the repeat guard on a real failure: per session, stop_hook_active or not', () => {
    const dir = failing();
    const max = ['--max-blocks', '2'];
    expectBlocked('claude', hook('claude', 'claude-stop', dir, {}, max), REASON);
    expectBlocked('claude', hook('claude', 'claude-stop', dir, { stop_hook_active: true }, max), REASON);
    expectAllowed('claude', hook('claude', 'claude-stop', dir, { stop_hook_active: true }, max), /blocked the stop 2 time\(s\) in a row.*still unresolved: harness loop failed: typecheck:cli: /);
    // Another session (and a subagent of this one) has its own count.
    expectBlocked('claude', hook('claude', 'claude-stop', dir, { session_id: 'another' }, max), REASON);
    expectBlocked('claude', hook('claude', 'claude-subagent-stop', dir, {}, max), REASON);
  });

  it('cursor: aborted or errored loops get {} (no follow-up after the user pressed stop); no follow-up once loop_count reaches the limit', () => {
    expectAllowed('cursor', hook('cursor', 'cursor-stop-aborted', fail));
    expectAllowed('cursor', hook('cursor', 'cursor-stop-error', fail));
    expectAllowed('cursor', hook('cursor', 'cursor-stop-completed', fail, { loop_count: 5 }), /Cursor's loop limit \(5 follow-ups\) is reached/);
    expectAllowed('cursor', hook('cursor', 'cursor-stop-completed', fail, { loop_count: 2 }, ['--loop-limit', '2']), /loop limit \(2 follow-ups\)/);
    expectBlocked('cursor', hook('cursor', 'cursor-stop-completed', fail, { loop_count: 1 }, ['--loop-limit', '2']), REASON);
  });

  it('gemini: AfterAgent denies with the reason, which Gemini CLI sends back as the next prompt', () => {
    const res = hook('gemini', 'gemini-after-agent', fail, { session_id: 'gemini-deny' });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ decision: 'deny', reason: expect.stringMatching(REASON) });
  });

  it('a payload cwd inside the repository verifies the whole repository; a directory outside any repository lets the agent stop', () => {
    const sub = hook('claude', 'claude-stop', `${fail}/packages/core`, { session_id: 'from-a-package' });
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(REASON);
    expectAllowed('claude', hook('claude', 'claude-stop', tempDir('harness-norepo-')));
  });

  it('deferred checks did not run: the hook keeps the agent working until they do', () => {
    const dir = workspace();
    append(dir, 'harness.toml', '\n[[checks.command]]\nid = "slow"\nrun = ["node", "-e", "setTimeout(() => {}, 30000)"]\n');
    append(dir, 'README.md', 'x\n');
    append(dir, 'packages/cli/src/args.ts', '\nexport const later = 1;\n');
    append(dir, 'packages/cli/test/args.test.ts', "\nit('later', () => {\n  expect(1).toBe(1);\n});\n");
    const res = hook('claude', 'claude-stop', dir, {}, ['--budget', '2']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^harness loop ran out of budget: .*command:slow.* did not run\. Run: .* loop --only /);
  });

  it('a hook cut short (the agent\'s timeout sends SIGTERM) fails closed in its protocol', async () => {
    const dir = workspace();
    append(dir, 'harness.toml', '\n[[checks.command]]\nid = "slow"\nrun = ["node", "-e", "setTimeout(() => {}, 60000)"]\n');
    const child = spawn(process.execPath, [BIN, 'hook', 'codex', '--budget', '120'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(payload('codex-stop', dir));
    const code = await new Promise<number | null>((done) => {
      setTimeout(() => child.kill('SIGTERM'), 3000);
      child.on('close', done);
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({ decision: 'block', reason: 'harness hook codex was interrupted by SIGTERM before the loop finished: the change is not verified.' });
  });

  it('a hook that crashes (an exception injected once its loop runs) still blocks: exit 2 with the reason on stderr', () => {
    const preload = join(tempDir(), 'crash.mjs');
    // The crash comes once harness starts its first process (git, from the hook's loop): never before the hook has begun.
    const crash = [
      "import cp from 'node:child_process';",
      "import { syncBuiltinESMExports } from 'node:module';",
      'const spawn = cp.spawn;',
      'cp.spawn = (...args) => { setTimeout(() => { throw new Error("injected exception"); }, 0); return spawn(...args); };',
      'syncBuiltinESMExports();',
    ];
    writeFileSync(preload, `${crash.join('\n')}\n`);
    for (const agent of ['claude', 'gemini'] as const) {
      const name = agent === 'claude' ? 'claude-stop' : 'gemini-after-agent';
      const res = spawnSync(process.execPath, ['--import', preload, BIN, 'hook', agent], { input: payload(name, fail, { session_id: 'crash' }), encoding: 'utf8' });
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(new RegExp(`^harness hook ${agent} could not verify the change: internal error: Error: injected exception`));
      if (agent === 'claude') expect(res.stdout).toBe('');
      else expect(JSON.parse(res.stdout)).toEqual({ decision: 'deny', reason: expect.stringMatching(/injected exception/) });
    }
  });
});
