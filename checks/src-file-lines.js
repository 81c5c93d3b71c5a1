// Repo-specific check (harness.toml [[checks.command]] "src-file-lines"): no file under src/ over 400 lines.
// Findings are printed as `path:line:col message`, the format harness reads from custom commands.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 400;
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

let failed = 0;
for (const file of walk('src').filter((f) => f.endsWith('.ts'))) {
  const lines = readFileSync(file, 'utf8').split('\n').length;
  if (lines > LIMIT) {
    console.log(`${file}:${LIMIT + 1}:1 ${lines} lines, over the ${LIMIT}-line limit: split it along a seam that names itself`);
    failed++;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
