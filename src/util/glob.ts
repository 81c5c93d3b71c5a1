/**
 * Minimal glob → RegExp for repo-relative POSIX paths (the shapes harness.toml and workspace manifests
 * use: `**\/*.md`, `docs/**`, `packages/*`, `tsconfig*.json`, `packages/{core,math}`). Node 20 has no
 * stable glob matcher.
 * `*` and `?` never cross `/`; `**` as a whole segment spans any number of segments.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  const segments = glob.split('/');
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      re += last ? '.*' : '(?:[^/]*/)*';
      return;
    }
    // `{a,b}` alternation only when the segment has a well-formed group; otherwise braces are literal.
    const braces = /\{[^{}]*,[^{}]*\}/.test(seg);
    let inBraces = false;
    for (const ch of seg) {
      if (ch === '*') re += '[^/]*';
      else if (ch === '?') re += '[^/]';
      else if (braces && ch === '{' && !inBraces) {
        inBraces = true;
        re += '(?:';
      } else if (ch === '}' && inBraces) {
        inBraces = false;
        re += ')';
      } else if (ch === ',' && inBraces) re += '|';
      else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    if (!last) re += '/';
  });
  return new RegExp(`^${re}$`, 's');
}

export function matcher(globs: readonly string[]): (path: string) => boolean {
  const res = globs.map(globToRegExp);
  return (path) => res.some((r) => r.test(path));
}
