import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** A tool of the target repository: the npm package that provides it and the bin that runs it. */
export interface ToolSpec {
  pkg: string;
  bin: string;
}

/** A located tool: `node <bin script>`, or what to install. */
export type Located = { argv: string[] } | { missing: string };

/**
 * The directory of an installed package as Node would find it from `fromDir` (node_modules walk),
 * never looking above the repository root: harness drives the target's own tools, not its own copies.
 */
export function findPackage(root: string, fromDir: string, name: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || !dir.startsWith(root)) return null;
    dir = dirname(dir);
  }
}

/** The version in an installed package's manifest. */
export function packageVersion(pkgDir: string): string {
  return (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The major version of the package `name` that holds a bin script (the nearest manifest of that name above it), or null. */
export function majorOfBin(script: string, name: string): number | null {
  for (let dir = dirname(script); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return Number(String(pkg.version).split('.')[0]) || null;
  }
  return null;
}

/** Absolute path of a package's bin script. */
function binOf(pkgDir: string, bin: string): string | null {
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
  return rel ? join(pkgDir, rel) : null;
}

/** `node <bin>` argv for a tool of the target repo, or an explanation of what to install. */
export function locate(root: string, fromDir: string, tool: ToolSpec): Located {
  const dir = findPackage(root, fromDir, tool.pkg);
  const script = dir ? binOf(dir, tool.bin) : null;
  if (!script) {
    return { missing: `${tool.pkg} is not installed in ${relative(root, fromDir) || '.'} or above (install it: npm i -D ${tool.pkg})` };
  }
  return { argv: [process.execPath, script] };
}

/** Repo-relative POSIX path of an absolute path. */
export function repoPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

/** The nearest file named one of `names` from `fromDir` up to root, or null. */
export function nearest(root: string, fromDir: string, names: readonly string[]): string | null {
  let dir = fromDir;
  for (;;) {
    for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
    if (dir === root || !dir.startsWith(root)) return null;
    dir = dirname(dir);
  }
}
