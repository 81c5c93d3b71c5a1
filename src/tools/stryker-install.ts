import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findPackage, packageVersion } from './find.js';

/** The Stryker a mutate run drives: the core and vitest-runner entry files, and the core's version. */
export interface StrykerInstall {
  core: string;
  runner: string;
  version: string;
  /** The target's own (true), or harness's bundled 9.6.1. */
  own: boolean;
}

const bundled = createRequire(import.meta.url);

const major = (version: string) => Number(version.split('.')[0]);

/**
 * Which Stryker mutates the files under `dir` with the vitest it has: the target's own
 * `@stryker-mutator/core` + `vitest-runner` when it has them (as eslint, tsc and vitest are the
 * target's), else the bundled 9.6.1 where that is valid (Vitest ≤ 4). A known-bad pairing is refused
 * with its reason, and so is a Stryker this Node cannot start.
 */
export function strykerFor(root: string, dir: string, vitestVersion: string): StrykerInstall | { error: string } {
  const vitest = major(vitestVersion);
  if (!(vitest >= 2 && vitest <= 5)) return { error: `vitest ${vitestVersion} is not supported by harness mutate (supported: vitest 2–4 with the bundled Stryker 9.6.1, vitest 2–5 with the repository's own Stryker 10)` };
  const corePkg = findPackage(root, dir, '@stryker-mutator/core');
  if (!corePkg) {
    if (vitest >= 5) {
      return { error: `vitest ${vitestVersion} needs Stryker 10 in the repository: npm i -D @stryker-mutator/core@10 @stryker-mutator/vitest-runner@10 (harness's bundled Stryker 9.6.1 reports the tests of vitest ${vitest} as never run)` };
    }
    return { core: bundled.resolve('@stryker-mutator/core'), runner: bundled.resolve('@stryker-mutator/vitest-runner'), version: '9.6.1', own: false };
  }
  const version = packageVersion(corePkg);
  const runnerPkg = findPackage(root, dir, '@stryker-mutator/vitest-runner');
  if (!runnerPkg) return { error: `@stryker-mutator/core ${version} is installed but @stryker-mutator/vitest-runner is not: npm i -D @stryker-mutator/vitest-runner@${version}` };
  if (major(version) < 10 && vitest >= 5) {
    return { error: `@stryker-mutator/core ${version} with vitest ${vitestVersion} is a known-bad pairing (Stryker 9 never runs vitest 5's tests inside describe blocks, so their mutants read as survived): npm i -D @stryker-mutator/core@10 @stryker-mutator/vitest-runner@10` };
  }
  if (major(version) >= 10 && major(process.versions.node) < 22) {
    return { error: `@stryker-mutator/core ${version} needs Node 22 or later, and harness runs on Node ${process.versions.node}: run harness with Node 22 or 24` };
  }
  const from = createRequire(join(dirname(corePkg), 'noop.js'));
  return { core: from.resolve('@stryker-mutator/core'), runner: createRequire(join(dirname(runnerPkg), 'noop.js')).resolve('@stryker-mutator/vitest-runner'), version, own: true };
}
