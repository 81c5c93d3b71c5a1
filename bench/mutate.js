// The mutate rows of `npm run bench`: harness mutate on a ~20-line diff against Stryker on the whole
// package and raw Stryker on the same ranges (the options harness used, replayed through its child).
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { barrelLibrary } from './generate.js';
import { harness, median, ratio, seconds, tempDir, time } from './measure.js';

// A package of GEN_FILES generated modules (real branching code, real tests) beside the demo's cli code.
const GEN_FILES = Number(process.env.BENCH_GEN_FILES ?? 40);

function genModule(i) {
  const branches = Array.from({ length: 6 }, (_, k) => `  if (x > ${k * 3 + i}) return x * ${k + 2} - ${k};`).join('\n');
  return `export function f${i}(x: number): number {\n${branches}\n  return x === 0 ? ${i} : -x;\n}\n`;
}

function mutateWorkspace(demo) {
  const dir = demo('cli');
  const vitest = [process.execPath, join(dir, 'node_modules/vitest/vitest.mjs'), 'run', '-u'];
  const cwd = join(dir, 'packages/cli');
  mkdirSync(join(cwd, 'src/gen'));
  for (let i = 0; i < GEN_FILES; i++) writeFileSync(join(cwd, `src/gen/f${i}.ts`), genModule(i));
  const imports = Array.from({ length: GEN_FILES }, (_, i) => `import { f${i} } from '../src/gen/f${i}';`).join('\n');
  const checks = Array.from({ length: GEN_FILES }, (_, i) => `  for (let x = -2; x < 24; x++) expect(f${i}(x)).toMatchSnapshot();`).join('\n');
  writeFileSync(join(cwd, 'test/gen.test.ts'), `import { expect, it } from 'vitest';\n${imports}\n\nit('gen', () => {\n${checks}\n});\n`);
  // Record the snapshots and commit: the package exists before the change.
  spawnSync(vitest[0], vitest.slice(1), { cwd, stdio: 'ignore' });
  spawnSync('git', ['add', '-A'], { cwd: dir });
  spawnSync('git', ['commit', '-qm', 'gen'], { cwd: dir });
  // The ~20-line change: two new functions and a strong test.
  appendFileSync(join(cwd, 'src/args.ts'), `\n${genModule(90).replace('f90', 'g1')}\n${genModule(91).replace('f91', 'g2')}`);
  appendFileSync(join(cwd, 'test/args.test.ts'), "\nimport { g1, g2 } from '../src/args';\n\nit('g', () => {\n  for (let x = -2; x < 120; x++) expect([g1(x), g2(x)]).toMatchSnapshot();\n});\n");
  spawnSync(vitest[0], vitest.slice(1), { cwd, stdio: 'ignore' });
  return dir;
}

const child = fileURLToPath(new URL('../dist/tools/stryker-child.js', import.meta.url));
const core = createRequire(import.meta.url).resolve('@stryker-mutator/core');

/**
 * Stryker alone with harness's options. `chosen`: with harness's ignorer too (the file naming the chosen
 * spans), so exactly harness's mutants run; else every mutant inside the ranges, as raw Stryker does.
 */
function rawStryker(cwd, options, chosen = null) {
  const file = join(tempDir(), 'stryker.json');
  const plugins = chosen ? [options.plugins[0], options.plugins[2]] : options.plugins.slice(0, 1);
  // Stryker's own vitest runner, not harness's wrapper of it.
  writeFileSync(file, JSON.stringify({ ...options, testRunner: 'vitest', reporters: [], plugins, ignorers: chosen ? options.ignorers : [], jsonReporter: undefined }));
  const env = { ...process.env, CI: 'true', ...(chosen ? { HARNESS_STRYKER_CHOSEN: chosen } : {}) };
  return time(() => spawnSync(process.execPath, [child, file, `${file}.out`, core], { cwd, stdio: 'ignore', env }));
}

/**
 * Harness's Stryker options and chosen-spans file from a mutate run's directory, narrowed to the mutants
 * harness judged (mutants.json): harness hands Stryker every open mutant and runs only those it chooses
 * after the dry run, so raw Stryker gets the judged mutants' ranges (lines 1-based, columns 0-based).
 */
