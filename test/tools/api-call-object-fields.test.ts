import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * `fields` on proxmox_api_call also narrows an object answer to those keys: a node's health check asking
 * /nodes/{node}/status for rootfs, loadavg and uptime read 1,438 bytes (CPU flags, kernel, boot info…)
 * before, a few hundred after (scenario job 12).
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const get = async (fields?: string[]) => {
  const r = await h.call('proxmox_api_call', { path: '/nodes/pve1/status', ...(fields ? { fields } : {}) });
  expect(r.isError, textOf(r)).toBeFalsy();
  return { text: textOf(r), data: (r.structuredContent as { data: Record<string, unknown> }).data };
};

describe('proxmox_api_call fields on an object answer', () => {
  it('keeps only the keys asked for', async () => {
    const { text, data } = await get(['rootfs', 'uptime']);
    expect(Object.keys(data).sort()).toEqual(['rootfs', 'uptime']);
    expect(text).not.toContain('cpuinfo');
  });

  it('without fields, or with none that exist, the answer is whole', async () => {
    const whole = await get();
    expect(whole.data).toHaveProperty('cpuinfo');
    expect((await get(['vmid', 'name'])).data).toHaveProperty('cpuinfo');
  });
});
