import type { ToolDefinition } from '../tools/types.js';
import { buildToolSet } from '../tools/registry.js';

/** `proxmox-mcp tools`: the registry as documentation. The README's tool table is this output. */
export function renderToolsDoc(tools: ToolDefinition[], format: 'text' | 'markdown' | 'json'): string {
  const set = buildToolSet(tools, { names: [], allReadOnly: false });
  if (format === 'json')
    return (
      JSON.stringify(
        set.map((t) => t.listing),
        null,
        2,
      ) + '\n'
    );
  if (format === 'markdown') {
    const rows = set.map((t) => {
      const d = t.definition;
      const params = Object.entries((t.listing.inputSchema.properties ?? {}) as Record<string, unknown>)
        .map(([k]) => `\`${k}\``)
        .join(', ');
      const hints = [
        d.annotations.readOnlyHint ? 'read-only' : 'writes',
        d.annotations.destructiveHint ? 'destructive' : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `| \`${d.name}\` | ${escapeCell(firstSentence(d.description))} | ${params || '–'} | ${hints} |`;
    });
    return (
      ['| Tool | What it does | Arguments | Kind |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n'
    );
  }
  return set.map((t) => `${t.definition.name}\n  ${t.definition.description}\n`).join('\n');
}

function firstSentence(s: string): string {
  const m = /^(.*?\.)(\s|$)/.exec(s);
  return m ? m[1]! : s;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}
