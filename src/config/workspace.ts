import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { HarnessError } from '../errors.js';
import { globToRegExp } from '../util/glob.js';

export interface WorkspacePackage {
  /** Repo-relative POSIX directory ('' for the root package). */
  dir: string;
  name: string;
  manifest: Record<string, unknown>;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new HarnessError('config', `cannot read ${file}: ${(e as Error).message}`);
  }
}

/** The `packages:` list of pnpm-workspace.yaml (the only key harness needs; no YAML dependency for one list). */
export function pnpmWorkspaceGlobs(text: string): string[] {
  const unquote = (v: string) => v.trim().replace(/\s+#.*$/, '').replace(/^(['"])(.*)\1$/, '$2');
  const globs: string[] = [];
  let inPackages = false;
  for (const line of text.split(/\r?\n/)) {
    const inline = /^packages\s*:\s*\[(.*)\]\s*(?:#.*)?$/.exec(line);
    if (inline) return inline[1]!.split(',').map(unquote).filter(Boolean);
    if (/^\S/.test(line) && !/^-/.test(line)) {
      inPackages = /^packages\s*:\s*(?:#.*)?$/.test(line);
      continue;
    }
    const item = inPackages ? /^\s*-\s*(.+?)\s*$/.exec(line) : null;
    if (item) globs.push(unquote(item[1]!));
  }
  return globs;
}

function workspaceGlobs(root: string): string[] {
  const pnpm = join(root, 'pnpm-workspace.yaml');
  if (existsSync(pnpm)) return pnpmWorkspaceGlobs(readFileSync(pnpm, 'utf8'));
  const pkgFile = join(root, 'package.json');
  if (!existsSync(pkgFile)) return [];
  const ws = readJson(pkgFile).workspaces;
  if (Array.isArray(ws)) return ws.map(String);
  if (ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)) {
    return (ws as { packages: unknown[] }).packages.map(String);
  }
  return [];
}

/** Directories below root (POSIX, repo-relative) that match a workspace glob and hold a package.json. */
function expand(root: string, globs: string[]): string[] {
  const include = globs.filter((g) => !g.startsWith('!')).map((g) => globToRegExp(posix.normalize(g).replace(/\/$/, '')));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => globToRegExp(posix.normalize(g.slice(1)).replace(/\/$/, '')));
  const maxDepth = globs.some((g) => g.includes('**')) ? 8 : Math.max(0, ...globs.map((g) => g.split('/').length));
  const found: string[] = [];
  const walk = (rel: string, depth: number): void => {
    if (depth > maxDepth) return;
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (include.some((r) => r.test(path)) && !exclude.some((r) => r.test(path)) && existsSync(join(root, path, 'package.json'))) {
        found.push(path);
      }
      walk(path, depth + 1);
    }
  };
  walk('', 1);
  return found.sort();
}

export function workspacePackages(root: string): WorkspacePackage[] {
  return expand(root, workspaceGlobs(root)).map((dir) => {
    const manifest = readJson(join(root, dir, 'package.json'));
    return { dir, name: typeof manifest.name === 'string' ? manifest.name : dir, manifest };
  });
}

/**
 * The raw harness.toml a workspace implies (same shape as the file): one scope per workspace package,
 * dependencies from the manifests (cycles as they are), devDependencies as test-only edges.
 * A repo without workspaces is one scope '.'.
 */
export function deriveRawConfig(root: string): Record<string, unknown> {
  const pkgs = workspacePackages(root);
  if (pkgs.length === 0) {
    return { scope: { path_map: { '.': '.' }, dependencies: { '.': [] } } };
  }
  // Scope names appear in check ids and --only lists: keep them to a safe alphabet.
  const base = (dir: string) => dir.split('/').at(-1)!.replace(/[^A-Za-z0-9@._/-]+/g, '-');
  const clash = new Set(pkgs.map((p) => base(p.dir)).filter((b, i, all) => all.indexOf(b) !== i));
  const taken = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
    taken.add(n);
    return n;
  };
  const scopeOf = new Map(pkgs.map((p) => [p.name, unique(clash.has(base(p.dir)) ? p.dir.replace(/[^A-Za-z0-9@._/-]+/g, '-') : base(p.dir))]));
  const pathMap: Record<string, string> = {};
  const deps = new Map<string, string[]>();
  const testDeps: Record<string, string[]> = {};
  const edges = (p: WorkspacePackage, fields: string[]) =>
    fields.flatMap((f) => Object.keys((p.manifest[f] ?? {}) as object)).filter((n) => scopeOf.has(n) && n !== p.name);
  for (const p of pkgs) {
    const s = scopeOf.get(p.name)!;
    pathMap[`${p.dir}/`] = s;
    const runtime = [...new Set(edges(p, ['dependencies', 'peerDependencies', 'optionalDependencies']).map((n) => scopeOf.get(n)!))];
    deps.set(s, runtime);
    // A devDependency is what tests and tools use: a test-only edge (init's import scan promotes it when runtime code imports it).
    const dev = [...new Set(edges(p, ['devDependencies']).map((n) => scopeOf.get(n)!))].filter((d) => !runtime.includes(d));
    if (dev.length > 0) testDeps[s] = dev;
  }
  return {
    scope: { path_map: pathMap, dependencies: Object.fromEntries(deps), test_dependencies: testDeps },
  };
}

/**
 * The vitest projects the root package.json `test` script selects (`--project unit`, `--project='unit*'`),
 * or null when it names none: the repo's own test command is what loop, gate and mutate run.
 */
export function scriptProjects(root: string): string[] | null {
  let scripts: Record<string, unknown> | undefined;
  try {
    scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> }).scripts;
  } catch {
    return null;
  }
  // Follow a delegating script (`pnpm run test:unit`, `npm run x`, `yarn x`) a few steps, to what it runs.
  let script = scripts?.test;
  for (let hops = 0; hops < 5 && typeof script === 'string'; hops++) {
    const found = [...script.matchAll(/--project(?:=|\s+)(?:'([^']*)'|"([^"]*)"|([^\s'"]+))/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
    if (found.length > 0) return found;
    const next = /^\s*(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?([\w:.-]+)\s*$/.exec(script)?.[1];
    script = next !== undefined && next !== 'test' ? scripts?.[next] : undefined;
  }
  return null;
}
