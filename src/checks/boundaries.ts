import type { BoundaryRule } from '../config/types.js';
import { workTreeFiles } from '../diff/files.js';
import type { Finding } from '../model.js';
import { isCode } from '../scope/classify.js';
import { ownerOf } from '../scope/resolve.js';
import { Resolver, type Target } from '../tools/source.js';
import { guard, PASS, verdict, type Check } from './check.js';

/** Does a target hit one of the rule's forbidden package names / path prefixes? Returns the entry. */
function forbidden(rule: BoundaryRule, rawSpecifier: string, target: Target, resolver: Resolver): string | null {
  const bare = (s: string) => s.replace(/^node:/, ''); // `fs` and `node:fs` are one module
  const specifier = bare(rawSpecifier);
  for (const entry of rule.forbid) {
    const f = bare(entry);
    const prefix = f.endsWith('/') ? f : `${f}/`;
    if (specifier === f || specifier.startsWith(prefix)) return entry;
    if (target.pkg === f) return entry;
    const noExt = target.path?.replace(/(?:\.d)?\.[cm]?[jt]sx?$/, '');
    if (target.path && (target.path === f || noExt === f || target.path.startsWith(prefix))) return entry;
    const dir = resolver.packageDir(entry);
    if (dir !== undefined && target.path && (target.path === dir || target.path.startsWith(`${dir}/`))) return entry;
  }
  return null;
}

/**
 * The chain by which a repo file reaches a forbidden module through its imports and re-exports
 * (`a.ts → b.ts → 'numpy-lite'`), or null. Memoised; cycles are cut.
 */
function chainOf(path: string, rule: BoundaryRule, resolver: Resolver, memo: Map<string, string[] | null>): string[] | null {
  if (memo.has(path)) return memo.get(path)!;
  memo.set(path, null);
  if (!isCode(path)) return null;
  let facts;
  try {
    facts = resolver.scan(path);
  } catch {
    return null;
  }
  for (const ref of facts.refs) {
    if (ref.specifier === null) continue;
    const target = resolver.resolve(path, ref.specifier);
    const hit = forbidden(rule, ref.specifier, target, resolver);
    if (hit) {
      memo.set(path, [path, `'${ref.specifier}'`]);
      return memo.get(path)!;
    }
    if (target.path) {
      const rest = chainOf(target.path, rule, resolver, memo);
      if (rest) {
        memo.set(path, [path, ...rest]);
        return memo.get(path)!;
      }
    }
  }
  return null;
}

/**
 * boundaries — `[[boundaries.rules]]` over every code file of the ruled scopes in `scopeList` (loop: the
 * expanded scopes; gate: all): every module reference form, resolved through relative paths, tsconfig `paths`
 * and workspace names; re-export chains; forbidden strings; non-static specifiers are findings.
 */
export function boundariesCheck(scopeList: readonly string[]): Check {
  return guard('boundaries', 1, scopeList, async (ctx) => {
    const rules = ctx.config.boundaries.rules.filter((r) => scopeList.includes(r.scope));
    if (rules.length === 0) return PASS;
    const files = (await workTreeFiles(ctx.root)).filter(isCode);
    const resolver = new Resolver(ctx.root);
    const findings: Finding[] = [];
    for (const rule of rules) {
      const memo = new Map<string, string[] | null>();
      for (const path of files.filter((f) => ownerOf(f, ctx.config.scope.path_map) === rule.scope)) {
        const facts = resolver.scan(path);
        for (const ref of facts.refs) {
          const at = (message: string) => findings.push({ path, line: ref.line, col: ref.col, message });
          if (ref.specifier === null) {
            at(`${ref.kind} with a computed specifier: cannot verify scope ${rule.scope}'s boundaries (use a string literal)`);
            continue;
          }
          const target = resolver.resolve(path, ref.specifier);
          const hit = forbidden(rule, ref.specifier, target, resolver);
          if (hit) {
            at(`${ref.kind} '${ref.specifier}': scope ${rule.scope} forbids "${hit}"`);
            continue;
          }
          const chain = target.path ? chainOf(target.path, rule, resolver, memo) : null;
          if (chain) at(`${ref.kind} '${ref.specifier}' reaches a forbidden module: ${chain.join(' → ')}`);
        }
        for (const s of facts.strings) {
          const text = rule.forbid_strings.find((t) => s.text.includes(t));
          if (text) findings.push({ path, line: s.line, col: s.col, message: `string ${JSON.stringify(s.text.slice(0, 60))} contains "${text}", forbidden in scope ${rule.scope}` });
        }
      }
    }
    return verdict(findings);
  });
}
