import { Git } from './git.js';

/**
 * The text of a file at a commit (`path` relative to root, which may be a subdirectory of its
 * repository), or null when that commit has no such file. A git failure other than absence throws:
 * the caller must not mistake "cannot read" for "did not exist".
 */
export async function textAtCommit(root: string, commit: string, path: string): Promise<string | null> {
  const git = new Git(root);
  // `<commit>:./<path>` is relative to the working directory (a subdirectory --cwd), never a pathspec.
  const object = `${commit}:./${path}`;
  if ((await git.tryRaw(['cat-file', '-e', object])) === null) return null;
  return git.raw(['cat-file', 'blob', object]);
}
