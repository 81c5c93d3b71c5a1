// Repo-specific check (harness.toml [[checks.command]] "src-function-lines"): no function in src/ over
// 60 lines (declarations, methods, arrows and function expressions alike), measured from its first to
// its last line. Parsed with the TypeScript compiler API (this repo's own `typescript`), not by regex.
// Findings are printed as `path:line:col message`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const LIMIT = 60;
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

function nameOf(node, sf) {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  return '(anonymous)';
}

let failed = 0;
for (const file of walk('src').filter((f) => f.endsWith('.ts')).sort()) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      const end = sf.getLineAndCharacterOfPosition(node.getEnd());
      const lines = end.line - start.line + 1;
      if (lines > LIMIT) {
        console.log(`${file}:${start.line + 1}:${start.character + 1} function ${nameOf(node, sf)} has ${lines} lines, over the ${LIMIT}-line limit: split it along its seams`);
        failed++;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
process.exitCode = failed > 0 ? 1 : 0;
