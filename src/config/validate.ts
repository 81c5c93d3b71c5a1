import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject } from 'ajv';
import { HarnessError } from '../errors.js';
import { configSchema } from './schema.js';
import { COMMAND_VERBS, type CommandVerb } from '../model.js';
import { DEFAULTS, DEFAULT_GLOBAL, DEFAULT_TEST_GLOBS, type Config, type LintTool, type ScopeCheck } from './types.js';

type Raw = Record<string, unknown>;

/** Dotted key for an error location; segments that are not bare words are quoted, TOML-style. */
export function keyOf(segments: readonly string[]): string {
  return segments.map((s) => (/^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s))).join('.');
}

/** Where the config being validated came from, for messages ("harness.toml" or the derived defaults). */
let origin = 'harness.toml';

function fail(segments: readonly string[], message: string): never {
  const key = keyOf(segments);
  throw new HarnessError('config', `${origin}: ${key}: ${message}`, key);
}

function schemaError(err: ErrorObject): never {
  const segments = err.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (err.keyword === 'additionalProperties') {
    fail([...segments, String(err.params.additionalProperty)], 'unknown key');
  }
  if (err.keyword === 'required') fail([...segments, String(err.params.missingProperty)], 'is required');
  if (err.keyword === 'propertyNames') {
    fail([...segments, String(err.params.propertyName)], 'is not a valid scope name (letters, digits, @ . _ / -)');
  }
  if (err.keyword === 'pattern') fail(segments, `${err.message ?? 'invalid'} (got ${JSON.stringify(segments.at(-1))})`);
  fail(segments, err.message ?? 'invalid value');
}

/** 'packages/vue', 'packages/vue/', './packages/vue' → 'packages/vue/'; '.' and './' → '' (the repo root). */
export function normalisePrefix(raw: string): string | null {
  let p = raw.replace(/^\.\//, '');
  if (p === '.' || p === '') return raw === '' ? null : '';
  if (p.trim() !== p) return null;
  if (p.startsWith('/') || p.includes('\\') || /[*?[\]{}]/.test(p)) return null;
  p = p.replace(/\/+$/, '');
  if (p.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) return null;
  return `${p}/`;
}

let compiled: ReturnType<AjvClass['compile']> | undefined;

function pathMapOf(scope: Raw): Map<string, string> {
  const pathMap = new Map<string, string>();
  for (const [key, name] of Object.entries((scope.path_map ?? {}) as Record<string, string>)) {
    const prefix = normalisePrefix(key);
    if (prefix === null) {
      fail(['scope', 'path_map', key], 'is not a directory prefix (relative, no globs, no ".." or "\\")');
    }
    if (pathMap.has(prefix)) fail(['scope', 'path_map', key], `duplicates the prefix "${prefix || '.'}"`);
    pathMap.set(prefix, name);
  }
  if (pathMap.size === 0) fail(['scope', 'path_map'], 'maps no directory to a scope (every change would be unmapped)');
  return pathMap;
}

function graphOf(scope: Raw, table: 'dependencies' | 'test_dependencies', scopes: Set<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [from, tos] of Object.entries((scope[table] ?? {}) as Record<string, string[]>)) {
    if (!scopes.has(from)) fail(['scope', table, from], `unknown scope "${from}" (not a value of [scope.path_map])`);
    tos.forEach((to, i) => {
      if (!scopes.has(to)) fail(['scope', table, from, String(i)], `unknown scope "${to}"`);
    });
    out.set(from, [...new Set(tos)]);
  }
  return out;
}

function checksOf(scope: Raw, scopes: Set<string>): Map<string, ScopeCheck[]> {
  const out = new Map<string, ScopeCheck[]>();
  for (const [name, list] of Object.entries((scope.checks ?? {}) as Record<string, ScopeCheck[]>)) {
    if (!scopes.has(name)) fail(['scope', 'checks', name], `unknown scope "${name}" (not a value of [scope.path_map])`);
    out.set(name, list);
  }
  return out;
}

function commandsOf(raw: Raw, scopes: Set<string>): Config['checks']['command'] {
  const seen = new Set<string>();
  return (((raw.checks as Raw | undefined)?.command ?? []) as Raw[]).map((c, i) => {
    const id = c.id as string;
    if (seen.has(id)) fail(['checks', 'command', String(i), 'id'], `duplicate check id "${id}"`);
    seen.add(id);
    const scopesOf = (c.scopes ?? []) as string[];
    scopesOf.forEach((s, j) => {
      if (!scopes.has(s)) fail(['checks', 'command', String(i), 'scopes', String(j)], `unknown scope "${s}"`);
    });
    return { id, run: c.run as string[], verbs: ((c.verbs ?? COMMAND_VERBS) as CommandVerb[]).slice(), scopes: scopesOf };
  });
}

