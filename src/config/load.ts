import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import { pruneJson, writeAtomic } from '../util/atomic.js';
import { harnessDir, harnessPath } from '../util/harness-dir.js';
import { HARNESS_VERSION } from '../version.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';
import { validateConfig } from './validate.js';
import { deriveRawConfig } from './workspace.js';

interface TomlError {
  message: string;
  line?: number;
  column?: number;
  location?: { start?: { line: number; column: number } };
}

/**
 * harness.toml from `--config`, else `<root>/harness.toml`, else defaults derived from the workspace.
 * An explicit --config that does not exist is an error, not a silent fallback.
 */
export async function loadConfig(root: string, configOption: string | undefined): Promise<Config> {
  const file = configOption ? resolve(configOption) : resolve(root, 'harness.toml');
  if (!existsSync(file)) {
    if (configOption) throw new HarnessError('config', `config file not found: ${file}`, '--config');
    return validateConfig(deriveRawConfig(root), null);
  }
  const text = readFileSync(file, 'utf8');
  // A config that passed before, parsed: skips TOML parsing and ajv (together 0.15-0.4 s a call).
  const key = createHash('sha256').update(`${HARNESS_VERSION}\0${JSON.stringify(configSchema)}\0${file}\0${text}`).digest('hex').slice(0, 32);
  const cached = harnessPath(root, 'cache', 'config', `${key}.json`);
  const hit = readCached(cached);
  if (hit) return validateConfig(hit, file, true);
  const { parse } = (await import('toml')).default;
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (e) {
    const err = e as TomlError;
    const at = err.location?.start ?? (err.line ? { line: err.line, column: err.column ?? 0 } : undefined);
    throw new HarnessError('config', `${file}: invalid TOML${at ? ` at line ${at.line}, column ${at.column}` : ''}: ${err.message}`);
  }
  const config = validateConfig(raw, file);
  // What passed the schema is JSON-exact: ajv's number types reject inf/nan, and a TOML date fails
  // every field (all are strings, numbers, booleans, arrays or tables), so JSON gives back the same object.
  store(root, cached, JSON.stringify(raw));
  return config;
}

function readCached(path: string): Record<string, unknown> | null {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Parsed configs kept (one per harness.toml text seen last). */
const KEEP_CONFIGS = 8;

function store(root: string, path: string, json: string): void {
  try {
    const dir = harnessDir(root, 'cache', 'config');
    writeAtomic(path, json);
    pruneJson(dir, KEEP_CONFIGS);
  } catch {
    // a read-only tree only loses the shortcut
  }
}
