import type { CommandVerb } from '../model.js';

export interface CommandCheckConfig {
  id: string;
  run: string[];
  verbs: CommandVerb[];
  /** Run only when one of these scopes is in the expanded set; empty = always. */
  scopes: string[];
}

export const SCOPE_CHECKS = ['lint', 'typecheck', 'test'] as const;
export type ScopeCheck = (typeof SCOPE_CHECKS)[number];
export type LintTool = 'auto' | 'eslint' | 'biome' | 'oxlint';

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
    /** Per-scope check sets given in `[scope.checks]` (absent: what the scope has). */
    checks: Map<string, ScopeCheck[]>;
  };
  lint: { tool: LintTool };
  /** `--project` patterns for vitest; null: what the repo's own test script selects, else every project. */
  test: { projects: string[] | null };
  /** Globs of the tsconfigs typecheck may compile; null: every tsconfig*.json. */
  typecheck: { tsconfigs: string[] | null };
  boundaries: { rules: BoundaryRule[] };
  limits: { max_file_lines: number };
  mutate: { require_changed_tests: boolean; max_mutants: number; accept: { id: string; reason: string }[] };
  suppressions: { patterns: RegExp[] };
  loop: { budget_seconds: number; hold_the_line: boolean };
  gate: { check_timeout_seconds: number; hold_the_line: boolean };
  checks: { command: CommandCheckConfig[] };
  output: { max_checks: number; max_details: number; max_detail_chars: number; max_files: number };
}

/**
 * Files whose change can affect every scope (DESIGN §3), root-anchored globs, each with why it is global
 * (the words of the envelope's `full_reason`). `[scope] global` adds to these.
 */
export const GLOBAL_FILES: readonly { glob: string; why: string }[] = [
  { glob: 'package.json', why: "the root manifest: every package's scripts, dependencies and workspaces" },
  // bun's lockfiles are not read (yet): a change there is assumed to reach every package.
  { glob: 'bun.lock', why: 'the lockfile: the dependencies every package resolves' },
  { glob: 'bun.lockb', why: 'the lockfile: the dependencies every package resolves' },
  { glob: 'pnpm-workspace.yaml', why: "pnpm's workspace: which packages exist, catalogs and overrides" },
  { glob: '.npmrc', why: 'npm/pnpm settings: how every dependency is installed' },
  { glob: '.nvmrc', why: 'the Node version every package runs on' },
  { glob: '.node-version', why: 'the Node version every package runs on' },
  { glob: 'tsconfig*.json', why: 'a root tsconfig: compiler options every package may inherit' },
  { glob: 'harness.toml', why: "harness's own config: the scopes and checks themselves" },
  { glob: 'eslint.config.*', why: 'the root ESLint config: lint rules of every package' },
  { glob: '.eslintrc*', why: 'the root ESLint config: lint rules of every package' },
  { glob: 'biome.json', why: 'the root Biome config: lint rules of every package' },
  { glob: 'biome.jsonc', why: 'the root Biome config: lint rules of every package' },
  { glob: '.oxlintrc.json', why: 'the root oxlint config: lint rules of every package' },
  { glob: '.oxlintrc.jsonc', why: 'the root oxlint config: lint rules of every package' },
  { glob: 'vitest.config.*', why: 'the root Vitest config: how every package is tested' },
  { glob: 'vitest.workspace.*', why: 'the root Vitest workspace: how every package is tested' },
  { glob: 'vite.config.*', why: 'the root Vite config: how every package is built and tested' },
  { glob: 'turbo.json', why: "Turborepo's task pipeline: how every package builds" },
  { glob: 'nx.json', why: "Nx's workspace config: how every project builds" },
];

export const DEFAULT_GLOBAL = GLOBAL_FILES.map((g) => g.glob);

/**
 * The root lockfiles scoping reads (DESIGN §3) instead of treating them as global: each changed resolved
 * package maps to the scopes that depend on it. Listing one in `[scope] global` makes it global again.
 */
export const LOCKFILES: Readonly<Record<string, 'npm' | 'pnpm' | 'yarn'>> = {
  'package-lock.json': 'npm',
  'npm-shrinkwrap.json': 'npm',
  'pnpm-lock.yaml': 'pnpm',
  'yarn.lock': 'yarn',
};

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
