import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('harness init --agents', () => {
  const ALL = 'claude,codex,cursor,gemini';
  type Doc = Record<string, unknown> & { hooks: Record<string, { hooks: Record<string, unknown>[] }[]> };
  const read = (dir: string, rel: string) => JSON.parse(readFileSync(join(dir, rel), 'utf8')) as Doc;
  const FILES = ['.claude/settings.json', '.codex/hooks.json', '.cursor/hooks.json', '.gemini/settings.json', 'AGENTS.md'];

  /** A repository that already has Claude Code settings of its own: other hooks (one on Stop) and permissions. */
  function withClaudeHooks(): string {
    const dir = workspace('single');
    mkdirSync(join(dir, '.claude'));
    const mine = {
      permissions: { allow: ['Bash(npm test)'] },
      hooks: {
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/guard.sh' }] }],
        Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }],
      },
    };
    write(dir, '.claude/settings.json', JSON.stringify(mine, null, 2));
    write(dir, 'AGENTS.md', '# Project\n\nUse npm.\n');
    commitAll(dir, 'claude settings');
    return dir;
  }

  it('merges the stop hooks into existing Claude settings (keeping their hooks), writes the other agents\' configs and an AGENTS.md section; a second run writes nothing', () => {
    const dir = withClaudeHooks();
    const first = harness(['init', '--cwd', dir, '--agents', ALL]);
    expect(first.code).toBe(0);
    expect(first.env.result.init!.agents!.map((a) => [a.path, a.status, a.written])).toEqual(
      FILES.map((f) => [f, f === '.claude/settings.json' || f === 'AGENTS.md' ? 'drift' : 'missing', true]),
    );
    const claude = read(dir, '.claude/settings.json');
    const entry = (agent: string) => ({ type: 'command', command: expect.stringMatching(new RegExp(`^node .*bin/harness\\.js hook ${agent} --budget 120$`)), timeout: 180 });
    expect(claude).toEqual({
      permissions: { allow: ['Bash(npm test)'] },
      hooks: {
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/guard.sh' }] }],
        Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }, { hooks: [{ ...entry('claude'), onFailure: 'block' }] }],
        SubagentStop: [{ hooks: [{ ...entry('claude'), onFailure: 'block' }] }],
      },
    });
    expect(read(dir, '.codex/hooks.json')).toEqual({ hooks: { Stop: [{ hooks: [entry('codex')] }], SubagentStop: [{ hooks: [entry('codex')] }] } });
    expect(read(dir, '.cursor/hooks.json')).toEqual({ version: 1, hooks: { stop: [{ command: expect.stringMatching(/hook cursor --budget 120 --loop-limit 5$/), loop_limit: 5 }] } });
    const gemini = read(dir, '.gemini/settings.json');
    expect(gemini).toEqual({ hooks: { AfterAgent: [{ hooks: [{ ...entry('gemini'), timeout: 180000, name: 'harness', description: expect.any(String) }] }] } });
    const agentsMd = readFileSync(join(dir, 'AGENTS.md'), 'utf8');
    expect(agentsMd).toMatch(/^# Project\n\nUse npm\.\n\n<!-- harness:start[^\n]*-->\n## Verification \(harness\)\n[\s\S]*<!-- harness:end -->\n$/);

    const texts = FILES.map((f) => readFileSync(join(dir, f), 'utf8'));
    const again = harness(['init', '--cwd', dir, '--agents', ALL]);
    expect(again.code).toBe(0); // harness.toml exists: --agents keeps it instead of refusing
    expect(again.env.result.init).toMatchObject({ written: false });
    expect(again.env.result.init!.agents!.map((a) => [a.status, a.written])).toEqual(FILES.map(() => ['in_sync', false]));
    expect(FILES.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(texts);
    expect(harness(['init', '--cwd', dir, '--agents', ALL, '--check']).code).toBe(0);

    // The written command is the hook: fed Claude's payload, it verifies the repository (green here).
    const command = claude.hooks.Stop![1]!.hooks[0]!.command as string;
    const res = spawnSync('sh', ['-c', command], { input: JSON.stringify({ session_id: 's', cwd: dir, hook_event_name: 'Stop' }), encoding: 'utf8' });
    expect({ code: res.status, stdout: res.stdout, stderr: res.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--check after a manual edit names each file and what differs, writes nothing, exits 1; init puts it back', () => {
    const dir = withClaudeHooks();
    harness(['init', '--cwd', dir, '--agents', ALL]);
    const claude = read(dir, '.claude/settings.json');
    claude.hooks.Stop![1]!.hooks[0]!.timeout = 30;
    delete claude.hooks.SubagentStop;
    write(dir, '.claude/settings.json', JSON.stringify(claude));
    write(dir, '.codex/hooks.json', JSON.stringify({ $schema: 'https://example.com/codex-hooks.json', ...read(dir, '.codex/hooks.json') }));
    write(dir, 'AGENTS.md', readFileSync(join(dir, 'AGENTS.md'), 'utf8').replace('Never silence a check', 'Silence checks') + '\nMine, after the section.\n');
    const edited = FILES.map((f) => readFileSync(join(dir, f), 'utf8'));

    const check = harness(['init', '--cwd', dir, '--agents', ALL, '--check']);
    expect(check.code).toBe(1);
    expect(check.env.ok).toBe(false);
    expect(check.env.result.init!.agents!.filter((a) => a.status !== 'in_sync')).toEqual([
      {
        path: '.claude/settings.json',
        status: 'drift',
        written: false,
        changes: ['.claude/settings.json: hooks.Stop[1].hooks[0]: timeout is 30, init writes 180', '.claude/settings.json: hooks.SubagentStop: no harness hook (init adds one)'],
      },
      { path: '.codex/hooks.json', status: 'drift', written: false, changes: [expect.stringMatching(/^\.codex\/hooks\.json: root key "\$schema": Codex refuses a hooks\.json with root keys other than "description" and "hooks"/)] },
      { path: 'AGENTS.md', status: 'drift', written: false, changes: ['AGENTS.md: the harness section differs from what init writes (init replaces it in place)'] },
    ]);
    expect(check.env.next_actions[0]!.command).toMatch(/ init --agents claude,codex,cursor,gemini$/);
    expect(FILES.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(edited);

    expect(harness(['init', '--cwd', dir, '--agents', ALL]).code).toBe(0);
    expect(harness(['init', '--cwd', dir, '--agents', ALL, '--check']).code).toBe(0);
    expect(Object.keys(read(dir, '.codex/hooks.json'))).toEqual(['hooks']);
    const md = readFileSync(join(dir, 'AGENTS.md'), 'utf8');
    expect(md).toContain('- Never silence a check');
    expect(md.endsWith('<!-- harness:end -->\n\nMine, after the section.\n')).toBe(true); // replaced in place
  });

  it('refuses to merge into a config it cannot read, and --check needs --agents', () => {
    const dir = workspace('single');
    mkdirSync(join(dir, '.gemini'));
    write(dir, '.gemini/settings.json', '{ "hooks": [ ');
    const bad = harness(['init', '--cwd', dir, '--agents', 'gemini']);
    expect(bad.code).toBe(2);
    expect(bad.env.result.error).toMatchObject({ code: 'usage', key: '.gemini/settings.json', message: expect.stringMatching(/^\.gemini\/settings\.json is not valid JSON/) });
    expect(readFileSync(join(dir, '.gemini/settings.json'), 'utf8')).toBe('{ "hooks": [ ');
    expect(harness(['init', '--cwd', dir, '--check']).env.result.error).toMatchObject({ code: 'usage', key: '--check' });
    expect(harness(['init', '--cwd', dir, '--agents', 'claude,vim']).env.result.error).toMatchObject({ code: 'usage', message: expect.stringMatching(/not vim/) });
  });
});
