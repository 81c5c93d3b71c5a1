import type { ToolContext } from '../model.js';
import { runBiome } from './biome.js';
import { runEslint, type LintRun } from './eslint.js';
import { locate, type Located, type ToolSpec } from './find.js';
import { runOxlint } from './oxlint.js';

/** A linter harness can drive: its package, the config files that put a scope in its reach, and one run over files. */
export interface Linter {
  name: 'eslint' | 'biome' | 'oxlint';
  spec: ToolSpec;
  /** Config file names, first the usual one. */
  configs: readonly string[];
  /** Lint repo-relative files under the config that reaches them (absolute; null: none found). */
  run(ctx: ToolContext, argv: readonly string[], files: readonly string[], config: string | null): Promise<LintRun>;
}

const CODE_EXTENSIONS = ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts'];

/** In the order a tie (configs at the same level) is broken. */
export const LINTERS: readonly Linter[] = [
  {
    name: 'eslint',
    spec: { pkg: 'eslint', bin: 'eslint' },
    configs: CODE_EXTENSIONS.map((e) => `eslint.config.${e}`),
    run: runEslint,
  },
  { name: 'biome', spec: { pkg: '@biomejs/biome', bin: 'biome' }, configs: ['biome.json', 'biome.jsonc'], run: runBiome },
  { name: 'oxlint', spec: { pkg: 'oxlint', bin: 'oxlint' }, configs: ['.oxlintrc.json', '.oxlintrc.jsonc'], run: runOxlint },
];

/** The target's own install of a linter, found from `fromDir`. */
export function findLinter(root: string, fromDir: string, linter: Linter): Located {
  return locate(root, fromDir, linter.spec);
}