function rulesOf(raw: Raw, scopes: Set<string>): Config['boundaries']['rules'] {
  return (((raw.boundaries as Raw | undefined)?.rules ?? []) as Raw[]).map((r, i) => {
    if (!scopes.has(r.scope as string)) fail(['boundaries', 'rules', String(i), 'scope'], `unknown scope "${String(r.scope)}"`);
    return { scope: r.scope as string, forbid: (r.forbid ?? []) as string[], forbid_strings: (r.forbid_strings ?? []) as string[] };
  });
}

function patternsOf(raw: Raw): RegExp[] {
  return (((raw.suppressions as Raw | undefined)?.patterns ?? []) as string[]).map((p, i) => {
    try {
      return new RegExp(p);
    } catch (e) {
      return fail(['suppressions', 'patterns', String(i)], `not a valid regular expression: ${(e as Error).message}`);
    }
  });
}

/** The numeric settings with their defaults. */
function settingsOf(raw: Raw): Pick<Config, 'limits' | 'mutate' | 'loop' | 'gate' | 'output'> {
  const section = (name: string) => (raw[name] ?? {}) as Record<string, number>;
  return {
    limits: { max_file_lines: section('limits').max_file_lines ?? DEFAULTS.max_file_lines },
    mutate: {
      require_changed_tests: ((raw.mutate as Raw | undefined)?.require_changed_tests ?? true) as boolean,
      max_mutants: ((raw.mutate as Raw | undefined)?.max_mutants ?? 12) as number,
      accept: (((raw.mutate as Raw | undefined)?.accept ?? []) as { id: string; reason: string }[]).map((a) => ({ id: a.id, reason: a.reason })),
    },
    loop: { budget_seconds: section('loop').budget_seconds ?? DEFAULTS.budget_seconds, hold_the_line: (raw.loop as Raw | undefined)?.hold_the_line !== false },
    gate: { check_timeout_seconds: section('gate').check_timeout_seconds ?? DEFAULTS.check_timeout_seconds, hold_the_line: (raw.gate as Raw | undefined)?.hold_the_line === true },
    output: {
      max_checks: section('output').max_checks ?? DEFAULTS.max_checks,
      max_details: section('output').max_details ?? DEFAULTS.max_details,
      max_detail_chars: section('output').max_detail_chars ?? DEFAULTS.max_detail_chars,
      max_files: section('output').max_files ?? DEFAULTS.max_files,
    },
  };
}

/**
 * Validate a parsed harness.toml (or a derived default) and resolve it into a Config. `schemaChecked`:
 * this very object passed the schema before (the config cache), so ajv (~150 ms to load and compile)
 * is skipped; the semantic checks below always run.
 */
export function validateConfig(raw: Raw, source: string | null, schemaChecked = false): Config {
  origin = source ?? 'config derived from the workspace manifests (no harness.toml)';
  if (!schemaChecked) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    compiled ??= new Ajv({ allErrors: false, strict: true }).compile(configSchema);
    if (!compiled(raw)) schemaError(compiled.errors![0]!);
  }
  const scope = (raw.scope ?? {}) as Raw;
  const pathMap = pathMapOf(scope);
  const scopes = new Set(pathMap.values());
  // Cycles are allowed in both tables: real monorepos have them, and expansion is cycle-safe.
  const dependencies = graphOf(scope, 'dependencies', scopes);
  const testDependencies = graphOf(scope, 'test_dependencies', scopes);
  const checks = checksOf(scope, scopes);
  // In this order, so the first error a config has is the one reported.
  const command = commandsOf(raw, scopes);
  const rules = rulesOf(raw, scopes);
  const patterns = patternsOf(raw);
  return {
    source,
    base: (raw.base as string | undefined) ?? null,
    scope: {
      global: [...DEFAULT_GLOBAL, ...((scope.global ?? []) as string[])],
      ignore: (scope.ignore ?? []) as string[],
      path_map: pathMap,
      dependencies,
      test_dependencies: testDependencies,
      test_globs: (scope.test_globs ?? DEFAULT_TEST_GLOBS) as string[],
      checks,
    },
    lint: { tool: (((raw.lint as Raw | undefined)?.tool ?? 'auto') as LintTool) },
    test: { projects: ((raw.test as Raw | undefined)?.projects ?? null) as string[] | null },
    typecheck: { tsconfigs: ((raw.typecheck as Raw | undefined)?.tsconfigs ?? null) as string[] | null },
    boundaries: { rules },
    suppressions: { patterns },
    checks: { command },
    ...settingsOf(raw),
  };
}

/** A cycle in a directed graph as [a, b, …, a], or null. Iterative DFS with colours. */
export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>();
  for (const start of [...graph.keys()].sort()) {
    if (state.has(start)) continue;
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = graph.get(top.node) ?? [];
      if (top.next >= edges.length) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const to = edges[top.next++]!;
      if (state.get(to) === 1) {
        const path = stack.map((f) => f.node);
        return [...path.slice(path.indexOf(to)), to];
      }
      if (!state.has(to)) {
        state.set(to, 1);
        stack.push({ node: to, next: 0 });
      }
    }
  }
  return null;
}
