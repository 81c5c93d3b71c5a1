import type { CommandVerb } from '../model.js';

export interface CommandCheckConfig {
  id: string;
  run: string[];
  verbs: CommandVerb[];
  /** Run only when one of these scopes is in the expanded set; empty = always. */
  scopes: string[];
}

export interface BoundaryRule {
  scope: string;
  /** Package names or path prefixes (repo-relative) the scope must not reference. */
  forbid: string[];
  /** Text no string literal or template string in the scope may contain. */
  forbid_strings: string[];
}

export interface Config {
  /** Absolute path of the file the config came from, or null when derived from the workspace. */
  source: string | null;
  base: string | null;
  scope: {
    global: string[];
    ignore: string[];
    /** Normalised prefix ('' = repo root, else 'dir/sub/') → scope name. */
    path_map: Map<string, string>;
    dependencies: Map<string, string[]>;
    test_dependencies: Map<string, string[]>;
    /** Globs recognising test files (vs runtime files). */
    test_globs: string[];
  };
  boundaries: { rules: BoundaryRule[] };
  limits: { max_file_lines: number };
  mutate: { require_changed_tests: boolean; max_mutants: number };
  suppressions: { patterns: RegExp[] };
  loop: { budget_seconds: number };
  gate: { check_timeout_seconds: number };
  checks: { command: CommandCheckConfig[] };
  output: { max_checks: number; max_details: number; max_detail_chars: number; max_files: number };
}

/** Files whose change can affect every scope (DESIGN §3); root-anchored globs. `[scope] global` adds to these. */
export const DEFAULT_GLOBAL = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'yarn.lock',
  'bun.lock',
  'bun.lockb',
  '.npmrc',
  'tsconfig*.json',
  'harness.toml',
  'eslint.config.*',
  '.eslintrc*',
  'vitest.config.*',
  'vitest.workspace.*',
  'vite.config.*',
];

export const DEFAULT_TEST_GLOBS = ['**/*.test.*', '**/*.spec.*', '**/test/**', '**/tests/**', '**/__tests__/**'];

export const DEFAULTS = {
  max_file_lines: 500,
  budget_seconds: 180,
  check_timeout_seconds: 900,
  max_checks: 20,
  max_details: 8,
  max_detail_chars: 240,
  max_files: 50,
};
