import type { Config } from '../config/types.js';
import { matcher } from '../util/glob.js';

const CODE = /\.(?:[cm]?[jt]sx?)$/;

/** A JavaScript or TypeScript source file, by its name. */
export function isCode(path: string): boolean {
  return CODE.test(path);
}

/** Tool configuration (vitest.config.ts, eslint.config.js, …) is not the scope's runtime code. */
const TOOL_CONFIG = /(?:^|\/)[^/]+\.config\.[cm]?[jt]s$/;

const BENCH = /\.bench\.[cm]?[jt]sx?$/;

/** A tool's configuration file (`vitest.config.ts`, `eslint.config.js`, …): run by its tool, not compiled as the scope's code. */
export function isToolConfig(path: string): boolean {
  return TOOL_CONFIG.test(path);
}

/** Classifies repo-relative paths as test files (by `[scope] test_globs`) or runtime code. */
export function classifier(config: Config): { isTest(path: string): boolean; isRuntimeCode(path: string): boolean } {
  const isTest = matcher(config.scope.test_globs);
  const isIgnored = matcher(config.scope.ignore);
  return {
    isTest,
    // Benchmarks are neither: they run under `vitest bench`, never in the shipped code.
    isRuntimeCode: (path) => CODE.test(path) && !TOOL_CONFIG.test(path) && !BENCH.test(path) && !path.endsWith('.d.ts') && !isTest(path) && !isIgnored(path),
  };
}
