import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../model.js';
import { isCode } from '../scope/classify.js';
import { matcher } from '../util/glob.js';
import { guard, noDiff, verdict, type Check } from './check.js';

/** Lines of a file (a NUL byte does not make code uncountable), or null for a missing file. */
function lineCount(abs: string): number | null {
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch {
    return null;
  }
  let n = 0;
  for (const b of buf) if (b === 10) n++;
  return buf.length > 0 && buf[buf.length - 1] !== 10 ? n + 1 : n;
}

/**
 * file_size — a changed code file (not ignored) longer than `[limits] max_file_lines` fails with its
 * count. Lockfiles, snapshots and data files are not code: nobody can split them.
 */
export function fileSizeCheck(): Check {
  return guard('file_size', 0.5, [], async (ctx) => {
    if (ctx.scope.merge_base === null) return noDiff(ctx.scope);
    const max = ctx.config.limits.max_file_lines;
    const ignored = matcher(ctx.config.scope.ignore);
    const findings = ctx.scope.changed_files.flatMap((path): Finding[] => {
      if (ignored(path) || !isCode(path)) return [];
      const n = lineCount(join(ctx.root, path));
      return n !== null && n > max ? [{ path, line: max + 1, col: 1, message: `${n} lines, over the limit of ${max} ([limits] max_file_lines): split it` }] : [];
    });
    return verdict(findings);
  });
}
