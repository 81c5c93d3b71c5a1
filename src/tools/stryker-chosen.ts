/**
 * A Stryker ignorer plugin (loaded by Stryker in the child process): of the mutants inside the mutate
 * ranges, only those harness chose are run. A range also holds every mutant nested in it (a chosen
 * block brings its whole body), which harness would never judge. Stryker places a mutant on the node
 * it replaces, so a node is kept when its location is a chosen span or holds one (ignoring a node
 * ignores all it contains); siblings on a kept node still run, harmlessly. The spans (1-based lines
 * and columns, end exclusive) come from the JSON file HARNESS_STRYKER_CHOSEN names; the ignorer sees
 * no file name, so spans match by location alone, which only ever keeps more.
 */
import { readFileSync } from 'node:fs';

interface Loc {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
type Span = [line: number, col: number, endLine: number, endCol: number];

const spans = JSON.parse(readFileSync(process.env.HARNESS_STRYKER_CHOSEN!, 'utf8')) as Span[];

/** a ≤ b in (line, column) order. */
const before = (al: number, ac: number, bl: number, bc: number) => al < bl || (al === bl && ac <= bc);

function keep(loc: Loc): boolean {
  const [l, c, el, ec] = [loc.start.line, loc.start.column + 1, loc.end.line, loc.end.column + 1];
  return spans.some(([sl, sc, sel, sec]) => before(l, c, sl, sc) && before(sel, sec, el, ec));
}

class ChosenIgnorer {
  shouldIgnore(path: { node: { loc?: Loc | null } }): string | undefined {
    const loc = path.node.loc;
    return !loc || keep(loc) ? undefined : 'not chosen by harness';
  }
}

// A plain declaration, not @stryker-mutator/api's helper: the api harness would load is not the one the
// target's Stryker loads (a second copy, half-loaded while Stryker imports its plugins in parallel).
export const strykerPlugins = [{ kind: 'Ignore', name: 'harness-chosen', injectableClass: ChosenIgnorer }];
