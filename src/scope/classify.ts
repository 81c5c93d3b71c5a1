import type { Config } from '../config/types.js';
import { matcher } from '../util/glob.js';

const CODE = /\.(?:[cm]?[jt]sx?)$/;

/** A JavaScript or TypeScript source file, by its name. */
export function isCode(path: string): boolean {
  return CODE.test(path);
}

/** Tool configuration (vitest.config.ts, eslint.config.js, …) is not the scope's runtime code. */
const TOOL_CONFIG = /(?:^|\/)[^/]+\.config\.[cm]?[jt]s$/;

/** Classifies repo-relative paths as test files (by `[scope] test_globs`) or runtime code. */
export function classifier(config: Config): { isTest(path: string): boolean; isRuntimeCode(path: string): boolean } {
  const isTest = matcher(config.scope.test_globs);
  const isIgnored = matcher(config.scope.ignore);
  return {
    isTest,
    isRuntimeCode: (path) => CODE.test(path) && !TOOL_CONFIG.test(path) && !path.endsWith('.d.ts') && !isTest(path) && !isIgnored(path),
  };
}
