// `npm run demo`: copy the embedded demo workspace (fixtures/demo) into a temp dir, commit it, make an
// edit in the `text` package, and run `harness loop` on it. The JSON envelope goes to stdout.
// Pass --keep to keep the temp copy for poking around; otherwise it is removed.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitInit, materialize } from './fixture.js';

const keep = process.argv.includes('--keep');
const dir = mkdtempSync(join(tmpdir(), 'harness-demo-'));
materialize('demo', dir);
gitInit(dir);

const edited = 'packages/text/src/slug.ts';
appendFileSync(join(dir, edited), "\nexport function initials(words: readonly string[]): string {\n  return words.map((w) => w.charAt(0).toUpperCase()).join('');\n}\n");
appendFileSync(
  join(dir, 'packages/text/test/text.test.ts'),
  "\nimport { initials } from '../src/slug';\n\nit('takes initials', () => {\n  expect(initials(['scoped', 'harness'])).toBe('SH');\n});\n",
);
process.stderr.write(
  `demo: workspace in ${dir}\n` +
    `demo: edited ${edited} and its test; app depends on text, so loop checks text and app (not core, math, cli)\n` +
    'demo: running harness loop --format text (the JSON envelope follows it)\n\n',
);

const bin = fileURLToPath(new URL('../bin/harness.js', import.meta.url));
const text = spawnSync(process.execPath, [bin, 'loop', '--cwd', dir, '--format', 'text'], { stdio: ['ignore', 'pipe', 'inherit'] });
process.stderr.write(text.stdout);
const json = spawnSync(process.execPath, [bin, 'loop', '--cwd', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
if (keep) process.stderr.write(`\ndemo: kept ${dir}\n`);
else rmSync(dir, { recursive: true, force: true });
process.exitCode = json.status ?? 2;
