import type { FileDiff } from '../diff/lines.js';
import type { Finding } from '../model.js';
import { classifier } from '../scope/classify.js';
import { matcher } from '../util/glob.js';
import { diffGuard, verdict, type Check } from './check.js';

/** TypeScript reads its pragmas case-insensitively (`// @TS-NOCHECK` works), so these match any case. */
const EVERYWHERE = [
  /@ts-ignore\b/i,
  /@ts-nocheck\b/i,
  /@ts-expect-error\b/i,
  /eslint-disable/,
  /\/[*/]\s*eslint\s+[^\s*]+\s*:/, // inline rule config: /* eslint no-console: "off" */
  /Stryker disable/,
];
const IN_TESTS = [
  /\.(?:only|skip|todo|skipIf|runIf)\s*\(/,
  /\[\s*['"](?:only|skip|todo)['"]\s*\]/,
  /\b(?:xit|xdescribe|xtest|fit|fdescribe)\s*\(/,
];

/**
 * Is position `at` of a line inside a string literal that opens on that line? (`'// @ts-ignore'` in a
 * test is data, not a suppression.) Line-local on purpose: when in doubt, it is not a string.
 */
export function inString(line: string, at: number): boolean {
  let quote: string | null = null;
  for (let i = 0; i < at; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '/' && (line[i + 1] === '/' || line[i + 1] === '*')) {
      return false; // a comment starts before the match
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    }
  }
  return quote !== null;
}

/**
 * Identity of a suppression: the suppression text, plus the line it applies to when it stands on a line
 * of its own, and the file unless that file was deleted (a rename). Moving one (within a file, or with
 * its file) is not adding one; deleting one here and adding one elsewhere is.
 */
function identity(path: string, text: string, next: string | null, at: number): string {
  const own = text.slice(0, at).trim() === '' || /^\s*(?:\/\/|\/\*)/.test(text);
  return own ? `${path}\n${text.trim()}\n${next?.trim() ?? ''}` : `${path}\n${text.slice(at).trim()}`;
}

/**
 * suppressions — lines ADDED by the diff (merge-base → work tree) that introduce a type, lint or mutation
 * suppression, or focus/skip a test (DESIGN §4). Files matching `[scope] ignore` (docs) are not code.
 */
export function suppressionsCheck(): Check {
  return diffGuard('suppressions', (ctx, diff) => {
    const { isTest } = classifier(ctx.config);
    const ignored = matcher(ctx.config.scope.ignore);
    const patternsFor = (path: string) => [...EVERYWHERE, ...(isTest(path) ? IN_TESTS : []), ...ctx.config.suppressions.patterns];
    const hit = (path: string, text: string) => patternsFor(path).find((p) => p.test(text) && !inString(text, text.search(p)));
    const files: FileDiff[] = [...diff.values()].filter((f) => !ignored(f.path));
    // Removed suppressions, keyed by identity; a deleted file's may reappear anywhere (a rename).
    const removed = new Map<string, number>();
    const key = (f: FileDiff, text: string, next: string | null, p: RegExp, as: string) => identity(as, text, next, text.search(p));
    for (const f of files) {
      for (const l of f.removed) {
        const p = hit(f.path, l.text);
        if (p) {
          const k = key(f, l.text, l.next, p, f.deleted ? '' : f.path);
          removed.set(k, (removed.get(k) ?? 0) + 1);
        }
      }
    }
    const take = (k: string) => {
      const n = removed.get(k) ?? 0;
      if (n > 0) removed.set(k, n - 1);
      return n > 0;
    };
    const findings: Finding[] = [];
    for (const f of files) {
      for (const l of f.added) {
        const pattern = hit(f.path, l.text);
        if (!pattern) continue;
        if (take(key(f, l.text, l.next, pattern, f.path)) || take(key(f, l.text, l.next, pattern, ''))) continue;
        const col = l.text.search(pattern) + 1;
        findings.push({ path: f.path, line: l.line, col, message: `new suppression ${JSON.stringify(l.text.trim().slice(0, 80))}: fix the cause instead` });
      }
    }
    return verdict(findings);
  });
}
