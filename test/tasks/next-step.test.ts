import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * After a clone, the result names the next steps with the parameters PVE wants (cloud-init keys, the
 * URL-encoding of sshkeys, resize), so an assistant needs no look-up of the config endpoint (7.6 KB of
 * proxmox_api_describe on a real PVE 9.2 schema). A failed clone gets no such advice.
 */
describe('next-step hints in task results', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a finished clone says how to set cloud-init, grow the disk and start it', async () => {
    h = await startHarness();
    const r = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/104/clone',
      data: { newid: 150, name: 'web02' },
      wait: 30,
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const text = textOf(r);
    expect(text).toContain('PUT /nodes/pve1/qemu/{newid}/config');
    expect(text).toContain('sshkeys URL-encoded');
    expect(text).toContain('PUT /nodes/pve1/qemu/{newid}/resize');
  });

  it('a clone that fails gets the failure, not next steps', async () => {
    h = await startHarness();
    const r = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/104/clone',
      data: { newid: 100 },
      wait: 30,
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).not.toContain('Next:');
  });
});
