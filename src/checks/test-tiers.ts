import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isCode } from '../scope/classify.js';
import { Resolver } from '../tools/source.js';

/** Names a file exports (`export function x`, `export const x`, `export { a, b as c }`): what a test of it would use. */
function exportedNames(text: string): string[] {
  const names = [...text.matchAll(/\bexport\s+(?:default\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|interface|type|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!);
  for (const m of text.matchAll(/\bexport\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name && /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default') names.push(name);
    }
  }
  return [...new Set(names)];
}

const stem = (path: string) => basename(path).replace(/\.(?:test|spec)?\.?[cm]?[jt]sx?$/, '').replace(/\.(?:test|spec)$/, '');
const read = (abs: string) => {
  try {
    return readFileSync(abs, 'utf8');
  } catch {
    return '';
  }
};
const word = (w: string) => new RegExp(`(?<![\\w$])${w.replace(/[$]/g, '\\$')}(?![\\w$])`);

/**
 * How directly a test file exercises the change, highest first: it changed (100); it imports a changed
 * file itself, not through a barrel (50); it is that file's namesake (`slug.ts` ↔ `slug.test.ts`, 40); it
 * names something a changed file exports (20); it mentions a changed file's name (10). Reaching a changed
 * file only through a barrel that every test imports scores nothing: that is every test.
 */
export function rankTests(root: string, tests: readonly string[], changed: readonly string[]): Map<string, number> {
  const code = changed.filter(isCode);
  const changedSet = new Set(code);
  const stems = code.map(stem).filter((s) => s.length > 2 && s !== 'index');
  const exports = code.filter((f) => !tests.includes(f)).flatMap((f) => exportedNames(read(join(root, f))));
  const resolver = new Resolver(root);
  const scores = new Map<string, number>();
  for (const t of tests) {
    let score = 0;
    if (changedSet.has(t)) score = 100;
    else {
      const direct = resolver.scan(t).refs.some((r) => r.specifier !== null && changedSet.has(resolver.resolve(t, r.specifier).path ?? ''));
      const text = read(join(root, t));
      if (direct) score = 50;
      else if (stems.includes(stem(t))) score = 40;
      else if (exports.some((n) => n.length > 2 && word(n).test(text))) score = 20;
      else if (stems.some((s) => word(s).test(text))) score = 10;
    }
    scores.set(t, score);
  }
  return scores;
}

/** The size of a first tier for a suite of `n` test files: the larger of 5 and a tenth. */
export const TIER_CAP = (n: number): number => Math.max(5, Math.ceil(n / 10));

/**
 * Tier 1 of a loop's tests: the test files that exercise the change most directly, at most a few (the
 * larger of 5 and a tenth of the suite) so a failure there is known in seconds; empty when nothing scores.
 */
export function firstTier(scores: ReadonlyMap<string, number>): string[] {
  const cap = TIER_CAP(scores.size);
  const ranked = [...scores].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const best = ranked.filter(([, s]) => s >= 20);
  return (best.length > 0 ? best : ranked).slice(0, cap).map(([t]) => t);
}
