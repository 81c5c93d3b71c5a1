import type { FileDiff } from '../diff/lines.js';
import { classifier } from '../scope/classify.js';
import { noDiff, type Check, type CheckContext, type CheckResult } from './check.js';

const EVERYWHERE = [/@ts-ignore\b/, /@ts-nocheck\b/, /@ts-expect-error\b/, /eslint-disable/, /Stryker disable/];
const IN_TESTS = [/\.only\(/, /\.skip\(/, /\bxit\(/, /\bxdescribe\(/, /\bit\.todo\(/, /\btest\.todo\(/];

/** Identity of a suppression: its own text and the code it applies to, so moving it is not adding one. */
const identity = (text: string, next: string | null) => `${text.trim()}\n${next?.trim() ?? ''}`;

/**
 * suppressions — lines ADDED by the diff (merge-base → work tree) that introduce a type, lint or mutation
 * suppression, or focus/skip a test. A suppression whose identity (line + the line it applies to) was
 * removed elsewhere in the same diff is a move (also across a rename), not a new one.
 */
export function suppressionsCheck(): Check {
  return {
    id: 'suppressions',
    cost: 0.5,
    inProcess: true,
    async run(ctx: CheckContext): Promise<CheckResult> {
      const diff = await ctx.diff();
      if (diff === null) return noDiff(ctx.scope);
      const { isTest } = classifier(ctx.config);
      const patternsFor = (path: string) => [...EVERYWHERE, ...(isTest(path) ? IN_TESTS : []), ...ctx.config.suppressions.patterns];
      const hit = (path: string, text: string) => patternsFor(path).find((p) => p.test(text));
      const removed = new Map<string, number>();
      const files: FileDiff[] = [...diff.values()];
      for (const f of files) {
        for (const l of f.removed) {
          if (hit(f.path, l.text)) removed.set(identity(l.text, l.next), (removed.get(identity(l.text, l.next)) ?? 0) + 1);
        }
      }
      const details: string[] = [];
      for (const f of files) {
        for (const l of f.added) {
          const pattern = hit(f.path, l.text);
          if (!pattern) continue;
          const id = identity(l.text, l.next);
          const moved = removed.get(id) ?? 0;
          if (moved > 0) {
            removed.set(id, moved - 1);
            continue;
          }
          const col = l.text.search(pattern) + 1;
          details.push(`${f.path}:${l.line}:${col} new suppression ${JSON.stringify(l.text.trim().slice(0, 80))}: fix the cause instead`);
        }
      }
      return details.length > 0 ? { status: 'fail', details } : { status: 'pass', details: [] };
    },
  };
}
