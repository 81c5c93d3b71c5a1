import type { Config } from '../config/types.js';
import type { CheckReport, Finding } from '../model.js';
import { ownerOf } from '../scope/resolve.js';

const key = (f: Finding) => `${f.path}\0${f.line}\0${f.col}\0${f.message}`;

/**
 * A type error belongs to the scope that owns its file. When `typecheck:<A>` reports one in a file of
 * scope B and `typecheck:<B>` of the same run reports the very same finding, it is B's alone: A drops it, and A
 * passes if nothing else is left (one type error shared by a tsconfig is not three failures). A finding
 * only A sees (a stricter tsconfig of A's) stays A's.
 */
export function attributeToOwners(reports: readonly CheckReport[], config: Config): CheckReport[] {
  const byId = new Map(reports.map((r) => [r.id, new Set(r.findings.map(key))]));
  return reports.map((r) => {
    // Typecheck only: a shared tsconfig reports one diagnostic to every scope compiling it; a test or a
    // lint finding is its own check's, whoever owns the file it points at.
    const m = /^(typecheck):(.+)$/.exec(r.id);
    if (!m || r.status !== 'fail') return r;
    const [, kind, scope] = m;
    const ownersReport = (f: Finding) => {
      const owner = f.path === null ? null : ownerOf(f.path, config.scope.path_map);
      return owner !== null && owner !== scope && byId.get(`${kind}:${owner}`)?.has(key(f)) === true;
    };
    const findings = r.findings.filter((f) => !ownersReport(f));
    if (findings.length === r.findings.length) return r;
    if (findings.length > 0) return { ...r, findings };
    const owners = [...new Set(r.findings.map((f) => `${kind}:${ownerOf(f.path!, config.scope.path_map)}`))].sort();
    return { ...r, status: 'pass', findings: [{ path: null, message: `what it found is in other scopes' files, reported there (${owners.join(', ')})` }] };
  });
}
