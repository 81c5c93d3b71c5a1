/**
 * A strict reader of yarn v1's yarn.lock, which is not YAML: indentation-nested `key value` lines,
 * `key:` opening an object, top-level keys listing every range that resolved alike
 * (`"@babel/core@^7.0.0", "@babel/core@^7.1.0":`), strings quoted as JSON. It accepts what yarn 1
 * writes and refuses anything else (odd indentation, an unterminated string, merge-conflict markers, a
 * line it cannot read): the caller then fails closed.
 */

type Token = { kind: 'string'; value: string | boolean } | { kind: ':' | ',' };
export type YarnV1Value = string | boolean | YarnV1Object;
export interface YarnV1Object {
  [key: string]: YarnV1Value;
}

/** The end (exclusive) of a JSON string starting at `start` (a `"`), or -1 when it is not terminated. */
function stringEnd(line: string, start: number): number {
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return i + 1;
  }
  return -1;
}

function tokenize(line: string, at: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ') i++;
    else if (ch === ':' || ch === ',') {
      out.push({ kind: ch });
      i++;
    } else if (ch === '"') {
      const end = stringEnd(line, i);
      if (end < 0) throw new Error(`${at}: unterminated string`);
      out.push({ kind: 'string', value: JSON.parse(line.slice(i, end)) as string });
      i = end;
    } else if (ch === '#') break;
    else {
      const word = /^[^\s:,]+/.exec(line.slice(i))![0];
      out.push({ kind: 'string', value: word === 'true' ? true : word === 'false' ? false : word });
      i += word.length;
    }
  }
  return out;
}

/** The keys before an opening `:` (`a, b, c:`), each a string. */
function keysOf(tokens: Token[], at: string): string[] {
  const keys: string[] = [];
  tokens.forEach((t, i) => {
    const expectKey = i % 2 === 0;
    if (expectKey && t.kind === 'string' && typeof t.value === 'string') keys.push(t.value);
    else if (expectKey || t.kind !== ',') throw new Error(`${at}: cannot read the key list`);
  });
  if (keys.length === 0 || tokens.length % 2 === 0) throw new Error(`${at}: cannot read the key list`);
  return keys;
}

/** One `key value` (or `key: value`) line. */
function pairOf(tokens: Token[], at: string): [string, string | boolean] {
  const [key, ...rest] = tokens;
  const values = rest[0]?.kind === ':' ? rest.slice(1) : rest;
  const value = values.length === 1 ? values[0] : undefined;
  if (key?.kind !== 'string' || typeof key.value !== 'string' || value?.kind !== 'string') throw new Error(`${at}: cannot read this line`);
  return [key.value, value.value];
}

/** Parses a yarn v1 lockfile into nested objects; throws naming the line it cannot read. */
export function parseYarnV1(text: string): YarnV1Object {
  const root: YarnV1Object = {};
  const stack: YarnV1Object[] = [root];
  text.split('\n').forEach((raw, n) => {
    const line = raw.replace(/\r$/, '');
    const at = `line ${n + 1}`;
    if (/^(?:<{7}|={7}|>{7})/.test(line)) throw new Error(`${at}: a merge-conflict marker`);
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) return;
    const indent = line.length - content.length;
    if (/^\s*\t/.test(line) || indent % 2 !== 0 || indent / 2 >= stack.length) throw new Error(`${at}: unexpected indentation`);
    stack.length = indent / 2 + 1;
    const parent = stack.at(-1)!;
    const tokens = tokenize(content, at);
    if (tokens.at(-1)?.kind === ':') {
      const child: YarnV1Object = {};
      for (const key of keysOf(tokens.slice(0, -1), at)) parent[key] = child;
      stack.push(child);
    } else {
      const [key, value] = pairOf(tokens, at);
      parent[key] = value;
    }
  });
  return root;
}
