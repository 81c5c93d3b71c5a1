import { dirname, join, resolve } from 'node:path';
import { nearest } from './find.js';
import { loadTs } from './source.js';

export interface Project {
  /** Absolute path of the tsconfig. */
  tsconfig: string;
  files: Set<string>;
  /** False when the tsconfig says `incremental: false`: then no buildinfo is kept for it. */
  incremental: boolean;
}

function parse(tsconfig: string): { project: Project; references: string[] } {
  const ts = loadTs();
  const read = ts.readConfigFile(tsconfig, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dirname(tsconfig), undefined, tsconfig);
  const references = (parsed.projectReferences ?? []).map((r) => {
    const p = resolve(dirname(tsconfig), r.path);
    return p.endsWith('.json') ? p : join(p, 'tsconfig.json');
  });
  const incremental = parsed.options.incremental !== false || parsed.options.composite === true;
  return { project: { tsconfig, files: new Set(parsed.fileNames.map((f) => resolve(f))), incremental }, references };
}

/**
 * The tsconfig projects that compile a scope's files: the nearest tsconfig.json of each directory, or,
 * for a solution-style config (`files: []` + `references`), the referenced projects that include
 * them. A config that compiles none of the scope's files is not used: it would check nothing.
 */
export function projectsFor(root: string, dirs: readonly string[], scopeFiles: readonly string[]): { projects: Project[]; uncovered: string[] } {
  const projects = new Map<string, Project>();
  const uncovered: string[] = [];
  const covers = (p: Project) => scopeFiles.some((f) => p.files.has(f));
  for (const dir of dirs) {
    const start = nearest(root, dir, ['tsconfig.json']);
    if (!start) {
      uncovered.push(dir);
      continue;
    }
    const queue = [start];
    const seen = new Set<string>();
    let found = false;
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      const { project, references } = parse(next);
      if (covers(project)) {
        projects.set(project.tsconfig, project);
        found = true;
      }
      queue.push(...references);
    }
    if (!found) uncovered.push(start);
  }
  return { projects: [...projects.values()], uncovered };
}
