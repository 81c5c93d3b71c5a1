import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HarnessError } from '../errors.js';
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
  const { parse } = (await import('toml')).default;
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (e) {
    const err = e as TomlError;
    const at = err.location?.start ?? (err.line ? { line: err.line, column: err.column ?? 0 } : undefined);
    throw new HarnessError('config', `${file}: invalid TOML${at ? ` at line ${at.line}, column ${at.column}` : ''}: ${err.message}`);
  }
  return validateConfig(raw, file);
}
