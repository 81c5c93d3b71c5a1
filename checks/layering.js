// Repo-specific check (harness.toml [[checks.command]] "layering"): src/ is layered as the pipeline runs
// (DESIGN §2), and no import goes backwards or round in a circle — type-only imports included, since a
// type circle is still a design circle. Imports are read with the TypeScript compiler API (this repo's
// own `typescript`): static imports, `export … from`, `import type`, `import()`. Findings are printed
// as `path:line:col message`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
// The same cycle finder that checks [scope.dependencies] (built by `npm run build`, as the loop requires).
import { findCycle } from '../dist/config/validate.js';

/** Earlier stages first. A file may import from its own layer or an earlier one, never a later one. */
const LAYERS = [
  ['model.ts', 'errors.ts', 'version.ts', 'util/'],
  ['config/'],
  ['diff/'],
  ['scope/'],
  ['tools/'],
  ['mutate/'],
  ['checks/'],
  ['plan/'],
  ['run/'],
  ['envelope/'],
  ['hooks/'],
  ['init/'],
  ['cli/'],
];
/** Stages that may use checks/ only through its registry (the planner's one entry point). */
const REGISTRY_ONLY = ['mutate/', 'init/'];

const SRC = resolve('src');
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const rel = (abs) => relative(SRC, abs).split('\\').join('/');

function layerOf(path) {
  const i = LAYERS.findIndex((names) => names.some((n) => (n.endsWith('/') ? path.startsWith(n) : path === n)));
  return i;
}

/** Every src-internal import of a file: { target (src-relative .ts path), line, col }. */
function importsOf(file) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = [];
  const add = (node, spec) => {
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) return;
    const target = rel(resolve(dirname(file), spec.text.replace(/\.js$/, '.ts')));
    const at = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push({ target, line: at.line + 1, col: at.character + 1 });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const findings = [];
const graph = new Map();
for (const abs of walk(SRC).filter((f) => f.endsWith('.ts')).sort()) {
  const from = rel(abs);
  const layer = layerOf(from);
  if (layer < 0) findings.push(`src/${from}:1:1 is in no layer of checks/layering.js: put it in a pipeline folder (or add the folder to LAYERS)`);
  const edges = [];
  for (const { target, line, col } of importsOf(abs)) {
    edges.push(target);
    const to = layerOf(target);
    if (to > layer) {
      findings.push(`src/${from}:${line}:${col} imports ${target}, a later pipeline stage (${LAYERS[to].join(' ')} after ${LAYERS[layer].join(' ')}): move the shared part down`);
    }
    if (REGISTRY_ONLY.some((p) => from.startsWith(p)) && target.startsWith('checks/') && target !== 'checks/registry.ts') {
      findings.push(`src/${from}:${line}:${col} imports ${target}: ${from.split('/')[0]}/ may use checks/ only through checks/registry.ts`);
    }
  }
  graph.set(from, [...new Set(edges)]);
}
const circle = findCycle(graph);
if (circle) findings.push(`src/${circle[0]}:1:1 import circle: ${circle.join(' → ')}`);
for (const f of findings) console.log(f);
process.exitCode = findings.length > 0 ? 1 : 0;
