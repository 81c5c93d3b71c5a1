import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReference } from '../src/config/reference.js';
import { configSchema } from '../src/config/schema.js';
import { agentsSection } from '../src/init/agents.js';

describe('docs a user reads', () => {
  it('the README config reference is the one generated from the config schema (npm run docs)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /<!-- config-reference:start[^>]*-->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(readme)?.[1];
    expect(block).toBe(configReference());
  });

  it('every config key is documented', () => {
    const walk = (node: { description?: string; properties?: Record<string, unknown>; items?: unknown }, path: string): string[] => {
      const own = node.description ? [] : [path];
      const props = Object.entries(node.properties ?? {}).flatMap(([k, v]) => walk(v as never, `${path}.${k}`));
      const items = (node.items as { properties?: object } | undefined)?.properties ? walk(node.items as never, `${path}[]`) : [];
      return [...own, ...props, ...items].filter((p) => !p.endsWith('[]'));
    };
    expect(Object.entries(configSchema.properties).flatMap(([k, v]) => walk(v as never, k))).toEqual([]);
  });

  it("the README's AGENTS.md snippet is the section harness init --agents writes", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const snippet = /### For your AGENTS\.md\n[\s\S]*?```markdown\n([\s\S]*?)```\n/.exec(readme)?.[1];
    expect(snippet).toBe(`${agentsSection('npx harness').split('\n').slice(1, -1).join('\n')}\n`);
  });
});
