import { simpleGit, type SimpleGit } from 'simple-git';

/** Git run in the target repo. Arguments are an argv array (never a shell string); output is raw. */
export class Git {
  private readonly git: SimpleGit;

  constructor(readonly root: string) {
    this.git = simpleGit({ baseDir: root, trimmed: false });
  }

  raw(args: string[]): Promise<string> {
    return this.git.raw(args);
  }

  /** Like raw, but a failing command yields null (used for probes such as "is this ref known?"). */
  async tryRaw(args: string[]): Promise<string | null> {
    try {
      return await this.git.raw(args);
    } catch {
      return null;
    }
  }

  /**
   * A file's text at a commit, the path relative to this repo's root (a subdirectory --cwd included);
   * null when the commit has no such file (or git cannot show it).
   */
  showFile(commit: string, path: string): Promise<string | null> {
    return this.tryRaw(['show', '--end-of-options', `${commit}:./${path}`]);
  }

  /** NUL-separated output (from -z) split into paths. */
  static splitZ(out: string): string[] {
    return out.split('\0').filter((p) => p.length > 0);
  }

  /** The commit a ref names, or null when the ref is unknown. `--end-of-options` keeps a ref like `-x` data. */
  async commitOf(ref: string): Promise<string | null> {
    const out = await this.tryRaw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    return out ? out.trim() : null;
  }
}
