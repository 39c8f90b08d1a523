import { expect, it } from 'vitest';
import { startHarness } from '../helpers/harness.js';

/**
 * What the model reads of tools/list (names, titles, descriptions, input schemas) costs context in
 * every conversation; the team budget is 12 KB for all tools together, measured as compact JSON.
 */
it('keeps the model-visible tools/list within 12 KB', async () => {
  const h = await startHarness();
  try {
    const { tools } = await h.client.listTools();
    const seen = tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
    }));
    const bytes = Buffer.byteLength(JSON.stringify(seen));
    console.log(`tools/list model-visible bytes: ${bytes}`);
    expect(bytes).toBeLessThanOrEqual(12 * 1024);
  } finally {
    await h.close();
  }
});
