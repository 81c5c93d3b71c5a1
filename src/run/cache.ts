import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOCKFILES, type Config } from '../config/types.js';
import { ignoredFiles, workTreeFiles } from '../diff/files.js';
import { Git } from '../diff/git.js';
import type { CacheInputs } from '../model.js';
import { ownerOf } from '../scope/resolve.js';
import { packageVersion } from '../tools/find.js';
import { pruneJson, writeAtomic } from '../util/atomic.js';
import { matcher } from '../util/glob.js';
import { harnessPath } from '../util/harness-dir.js';

const MAX_ENTRIES = 2000;

/**
 * Results of passing checks, keyed by a hash of everything they read: their scopes' files (and their
 * dependencies'), files no scope owns, the lockfiles, the global files (root configs, harness.toml), the
 * tools', Node's and harness's versions. Failures are never stored. One instance is one snapshot of
 * the work tree (files listed and hashed once); `fresh()` takes a new one, so a pass is stored only
 * when its key is the same after the run as before it (no edit landed while it ran). Entries are
 * written atomically (temp file + rename), so concurrent runs never see a torn entry; the directory
 * is pruned to the newest MAX_ENTRIES.
 */
export class ResultCache {
  private files: Promise<string[]> | undefined;
  private ignored: Promise<string[]> | undefined;
  private readonly hashes = new Map<string, string | null>();

  constructor(
    private readonly root: string,
    private readonly config: Config,
    private readonly harnessVersion: string,
    /** Where results are kept: one directory for every worktree of the repository (see cacheDir). */
    private readonly store_: string,
    /** List the work tree anew (not the run's listing): the snapshot after the checks ran. */
    private readonly relist = false,
  ) {}

  /** A new snapshot of the same repository. */
  fresh(): ResultCache {
    return new ResultCache(this.root, this.config, this.harnessVersion, this.store_, true);
  }

  private dir(): string {
    return this.store_;
  }

  /**
   * A file's content hash (a symlink: its target text and the content it reaches; a vanished file: a
   * marker); null when it cannot be known (unreadable, a link to a directory): then nothing is cached.
   */
  private hashFile(path: string): string | null {
    let h = this.hashes.get(path);
    if (h === undefined) {
      const abs = join(this.root, path);
      try {
        const link = lstatSync(abs).isSymbolicLink() ? `link:${readlinkSync(abs)}\0` : '';
        h = statSync(abs).isFile() ? createHash('sha1').update(link).update(readFileSync(abs)).digest('hex') : null;
      } catch (e) {
        h = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'deleted' : null;
      }
      this.hashes.set(path, h);
    }
    return h;
  }

  private toolVersion(tool: string): string {
    try {
      return packageVersion(join(this.root, 'node_modules', tool));
    } catch {
      return 'unknown';
    }
  }

  /** The key of a check's result, or null when an input cannot be read (then it is not cached: run it). */
  async key(id: string, inputs: CacheInputs, mergeBase: string | null): Promise<string | null> {
    if (inputs.diff && mergeBase === null) return null;
    this.files ??= workTreeFiles(this.root, { fresh: this.relist });
    // A lockfile is every check's input: a changed dependency may change any check's outcome.
    const isGlobal = matcher([...this.config.scope.global, ...Object.keys(LOCKFILES)]);
    if (inputs.ignored) this.ignored ??= ignoredFiles(this.root);
    // Both awaited together: a rejection of either is handled here, never left unhandled.
    const [files, allIgnored] = await Promise.all([this.files, inputs.ignored ? this.ignored! : []]);
    const ignored = allIgnored.filter((f) => inputs.prefixes.some((p) => f.startsWith(p)));
    const all = [...files, ...ignored];
    // Files no scope owns can be imported by any scope: they are everyone's input.
    const unowned = (f: string) => ownerOf(f, this.config.scope.path_map) === null;
    const mine = all.filter((f) => isGlobal(f) || unowned(f) || inputs.prefixes.some((p) => f.startsWith(p)));
    const tools = inputs.tools.map((t) => `${t}@${this.toolVersion(t)}`).join(',');
    const h = createHash('sha256').update(`${id}\0${this.harnessVersion}\0${process.version}\0${tools}\0${inputs.diff ? mergeBase : ''}\0${inputs.variant ?? ''}\0`);
    if (this.config.source && existsSync(this.config.source)) h.update(readFileSync(this.config.source));
    for (const f of mine) {
      const fh = this.hashFile(f);
      if (fh === null) return null;
      h.update(`${f}\0${fh}\0`);
    }
    return h.digest('hex');
  }

  has(key: string): boolean {
    return existsSync(join(this.dir(), `${key}.json`));
  }

  store(key: string, id: string): void {
    try {
      writeAtomic(join(this.dir(), `${key}.json`), JSON.stringify({ id, at: new Date().toISOString() }));
      pruneJson(this.dir(), MAX_ENTRIES);
    } catch {
      // a cache that cannot be written only costs time
    }
  }
}

/**
 * The result cache's directory: under git's common directory, so every worktree of the repository (an
 * agent per worktree) shares it: keys are content hashes of repo-relative files, the same in each, and
 * entries are written atomically. Outside git (never reached: loop needs git), the work tree's .harness/.
 */
export async function cacheDir(root: string): Promise<string> {
  const common = await new Git(root).tryRaw(['rev-parse', '--git-common-dir']);
  return common ? join(resolve(root, common.trim()), 'harness', 'cache') : harnessPath(root, 'cache');
}
