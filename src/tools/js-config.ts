/**
 * A JS/TS config file (eslint.config.*, vitest.config.*, stryker.config.*) read without running it: the
 * exported value evaluated statically with the TypeScript parser. What cannot be known without running
 * code (an imported preset, a function call, a computed key) is an `Opaque` part, known only by its code
 * (its tokens: comments and layout do not count), so two versions can still be compared: the same code
 * in the same place is the same value, anything else cannot be verified.
 */
import type * as TsMorph from 'ts-morph';
import { loadTs } from './source.js';

type Ts = typeof TsMorph.ts;
type Node = TsMorph.ts.Node;
type Expression = TsMorph.ts.Expression;

/** A part of a config that only running it would reveal, known by its code. */
export class Opaque {
  constructor(readonly code: string) {}
}

export type Value = null | boolean | number | string | Opaque | Value[] | { [key: string]: Value };

export interface JsConfig {
  /** The exported config (`export default`, `module.exports =`); the whole file as Opaque when it exports none. */
  value: Value;
  /** The code of every other top-level statement (imports, helpers, mutations): what the value may depend on. */
  rest: string[];
}

/** Calls that return their argument (or their arguments as one flat array), when imported from a package. */
const DEFINERS = new Set(['defineConfig', 'defineProject', 'defineWorkspace', 'defineFlatConfig', 'config']);

interface Reader {
  ts: Ts;
  sf: TsMorph.ts.SourceFile;
  /** Top-level `const name = …` initializers. */
  consts: Map<string, Expression>;
  /** Names bound by imports (and `const { x } = require(…)`). */
  imports: Set<string>;
  /** Consts being evaluated (a self-reference is opaque, never a loop). */
  active: Set<string>;
}

/** The tokens of a node, comments and layout left out. */
function codeOf(r: Reader, node: Node): string {
  const out: string[] = [];
  const walk = (n: Node): void => {
    if (n.kind >= r.ts.SyntaxKind.FirstJSDocNode && n.kind <= r.ts.SyntaxKind.LastJSDocNode) return;
    const children = n.getChildren(r.sf);
    if (children.length === 0) {
      if (n.kind !== r.ts.SyntaxKind.EndOfFileToken) out.push(n.getText(r.sf));
    } else children.forEach(walk);
  };
  walk(node);
  return out.join(' ');
}

/** An opaque part: its code, plus the code of every top-level const it reads (a change there changes it). */
function opaque(r: Reader, node: Node, prefix = ''): Opaque {
  const deps: string[] = [];
  const seen = new Set<string>();
  const visit = (n: Node): void => {
    if (r.ts.isIdentifier(n) && r.consts.has(n.text) && !seen.has(n.text)) {
      seen.add(n.text);
      const init = r.consts.get(n.text)!;
      deps.push(`${n.text} = ${codeOf(r, init)}`);
      visit(init);
    }
    r.ts.forEachChild(n, visit);
  };
  visit(node);
  return new Opaque(`${prefix}${codeOf(r, node)}${deps.length > 0 ? ` where ${deps.join('; ')}` : ''}`);
}

function isPlainObject(v: Value): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Opaque);
}

function elementsOf(r: Reader, elements: readonly Expression[], flatten: boolean): Value[] {
  const out: Value[] = [];
  for (const el of elements) {
    if (r.ts.isOmittedExpression(el)) out.push(null);
    else if (r.ts.isSpreadElement(el)) {
      const v = evaluate(r, el.expression);
      if (Array.isArray(v)) out.push(...v);
      else out.push(opaque(r, el.expression, '... '));
    } else {
      const v = evaluate(r, el);
      if (flatten && Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
  }
  return out;
}

function propertyName(r: Reader, name: TsMorph.ts.PropertyName): string | null {
  const { ts } = r;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name) && (ts.isStringLiteral(name.expression) || ts.isNoSubstitutionTemplateLiteral(name.expression))) return name.expression.text;
  return null;
}

function objectOf(r: Reader, node: TsMorph.ts.ObjectLiteralExpression): Value {
  const { ts } = r;
  const out = new Map<string, Value>();
  for (const p of node.properties) {
    if (ts.isSpreadAssignment(p)) {
      const v = evaluate(r, p.expression);
      if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) out.set(k, x);
      else out.set(`...${codeOf(r, p.expression)}`, opaque(r, p.expression, '... '));
      continue;
    }
    const key = p.name ? propertyName(r, p.name) : null;
    if (key === null) out.set(`[${p.name ? codeOf(r, p.name) : '?'}]`, opaque(r, p));
    else if (ts.isPropertyAssignment(p)) out.set(key, evaluate(r, p.initializer));
    else if (ts.isShorthandPropertyAssignment(p)) out.set(key, identifier(r, p.name));
    else out.set(key, opaque(r, p));
  }
  return Object.fromEntries(out);
}

