import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, resolve } from 'node:path';
import type * as TsMorph from 'ts-morph';
import { workspacePackages } from '../config/workspace.js';
import { nearest, repoPath } from './find.js';

type Ts = typeof TsMorph.ts;

export type RefKind =
  | 'import'
  | 'import type'
  | 'export from'
  | 'import()'
  | 'require()'
  | 'require.resolve()'
  | 'import = require()'
  | 'import.meta.resolve()';

export interface ModuleRef {
  line: number;
  col: number;
  kind: RefKind;
  /** The module specifier, or null when it is not a static string (cannot be verified). */
  specifier: string | null;
}

export interface SourceFacts {
  refs: ModuleRef[];
  /** String literals and template strings that are not module specifiers. */
  strings: { line: number; col: number; text: string }[];
}

/** Where a specifier leads: a file or directory in the repo, and/or an external package name. */
export interface Target {
  /** Repo-relative path of the resolved file (or of the unresolved relative path), when it is in the repo. */
  path: string | null;
  /** The package a bare specifier names (`@a/b/c` → `@a/b`, `node:fs` stays). */
  pkg: string | null;
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs'];

let tsModule: Ts | undefined;
/** ts-morph (and the TypeScript it bundles) loads only when a structural check runs. */
export function loadTs(): Ts {
  tsModule ??= (createRequire(import.meta.url)('ts-morph') as typeof TsMorph).ts;
  return tsModule;
}

export function packageOf(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier.slice(5).split('/')[0]!;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Names bound to createRequire(...) results: `const r = createRequire(import.meta.url); r('x')`. */
function requireNames(ts: Ts, sf: TsMorph.ts.SourceFile): Set<string> {
  const requires = new Set<string>();
  const bind = (node: TsMorph.ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isCallExpression(node.initializer) &&
      ts.isIdentifier(node.initializer.expression) &&
      node.initializer.expression.text === 'createRequire'
    ) {
      requires.add(node.name.text);
    }
    ts.forEachChild(node, bind);
  };
  bind(sf);
  return requires;
}

type Add = (node: TsMorph.ts.Node, kind: RefKind, spec: TsMorph.ts.Node | undefined) => void;

/** The module reference a call makes, if any: `import()`, `require()` (also through createRequire), `require.resolve()`, `import.meta.resolve()`. */
function callRef(ts: Ts, node: TsMorph.ts.CallExpression, requires: Set<string>, add: Add): void {
  const callee = node.expression;
  const name = (e: TsMorph.ts.Expression) => (ts.isIdentifier(e) ? e.text : null);
  const member = (e: TsMorph.ts.Expression, obj: string, prop: string) => ts.isPropertyAccessExpression(e) && name(e.expression) === obj && e.name.text === prop;
  if (callee.kind === ts.SyntaxKind.ImportKeyword) add(node, 'import()', node.arguments[0]);
  else if ((name(callee) === 'require' || requires.has(name(callee) ?? '')) && node.arguments.length > 0) add(node, 'require()', node.arguments[0]);
  else if (member(callee, 'module', 'require') || (ts.isCallExpression(callee) && name(callee.expression) === 'createRequire')) {
    add(node, 'require()', node.arguments[0]);
  } else if (member(callee, 'require', 'resolve')) add(node, 'require.resolve()', node.arguments[0]);
  else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve' && ts.isMetaProperty(callee.expression)) {
    add(node, 'import.meta.resolve()', node.arguments[0]);
  }
}

