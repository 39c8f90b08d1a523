import { describe, expect, it } from 'vitest';
import { startHarness } from '../helpers/harness.js';

/**
 * What the model reads of tools/list (names, titles, descriptions, input schemas) is sent into every
 * conversation. The budget is 12 KB in compact JSON for all tools together, with every tool listed
 * (a writable cluster); `npm run bench` prints the same figure for the built server.
 */
const BUDGET = 12 * 1024;

async function modelVisibleBytes(readOnlySource?: string): Promise<number> {
  const h = await startHarness(readOnlySource ? { readOnlySource } : {});
  try {
    const { tools } = await h.client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    const visible = tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
    }));
    return Buffer.byteLength(JSON.stringify(visible));
  } finally {
    await h.close();
  }
}

describe('tools/list size the model reads', () => {
  it(`stays within ${BUDGET / 1024} KB with every tool listed`, async () => {
    const bytes = await modelVisibleBytes();
    expect(bytes, `${(bytes / 1024).toFixed(2)} KB`).toBeLessThanOrEqual(BUDGET);
  });

  it('is smaller still when the server is read-only (write tools are not listed)', async () => {
    expect(await modelVisibleBytes('--read-only')).toBeLessThan(await modelVisibleBytes());
  });
});
