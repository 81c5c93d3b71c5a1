// Past one machine: gate and mutate split over a CI matrix (`--shard k/n`, each part a separate process,
// as separate jobs run it) and joined by `harness merge`, failing closed on any part that does not fit.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { append, BIN, commitAll, harness, leafEdit, parseEnvelope, tempDir, workspace, type Run } from './helpers.js';

const ids = (run: Run) => (run.env.result.checks ?? []).map((c) => c.id).sort();

/** Each shard's envelope in a file of its own (as a CI artifact), in a fresh directory. */
function shards(dir: string, verb: 'gate' | 'mutate', n: number, extra: string[] = []): string[] {
  const out = tempDir('harness-shards-');
  return Array.from({ length: n }, (_, i) => {
    const run = harness([verb, '--cwd', dir, '--shard', `${i + 1}/${n}`, ...extra]);
    expect(run.env.result.shard).toMatchObject({ index: i + 1, count: n });
    const file = join(out, `shard-${i + 1}.json`);
    writeFileSync(file, run.stdout);
    return file;
  });
}

const merge = (dir: string, files: string[]) => harness(['merge', '--cwd', dir, ...files]);

describe('gate and mutate sharded, then merged', { timeout: 300_000 }, () => {
  it('gate in 2 and in 3 shards, merged = the unsharded gate: the same check ids, verdict and exit code; the shards split the checks without overlap', () => {
    const dir = workspace();
    // Every check listed (the demo's gate has more than the default 20).
    append(dir, 'harness.toml', '\n[output]\nmax_checks = 100\n');
    commitAll(dir, 'list every check');
    leafEdit(dir);
    const whole = harness(['gate', '--cwd', dir]);
    for (const n of [2, 3]) {
      const files = shards(dir, 'gate', n);
      const parts = files.map((f) => parseEnvelope(spawnSync('cat', [f], { encoding: 'utf8' }).stdout));
      const counts = parts.map((p) => p.result.checks!.length);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(whole.env.result.checks!.length);
      const merged = merge(dir, files);
      expect({ code: merged.code, ok: merged.env.ok, ids: ids(merged) }).toEqual({ code: whole.code, ok: whole.env.ok, ids: ids(whole) });
      expect(merged.env.result.summary).toEqual(whole.env.result.summary);
      expect(merged.env.result.merged).toEqual({ shards: n });
    }
  });

  it('a failing check in one shard fails the merge (exit 1), listing it', () => {
    const dir = workspace();
    leafEdit(dir);
    append(dir, 'packages/cli/src/args.ts', '\nexport const broken: number = "not a number";\n');
    const merged = merge(dir, shards(dir, 'gate', 2));
    expect(merged.code).toBe(1);
    expect(merged.env.result.checks!.find((c) => c.id === 'typecheck:cli')).toMatchObject({ status: 'fail', details: [expect.stringMatching(/TS2322/)] });
  });

  it('a missing shard, a shard given twice, shards of different trees, a non-shard and a broken file → merge fails closed (exit 2) naming why', () => {
    const dir = workspace();
    leafEdit(dir);
    const files = shards(dir, 'gate', 3);
    const why = (run: Run) => ({ code: run.code, message: run.env.result.error?.message });
    expect(why(merge(dir, files.slice(0, 2)))).toEqual({ code: 2, message: 'shard(s) 3/3 missing: a merge needs every part' });
    expect(why(merge(dir, [files[0]!, files[0]!, files[1]!, files[2]!]))).toMatchObject({ code: 2, message: expect.stringMatching(/^shard 1\/3 given twice/) });
    const other = workspace();
    leafEdit(other, 'OTHER_CHANGE');
    const foreign = shards(other, 'gate', 3)[2]!;
    expect(why(merge(dir, [files[0]!, files[1]!, foreign]))).toMatchObject({ code: 2, message: expect.stringMatching(/the shards ran on different trees, configs or durations$/) });
    const plain = join(tempDir(), 'plain.json');
    writeFileSync(plain, harness(['gate', '--cwd', dir, '--only', 'graph']).stdout);
    expect(why(merge(dir, [plain]))).toMatchObject({ code: 2, message: expect.stringMatching(/not a shard/) });
    const broken = join(tempDir(), 'broken.json');
    writeFileSync(broken, '{"schema_version": 1, "ok": true}');
    expect(why(merge(dir, [broken]))).toMatchObject({ code: 2, message: expect.stringMatching(/not a valid harness envelope/) });
    // stdin (-) takes the envelopes one per line.
    const lines = files.map((f) => spawnSync('cat', [f], { encoding: 'utf8' }).stdout.trim()).join('\n');
    const fromStdin = spawnSync(process.execPath, [BIN, 'merge', '--cwd', dir, '-'], { input: lines, encoding: 'utf8' });
    expect(parseEnvelope(fromStdin.stdout).result.merged).toEqual({ shards: 3 });
  });

  it('mutate in 2 shards, merged: the same mutants and verdicts as unsharded', () => {
    const dir = workspace();
    append(dir, 'packages/cli/src/args.ts', '\nexport function describeDepth(depth: number): string {\n  if (depth > 3) return "deep";\n  return depth === 0 ? "flat" : "shallow";\n}\n');
    append(dir, 'packages/cli/test/args.test.ts', "\nimport { describeDepth } from '../src/args';\n\nit('describes depth', () => {\n  expect(describeDepth(5)).toBeDefined();\n  expect(describeDepth(0)).toBeDefined();\n});\n");
    const whole = harness(['mutate', '--cwd', dir, '--max-mutants', '6']);
    const merged = merge(dir, shards(dir, 'mutate', 2, ['--max-mutants', '6']));
    const mutation = (run: Run) => run.env.result.checks!.find((c) => c.id === 'mutation')!;
    expect(mutation(whole).status).toBe('fail');
    expect({ code: merged.code, status: mutation(merged).status, details: [...mutation(merged).details].sort() }).toEqual({ code: whole.code, status: mutation(whole).status, details: [...mutation(whole).details].sort() });
    expect(ids(merged)).toEqual(ids(whole));
  });
});
