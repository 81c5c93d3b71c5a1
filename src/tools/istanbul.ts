import { readFileSync } from 'node:fs';

type Span = { start: { line: number }; end: { line: number } };

/** Istanbul's coverage-final.json (what @vitest/coverage-v8's `json` reporter writes), per file. */
export interface IstanbulFile {
  statementMap: Record<string, Span>;
  s: Record<string, number>;
  fnMap: Record<string, { decl: Span }>;
  f: Record<string, number>;
}

/**
 * Hit count per executable line. A line where statements start takes the best of those statements;
 * a line inside a statement takes its innermost enclosing statement (so a line in a branch that never
 * runs is not "executed" because its `if` was); a function's declaration line (a signature with default
 * values) takes the function's count. Lines with none of these are not executable.
 */
export function lineHits(cov: IstanbulFile): Map<number, number> {
  const hits = new Map<number, number>();
  const statements = Object.entries(cov.statementMap).map(([k, span]) => ({ span, n: cov.s[k] ?? 0 }));
  const starts = new Map<number, number>();
  for (const { span, n } of statements) starts.set(span.start.line, Math.max(starts.get(span.start.line) ?? 0, n));
  for (const [line, n] of starts) hits.set(line, n);
  for (const { span } of statements) {
    for (let l = span.start.line + 1; l <= span.end.line; l++) {
      if (starts.has(l) || hits.has(l)) continue;
      const inner = statements
        .filter((s) => s.span.start.line < l && s.span.end.line >= l)
        .sort((a, b) => a.span.end.line - a.span.start.line - (b.span.end.line - b.span.start.line))[0];
      if (inner) hits.set(l, inner.n);
    }
  }
  for (const [k, fn] of Object.entries(cov.fnMap ?? {})) {
    for (let l = fn.decl.start.line; l <= fn.decl.end.line; l++) if (!hits.has(l)) hits.set(l, cov.f[k] ?? 0);
  }
  return hits;
}


/** A coverage-final.json, or null when it cannot be read. */
export function readCoverage(path: string): Record<string, IstanbulFile> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, IstanbulFile>;
  } catch {
    return null;
  }
}
