import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandCheckConfig } from '../config/types.js';
import type { Finding } from '../model.js';
import { note, PASS, toolError, type Check, type CheckContext } from './check.js';

/** A printed line as a finding: located when it has harness's own `path:line:col message` form. */
function findingOf(line: string): Finding {
  const m = /^(.+?):(\d+):(\d+) (.*)$/s.exec(line);
  return m ? { path: m[1]!, line: +m[2]!, col: +m[3]!, message: m[4]! } : note(line);
}

/** Lines a command prints on stdout as findings: `path:line[:col] message` or `ERROR …`; else its last output lines. */
export function commandFindings(stdout: string, tail: string): Finding[] {
  const lines = (text: string) => text.split(/\r?\n/).map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trimEnd()).filter(Boolean);
  const found = lines(stdout).filter((l) => /^ERROR\b/.test(l) || /^\S.*?:\d+(:\d+)?[\s:]/.test(l));
  return (found.length > 0 ? found.map((l) => l.replace(/^ERROR:?\s*/, '')) : lines(tail).slice(-5)).map(findingOf);
}

/**
 * command:<id> — a `[[checks.command]]` entry, run as an argv array from the repo root. The scope is
 * passed in the environment: HARNESS_SCOPES (JSON array of expanded scopes), HARNESS_MODE, HARNESS_BASE,
 * HARNESS_MERGE_BASE, and HARNESS_CHANGED_FILES (path of a JSON array file: the list can exceed env limits).
 */
export function commandCheck(spec: CommandCheckConfig): Check {
  return {
    id: `command:${spec.id}`,
    cost: 1,
    async run(ctx: CheckContext) {
      const changed = join(ctx.runDir, `${ctx.fileStem}.changed-files.json`);
      writeFileSync(changed, JSON.stringify(ctx.scope.changed_files));
      const env = {
        ...process.env,
        HARNESS_SCOPES: JSON.stringify(ctx.scope.expanded_scopes),
        HARNESS_MODE: ctx.scope.mode,
        HARNESS_BASE: ctx.scope.base,
        HARNESS_MERGE_BASE: ctx.scope.merge_base ?? '',
        HARNESS_CHANGED_FILES: changed,
      };
      const res = await ctx.exec(spec.run, { env });
      if (res.spawnError) return toolError(`command ${JSON.stringify(spec.run[0])}`, res, 'could not start');
      if (res.code === 0) return PASS;
      if (res.code === null) return toolError(spec.id, res, 'was killed');
      return { status: 'fail', findings: commandFindings(res.stdout, res.tail) };
    },
  };
}
