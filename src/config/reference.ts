import { configSchema } from './schema.js';

type Node = { type?: string | readonly string[]; description?: string; properties?: Record<string, Node>; items?: Node; enum?: readonly string[] };

function typeOf(n: Node): string {
  if (n.enum) return n.enum.map((e) => `"${e}"`).join(' \\| ');
  if (n.type === 'array') return `array of ${n.items ? typeOf(n.items) : 'any'}`;
  if (n.type === 'object' && !n.properties) return 'table';
  return String(n.type ?? 'any');
}

/** The harness.toml reference (a Markdown table per section), generated from the config schema. */
export function configReference(): string {
  const out: string[] = [];
  const table = (title: string, props: Record<string, Node>) => {
    const rows = Object.entries(props)
      .filter(([, v]) => !(v.type === 'object' && v.properties) && !(v.type === 'array' && v.items?.properties))
      .map(([k, v]) => `| \`${k}\` | ${typeOf(v)} | ${v.description ?? ''} |`);
    if (rows.length > 0) out.push(`**${title}**`, '', '| key | type | meaning |', '|---|---|---|', ...rows, '');
  };
  const top = configSchema.properties as Record<string, Node>;
  table('top level', top);
  for (const [name, sec] of Object.entries(top)) {
    if (!sec.properties) continue;
    table(`[${name}] — ${sec.description ?? ''}`, sec.properties);
    for (const [k, v] of Object.entries(sec.properties)) {
      if (v.type === 'array' && v.items?.properties) table(`[[${name}.${k}]] — ${v.description ?? ''}`, v.items.properties);
    }
  }
  return out.join('\n').trimEnd();
}
