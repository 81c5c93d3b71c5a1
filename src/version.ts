import { readFileSync } from 'node:fs';

/** harness's own version (package.json), part of every cache key. */
export const HARNESS_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
