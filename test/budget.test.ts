import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, commitAll, harness, tempDir, workspace, write } from './helpers.js';

/** Three command checks that log their start to a file, then take `ms` milliseconds each. */
function timedWorkspace(ms: Record<string, number>): { dir: string; starts: string } {
  const dir = workspace('single');
  const starts = join(tempDir(), 'starts.log');
  mkdirSync(join(dir, 'checks'));
  write(dir, 'checks/timed.mjs', `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(starts)}, process.argv[2] + '\\n');\nsetTimeout(() => {}, Number(process.argv[3]));\n`);
  const toml = Object.entries(ms)
    .map(([id, t]) => `\n[[checks.command]]\nid = "${id}"\nrun = ["node", "checks/timed.mjs", "${id}", "${t}"]\n`)
    .join('');
  write(dir, 'harness.toml', `base = "main"\n\n[scope.path_map]\n"." = "app"\n${toml}`);
  commitAll(dir, 'timed checks');
  return { dir, starts };
}

const startOrder = (starts: string) => readFileSync(starts, 'utf8').trim().split('\n');
const durations = (dir: string) => JSON.parse(readFileSync(join(dir, '.harness/durations.json'), 'utf8')) as Record<string, number>;

describe('budget planning from recorded durations', () => {
  it('records each check’s duration per id and then starts the shortest expected first', () => {
    // quick outlasts the other lane's start-up: slow can only start once quick is done (no race on who starts second).
    const { dir, starts } = timedWorkspace({ slow: 1500, quick: 300, mid: 700 });
    const ids = ['command:slow', 'command:mid', 'command:quick'];
    const first = harness(['loop', '--cwd', dir, '--only', ids.join(','), '--no-cache']);
    expect(first.env.ok).toBe(true);
    const recorded = durations(dir);
    for (const id of ids) expect(recorded[id]).toBeGreaterThan(0);
    expect(recorded['command:slow']).toBeGreaterThan(recorded['command:mid']!);
    expect(recorded['command:mid']).toBeGreaterThan(recorded['command:quick']!);

    writeFileSync(starts, '');
    harness(['loop', '--cwd', dir, '--only', ids.join(','), '--no-cache']);
    // Two lanes start the two shortest (in either order); the slow one, first in plan order, starts last.
    expect(startOrder(starts)[2]).toBe('slow');
  });

  it('reports up front how many checks it expects to defer, and defers them at the budget', () => {
    const { dir } = timedWorkspace({ slow: 8000, quick: 10 });
    mkdirSync(join(dir, '.harness'), { recursive: true });
    // As a previous run would have recorded them.
    writeFileSync(join(dir, '.harness/durations.json'), JSON.stringify({ 'command:slow': 8000, 'command:quick': 50 }));
    const run = harness(['loop', '--cwd', dir, '--only', 'command:slow,command:quick', '--budget', '2']);
    expect(run.env.result.budget).toEqual({ budget_ms: 2000, expected_ms: 8000, expected_deferred: 1 });
    expect(check(run, 'command:slow').status).toBe('deferred');
    expect(check(run, 'command:quick').status).toBe('pass');
    // A deferred (killed) run is not a duration: the record stays as it was.
    expect(durations(dir)['command:slow']).toBe(8000);
  });

  it('without records the estimate is the checks’ static costs; gate has no budget to plan', () => {
    const { dir } = timedWorkspace({ quick: 10 });
    const run = harness(['loop', '--cwd', dir, '--only', 'command:quick', '--budget', '30']);
    expect(run.env.result.budget).toEqual({ budget_ms: 30000, expected_ms: 1000, expected_deferred: 0 });
    expect(harness(['gate', '--cwd', dir, '--only', 'command:quick']).env.result.budget).toBeUndefined();
  });

  it('an unreadable durations file is ignored and replaced, never an error', () => {
    const { dir } = timedWorkspace({ quick: 10 });
    mkdirSync(join(dir, '.harness'), { recursive: true });
    writeFileSync(join(dir, '.harness/durations.json'), '{ torn');
    const run = harness(['loop', '--cwd', dir, '--only', 'command:quick']);
    expect(check(run, 'command:quick').status).toBe('pass');
    expect(durations(dir)['command:quick']).toBeGreaterThan(0);
  });
});
