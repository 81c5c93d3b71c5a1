import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { workTreeFiles } from '../diff/files.js';
import { ownerOf } from '../scope/resolve.js';
import { matcher } from '../util/glob.js';

const MAX_ENTRIES = 2000;

export interface CacheInputs {
  /** Repo-relative directory prefixes whose files the check reads ('' = everything). */
  prefixes: string[];
  /** The package of the tool it runs, whose version is part of the key. */
  tool: string;
}

/**
 * Results of passing checks, keyed by a hash of everything they read: their scopes' files (and their
 * dependencies'), files no scope owns, the global files (lockfiles, root configs, harness.toml), the tool's and harness's
 * versions. Failures are never stored. Entries are written atomically (temp file + rename), so
 * concurrent runs never see a torn entry; the directory is pruned to the newest MAX_ENTRIES.
 */
export class ResultCache {
  private files: Promise<string[]> | undefined;
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly config: Config,
    private readonly harnessVersion: string,
  ) {}

  private dir(): string {
    return join(this.root, '.harness', 'cache');
  }

  private hashFile(path: string): string {
    let h = this.hashes.get(path);
    if (h === undefined) {
      h = createHash('sha1').update(readFileSync(join(this.root, path))).digest('hex');
      this.hashes.set(path, h);
    }
    return h;
  }

  private toolVersion(tool: string): string {
    try {
      return (JSON.parse(readFileSync(join(this.root, 'node_modules', tool, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  }

  async key(id: string, inputs: CacheInputs): Promise<string> {
    this.files ??= workTreeFiles(this.root);
    const isGlobal = matcher(this.config.scope.global);
    const all = await this.files;
    // Files no scope owns can be imported by any scope: they are everyone's input.
    const unowned = (f: string) => ownerOf(f, this.config.scope.path_map) === null;
    const mine = all.filter((f) => isGlobal(f) || unowned(f) || inputs.prefixes.some((p) => f.startsWith(p)));
    const h = createHash('sha256').update(`${id}\0${this.harnessVersion}\0${inputs.tool}@${this.toolVersion(inputs.tool)}\0`);
    if (this.config.source && existsSync(this.config.source)) h.update(readFileSync(this.config.source));
    for (const f of mine) h.update(`${f}\0${this.hashFile(f)}\0`);
    return h.digest('hex');
  }

  has(key: string): boolean {
    return existsSync(join(this.dir(), `${key}.json`));
  }

  store(key: string, id: string): void {
    try {
      mkdirSync(this.dir(), { recursive: true });
      const tmp = join(this.dir(), `.${key}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify({ id, at: new Date().toISOString() }));
      renameSync(tmp, join(this.dir(), `${key}.json`));
      this.prune();
    } catch {
      // a cache that cannot be written only costs time
    }
  }

  private prune(): void {
    const names = readdirSync(this.dir()).filter((n) => n.endsWith('.json'));
    if (names.length <= MAX_ENTRIES) return;
    const byAge = names.map((n) => ({ n, t: statSync(join(this.dir(), n)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const { n } of byAge.slice(0, names.length - MAX_ENTRIES)) rmSync(join(this.dir(), n), { force: true });
  }
}