function strykerFiles(runDir, cwd, root) {
  const find = (re) => join(runDir, readdirSync(runDir).find((f) => re.test(f)));
  const options = JSON.parse(readFileSync(find(/^stryker-\d+\.options\.json$/), 'utf8'));
  const judged = JSON.parse(readFileSync(join(runDir, 'mutants.json'), 'utf8')).map((o) => o.mutant);
  const mutate = [...new Set(judged.map((m) => `${relative(cwd, join(root, m.file))}:${m.line}:${m.col - 1}-${m.endLine}:${m.endCol - 1}`))];
  const chosen = join(tempDir(), 'chosen.json');
  writeFileSync(chosen, JSON.stringify(judged.map((m) => [m.line, m.col, m.endLine, m.endCol])));
  return { options: { ...options, mutate }, chosen, judged: judged.length };
}

/**
 * A generated library whose every test imports the barrel (so `vitest related` selects the whole
 * suite): mutate on a new function against raw Stryker on the same ranges and on the same mutants.
 */
export async function barrelMutateRows(runs, modules) {
  const m = { mutate: [], same: [], exact: [] };
  for (let i = 0; i < runs; i++) {
    const dir = tempDir();
    barrelLibrary(dir, { modules });
    appendFileSync(join(dir, 'src/m042.ts'), '\nexport function m042Clamp(x: number): number {\n  if (x < 0) return 0;\n  if (x > 9) return 9;\n  return x;\n}\n');
    appendFileSync(join(dir, 'test/m042.test.ts'), "\nimport { m042Clamp } from '../src/index';\n\nit('clamps', () => {\n  expect([m042Clamp(-1), m042Clamp(0), m042Clamp(5), m042Clamp(9), m042Clamp(10)]).toEqual([0, 0, 5, 9, 9]);\n});\n");
    const r = harness(['mutate', '--cwd', dir]);
    m.mutate.push(r.ms);
    const { options, chosen } = strykerFiles(join(dir, '.harness/runs', r.env.result.run_id), dir, dir);
    m.same.push(rawStryker(dir, options));
    m.exact.push(rawStryker(dir, options, chosen));
  }
  const med = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
  return [
    [`barrel library (${modules} test files): mutate ÷ raw Stryker on the same ranges`, ratio(med.mutate, med.same), '≤ 1.20'],
    ['barrel library: mutate ÷ raw Stryker on exactly the same mutants', ratio(med.mutate, med.exact), ''],
    ['barrel library: mutate / raw Stryker same ranges / same mutants (s)', `${seconds(med.mutate)} / ${seconds(med.same)} / ${seconds(med.exact)}`, ''],
  ];
}

export async function mutateRows(demo, runs) {
  const m = { mutate: [], same: [], exact: [], whole: [] };
  let env;
  let tested = 0;
  for (let i = 0; i < runs; i++) {
    const dir = mutateWorkspace(demo);
    const r = harness(['mutate', '--cwd', dir]);
    env = r.env;
    m.mutate.push(r.ms);
    const runDir = join(dir, '.harness/runs', env.result.run_id);
    const cwd = join(dir, 'packages/cli');
    const { options, chosen, judged } = strykerFiles(runDir, cwd, dir);
    tested = judged;
    m.same.push(rawStryker(cwd, options));
    m.exact.push(rawStryker(cwd, options, chosen));
    m.whole.push(rawStryker(cwd, { ...options, mutate: ['src/**/*.ts'] }));
  }
  const med = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
  return [
    [`mutate on a ~20-line diff ÷ Stryker on the whole package (${GEN_FILES + 2} files)`, ratio(med.mutate, med.whole), '≤ 0.10'],
    ['mutate ÷ raw Stryker on the same ranges', ratio(med.mutate, med.same), '≤ 1.20'],
    ['mutate ÷ raw Stryker on exactly the same mutants (harness\'s overhead)', ratio(med.mutate, med.exact), ''],
    [`mutate, ${tested} mutants / Stryker whole package (s); mutate ok=${env.ok}`, `${seconds(med.mutate)} / ${seconds(med.whole)}`, ''],
  ];
}
