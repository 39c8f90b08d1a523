// What the model reads of tools/list (names, titles, descriptions, input schemas) in compact JSON:
// sent into every conversation. The same figure test/tools/tool-list-budget.test.ts pins.
import { startStdio } from './lib/stdio-session.mjs';

export async function toolListSize({ cwd }) {
  const s = startStdio({ cwd });
  await s.initialize();
  const { result } = await s.request('tools/list', {});
  await s.close();
  const visible = result.tools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: t.inputSchema,
  }));
  const kb = Buffer.byteLength(JSON.stringify(visible)) / 1024;
  return [
    {
      figure: `tools/list, model-visible (${visible.length} tools, compact JSON)`,
      value: `${kb.toFixed(2)} KB`,
      target: '≤ 12 KB',
      met: kb <= 12,
    },
  ];
}