function identifier(r: Reader, node: TsMorph.ts.Identifier): Value {
  const init = r.consts.get(node.text);
  if (!init || r.active.has(node.text)) return opaque(r, node);
  r.active.add(node.text);
  try {
    return evaluate(r, init);
  } finally {
    r.active.delete(node.text);
  }
}

/** `defineConfig(x)`, `tseslint.config(a, b)`: only when the callee comes from an import (not a local function). */
function definerCall(r: Reader, node: TsMorph.ts.CallExpression): Value | undefined {
  const { ts } = r;
  let root: Expression = node.expression;
  while (ts.isPropertyAccessExpression(root)) root = root.expression;
  const callee = node.expression;
  const last = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : null;
  if (last === null || !DEFINERS.has(last) || !ts.isIdentifier(root) || !r.imports.has(root.text)) return undefined;
  const args = node.arguments;
  if (args.length === 1 && !ts.isSpreadElement(args[0]!)) return evaluate(r, args[0]!);
  return elementsOf(r, args, true);
}

function evaluate(r: Reader, node: Expression): Value {
  const { ts } = r;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node)) {
    return evaluate(r, node.expression);
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(node)) return elementsOf(r, node.elements, false);
  if (ts.isObjectLiteralExpression(node)) return objectOf(r, node);
  if (ts.isIdentifier(node)) return identifier(r, node);
  if (ts.isCallExpression(node)) return definerCall(r, node) ?? opaque(r, node);
  return opaque(r, node);
}

/** The config a top-level statement exports, if it is `export default x`, `export = x` or `module.exports = x`. */
function exported(ts: Ts, st: TsMorph.ts.Statement): Expression | null {
  if (ts.isExportAssignment(st)) return st.expression;
  if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression)) return null;
  const { left, operatorToken, right } = st.expression;
  const isModuleExports = ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text === 'module' && left.name.text === 'exports';
  return isModuleExports && operatorToken.kind === ts.SyntaxKind.EqualsToken ? right : null;
}

/** Reads a top-level declaration into the reader; false when it is not a plain `const`/import (kept as code). */
function declare(r: Reader, st: TsMorph.ts.Statement): boolean {
  const { ts } = r;
  if (ts.isImportDeclaration(st)) {
    const clause = st.importClause;
    if (clause?.name) r.imports.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) r.imports.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) bindings.elements.forEach((e) => r.imports.add(e.name.text));
    return false;
  }
  if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) return false;
  let plain = true;
  for (const d of st.declarationList.declarations) {
    const isRequire = d.initializer && ts.isCallExpression(d.initializer) && ts.isIdentifier(d.initializer.expression) && d.initializer.expression.text === 'require';
    if (ts.isIdentifier(d.name) && d.initializer) {
      r.consts.set(d.name.text, d.initializer);
      if (isRequire) r.imports.add(d.name.text);
    } else {
      if (isRequire && ts.isObjectBindingPattern(d.name)) d.name.elements.forEach((e) => ts.isIdentifier(e.name) && r.imports.add(e.name.text));
      plain = false;
    }
  }
  return plain;
}

/** A JS/TS config's exported value, statically; `error` when the file does not parse. */
export function readJsConfig(text: string, file: string): JsConfig | { error: string } {
  const ts = loadTs();
  const syntax = ts.transpileModule(text, { fileName: file, reportDiagnostics: true, compilerOptions: { allowJs: true } }).diagnostics ?? [];
  const first = syntax.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (first) {
    const where = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : null;
    return { error: `${where ? `line ${where.line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(first.messageText, ' ')}` };
  }
  const kind = /\.[cm]?tsx?$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const r: Reader = { ts, sf, consts: new Map(), imports: new Set(), active: new Set() };
  let value: Expression | null = null;
  const others: TsMorph.ts.Statement[] = [];
  for (const st of sf.statements) {
    const e: Expression | null = value === null ? exported(ts, st) : null;
    if (e) value = e;
    else if (!declare(r, st)) others.push(st);
  }
  if (value === null) return { value: new Opaque(codeOf(r, sf)), rest: [] };
  // Each with the consts it reads (a helper function reading a const changes when the const does).
  return { value: evaluate(r, value), rest: others.map((st) => opaque(r, st).code) };
}
