import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reliabilityMarkdown } from '../../scripts/reliability.js';

describe('docs', () => {
  it('docs/reliability.md is the table generated from this suite (npm run docs:reliability) → one row per scenario test', () => {
    const committed = readFileSync(new URL('../../docs/reliability.md', import.meta.url), 'utf8');
    const generated = reliabilityMarkdown();
    expect(committed).toBe(generated);
    expect(generated.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| area')).length).toBeGreaterThanOrEqual(40);
  });
});