/** Every module reference and string literal of a source file (DESIGN §4: all reference forms). */
export function scanSource(abs: string): SourceFacts {
  const ts = loadTs();
  const sf = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
  const refs: ModuleRef[] = [];
  const strings: SourceFacts['strings'] = [];
  const specifiers = new Set<TsMorph.ts.Node>();
  const requires = requireNames(ts, sf);
  const at = (node: TsMorph.ts.Node) => {
    const p = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { line: p.line + 1, col: p.character + 1 };
  };
  const add: Add = (node, kind, spec) => {
    const isStatic = spec !== undefined && (ts.isStringLiteral(spec) || ts.isNoSubstitutionTemplateLiteral(spec));
    if (spec) specifiers.add(spec);
    refs.push({ ...at(node), kind, specifier: isStatic ? (spec as TsMorph.ts.StringLiteral).text : null });
  };
  const visit = (node: TsMorph.ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, node.importClause?.isTypeOnly ? 'import type' : 'import', node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, 'export from', node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, 'import = require()', node.moduleReference.expression);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, 'import type', node.argument.literal);
    } else if (ts.isCallExpression(node)) {
      callRef(ts, node, requires, add);
    } else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && !specifiers.has(node)) {
      strings.push({ ...at(node), text: node.text });
    } else if (ts.isTemplateExpression(node)) {
      strings.push({ ...at(node), text: [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('${…}') });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { refs, strings };
}

/**
 * Resolves specifiers the way the repo's own TypeScript would: relative paths, tsconfig `paths` aliases
 * (nearest tsconfig of the importing file), workspace package names (also when not linked into
 * node_modules), and otherwise a bare package name.
 */
export class Resolver {
  private readonly options = new Map<string, TsMorph.ts.CompilerOptions>();
  private readonly packages: Map<string, string>;
  private readonly facts = new Map<string, SourceFacts>();

  constructor(readonly root: string) {
    this.packages = new Map(workspacePackages(root).map((p) => [p.name, p.dir]));
  }

  /** Parsed once per file. */
  scan(path: string): SourceFacts {
    let f = this.facts.get(path);
    if (!f) {
      f = scanSource(join(this.root, path));
      this.facts.set(path, f);
    }
    return f;
  }

  private compilerOptions(fromAbs: string): TsMorph.ts.CompilerOptions {
    const ts = loadTs();
    const config = nearest(this.root, dirname(fromAbs), ['tsconfig.json']);
    if (!config) return { moduleResolution: ts.ModuleResolutionKind.Bundler, allowJs: true };
    let opts = this.options.get(config);
    if (!opts) {
      const read = ts.readConfigFile(config, (p) => ts.sys.readFile(p));
      opts = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dirname(config)).options;
      this.options.set(config, opts);
    }
    return opts;
  }

  /** A repo-relative path for an absolute one inside the repo (after symlinks), else null. */
  private local(abs: string): string | null {
    let real = abs;
    try {
      real = realpathSync(abs);
    } catch {
      // unresolved: keep the lexical path
    }
    const rel = repoPath(this.root, real);
    return rel.startsWith('..') || rel.split('/').includes('node_modules') ? null : rel;
  }

  private file(abs: string): string | null {
    const stripped = abs.replace(/\.[cm]?js$/, '');
    for (const candidate of [abs, ...EXTENSIONS.map((e) => stripped + e), ...EXTENSIONS.map((e) => join(abs, `index${e}`))]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    return null;
  }

  resolve(fromPath: string, specifier: string): Target {
    const fromAbs = join(this.root, fromPath);
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const abs = resolve(dirname(fromAbs), specifier);
      return { path: this.local(this.file(abs) ?? abs), pkg: null };
    }
    const pkg = packageOf(specifier);
    const ts = loadTs();
    const hit = ts.resolveModuleName(specifier, fromAbs, this.compilerOptions(fromAbs), ts.sys).resolvedModule;
    const resolved = hit ? this.local(hit.resolvedFileName) : null;
    if (resolved) return { path: resolved, pkg: hit?.isExternalLibraryImport ? pkg : this.packages.has(pkg) ? pkg : null };
    const dir = this.packages.get(pkg);
    if (dir !== undefined) {
      // A workspace package not (yet) linked into node_modules: its subpath, or its manifest's entry.
      const sub = specifier.slice(pkg.length).replace(/^\//, '') || this.entryOf(dir);
      const abs = join(this.root, dir, sub);
      return { path: this.local(this.file(abs) ?? abs) ?? posix.join(dir, sub), pkg };
    }
    return { path: null, pkg };
  }

  private entryOf(dir: string): string {
    try {
      const m = JSON.parse(readFileSync(join(this.root, dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const dot = (m.exports as Record<string, unknown> | undefined)?.['.'];
      const entry = [m.types, m.main, typeof dot === 'string' ? dot : undefined, 'index'].find((e) => typeof e === 'string');
      return (entry as string).replace(/^\.\//, '');
    } catch {
      return 'index';
    }
  }

  /** Directory of a workspace package, if the name is one. */
  packageDir(name: string): string | undefined {
    return this.packages.get(name);
  }
}
