import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../diff/git.js';
import type { Finding } from '../model.js';
import { isCode } from '../scope/classify.js';
import { matcher } from '../util/glob.js';
import { guard, noDiff, PASS, type Check } from './check.js';

/** Lines of a text (a NUL byte does not make code uncountable). */
function linesOf(buf: Buffer): number {
  let n = 0;
  for (const b of buf) if (b === 10) n++;
  return buf.length > 0 && buf[buf.length - 1] !== 10 ? n + 1 : n;
}

/** Lines of a work-tree file, or null for a missing one. */
function lineCount(abs: string): number | null {
  try {
    return linesOf(readFileSync(abs));
  } catch {
    return null;
  }
}

/**
 * file_size — a changed code file (not ignored) longer than `[limits] max_file_lines` fails when it
 * crossed the limit in this change or grew while over it; one already over that did not grow is
 * reported (`preexisting`), not failing: the line is held. Lockfiles, snapshots and data files are
 * not code: nobody can split them.
 */
export function fileSizeCheck(): Check {
  return guard('file_size', 0.5, [], async (ctx) => {
    const mergeBase = ctx.scope.merge_base;
    if (mergeBase === null) return noDiff(ctx.scope);
    const max = ctx.config.limits.max_file_lines;
    const ignored = matcher(ctx.config.scope.ignore);
    const git = new Git(ctx.root);
    const fail: Finding[] = [];
    const held: Finding[] = [];
    for (const path of ctx.scope.changed_files) {
      const n = ignored(path) || !isCode(path) ? null : lineCount(join(ctx.root, path));
      if (n === null || n <= max) continue;
      const old = await git.tryRaw(['show', `${mergeBase}:${path}`]);
      const before = old === null ? null : linesOf(Buffer.from(old));
      const at = { path, line: max + 1, col: 1 };
      if (before === null || before <= max) fail.push({ ...at, message: `${n} lines, over the limit of ${max} ([limits] max_file_lines): split it` });
      else if (n > before) fail.push({ ...at, message: `${n} lines, grown from ${before} while over the limit of ${max} ([limits] max_file_lines): split it` });
      else held.push({ ...at, message: `${n} lines, already over the limit of ${max} before this change (${before}); not grown, so not failing` });
    }
    return fail.length > 0 ? { status: 'fail', findings: fail, ...(held.length > 0 ? { preexisting: held.length } : {}) } : { ...PASS, findings: held, ...(held.length > 0 ? { preexisting: held.length } : {}) };
  });
}
