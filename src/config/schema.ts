/**
 * JSON Schema of harness.toml (DESIGN §7). Structure only; cross-references are checked in validate.ts.
 * The descriptions are the config reference in the README (src/config/reference.ts renders it).
 */
const d = <T extends object>(description: string, schema: T) => ({ ...schema, description });
const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const scopeName = { type: 'string', pattern: '^[A-Za-z0-9@._/-]+$' } as const;
const scopeGraph = {
  type: 'object',
  propertyNames: scopeName,
  additionalProperties: { type: 'array', items: scopeName },
} as const;
const positiveInt = { type: 'integer', minimum: 1 } as const;
/** Up to a day: timers in Node overflow past 2^31 ms (~24.8 days) and would fire at once. */
const seconds = { type: 'number', exclusiveMinimum: 0, maximum: 86_400 } as const;
const section = <T extends object>(description: string, properties: T) => ({ type: 'object', additionalProperties: false, description, properties }) as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'harness.toml',
  type: 'object',
  additionalProperties: false,
  properties: {
    base: d('Base ref to diff against (default: origin/main if it exists, else main; `--base` wins).', { type: 'string', minLength: 1 }),
    scope: section('How changed files map to scopes (DESIGN §3).', {
      global: d('Root-relative globs whose change runs everything, added to the built-in ones (root package.json, root tsconfig*, harness.toml, eslint/vitest/vite configs, bun lockfiles). package-lock.json, pnpm-lock.yaml and yarn.lock are read instead (each changed package scopes to the packages that depend on it); listing one here makes it global.', stringList),
      ignore: d('Globs of files whose change triggers nothing (e.g. `**/*.md`).', stringList),
      path_map: d('Directory prefix → scope name; the longest prefix wins; `.` is the repository root.', {
        type: 'object',
        additionalProperties: scopeName,
      }),
      dependencies: d('Scope → scopes it depends on at runtime (cycles allowed). A change re-checks every dependent, transitively.', scopeGraph),
      test_dependencies: d("Scope → scopes only its test files import (cycles allowed). A change re-runs the importing scope's test and typecheck, and goes no further.", scopeGraph),
      checks: d('Scope → the per-scope checks it runs (`lint`, `typecheck`, `test`), instead of what it has (a linter config in reach, TypeScript files, test files).', {
        type: 'object',
        propertyNames: scopeName,
        additionalProperties: { type: 'array', uniqueItems: true, items: { enum: ['lint', 'typecheck', 'test'] } },
      }),
      test_globs: d('Globs that make a file a test file (default `**/*.test.*`, `**/*.spec.*`, `**/test/**`, `**/tests/**`, `**/__tests__/**`).', {
        ...stringList,
        minItems: 1,
      }),
    }),
    boundaries: section('Import boundaries.', {
      rules: d('`[[boundaries.rules]]`: per scope, what its code must not reference.', {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['scope'],
          properties: {
            scope: d('The scope the rule applies to.', scopeName),
            forbid: d('Package names or repo path prefixes its modules must not reference (also through re-export chains).', stringList),
            forbid_strings: d('Text no string or template literal of the scope may contain.', stringList),
          },
        },
      }),
    }),
    limits: section('Size limits.', { max_file_lines: d('A changed code file longer than this fails `file_size` (default 500).', positiveInt) }),
    mutate: section('harness mutate.', {
      require_changed_tests: d('A scope whose runtime code changed needs a test change (`changed_tests`; default true).', { type: 'boolean' }),
      max_mutants: d('At most this many mutants per run (default 12; `--max-mutants` wins).', { type: 'integer', minimum: 1, maximum: 1000 }),
      accept: d('`[[mutate.accept]]`: an equivalent mutant (no test can kill it), accepted with a reason; listed in every envelope.', {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'reason'],
          properties: {
            id: d('The mutant id, as printed for a survivor (`m-` and 10 hex digits).', { type: 'string', pattern: '^m-[0-9a-f]{10}$' }),
            reason: d('Why it is equivalent: required, shown with it.', { type: 'string', minLength: 1 }),
          },
        },
      }),
    }),
    suppressions: section('The suppressions guard.', { patterns: d('Extra regular expressions that count as suppressions on added lines.', stringList) }),
    lint: section('The lint check.', {
      tool: d('The linter: `auto` (the config in reach of each scope: eslint.config.*, biome.json[c], .oxlintrc.json[c]), or one of them for every scope.', { enum: ['auto', 'eslint', 'biome', 'oxlint'] }),
    }),
    test: section('The test check.', {
      projects: d("Vitest projects loop, gate and mutate run (`--project` patterns; default: the ones the root package.json `test` script selects, else all).", stringList),
    }),
    typecheck: section('The typecheck check.', {
      tsconfigs: d('Globs of the tsconfig files typecheck may compile (default: every tsconfig*.json git knows, bases left out).', stringList),
    }),
    loop: section('harness loop.', {
      budget_seconds: d('Time budget in seconds (default 180; at most 86400; `--budget` wins).', seconds),
      hold_the_line: d('Lint and typecheck findings that also exist at the merge-base are `preexisting`: counted, not failing (default true).', { type: 'boolean' }),
    }),
    gate: section('harness gate (and mutate).', {
      check_timeout_seconds: d('Hard limit per check in seconds (default 900); reaching it fails the check.', seconds),
      hold_the_line: d('Hold the line under gate too (default false: gate fails on every finding).', { type: 'boolean' }),
    }),
    checks: section('Repository-specific checks.', {
      command: d('`[[checks.command]]`: a program run from the repo root, never through a shell.', {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'run'],
          properties: {
            id: d('Check id (`command:<id>`).', { type: 'string', pattern: '^[A-Za-z0-9._-]+$' }),
            run: d('argv array; gets HARNESS_SCOPES, HARNESS_MODE, HARNESS_BASE, HARNESS_MERGE_BASE, HARNESS_CHANGED_FILES.', {
              ...stringList,
              minItems: 1,
            }),
            verbs: d('Verbs that run it (default both).', { type: 'array', items: { enum: ['loop', 'gate'] }, minItems: 1 }),
            scopes: d('Run only when one of these scopes is affected (default: any change).', { type: 'array', items: scopeName }),
          },
        },
      }),
    }),
    output: section('Envelope bounds.', {
      max_checks: d('Checks listed (default 20; failures first).', positiveInt),
      max_details: d('Details per check (default 8).', positiveInt),
      max_detail_chars: d('Characters per detail (default 240).', { type: 'integer', minimum: 20 }),
      max_files: d('Changed files listed (default 50).', positiveInt),
    }),
  },
} as const;
