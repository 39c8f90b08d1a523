import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/testing/index.js';
import { SimClient, json } from './helpers.js';

async function on<T>(version: string, fn: (c: SimClient) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ version });
  const c = new SimClient(sim);
  try {
    return await fn(c);
  } finally {
    await c.close();
    await sim.close();
  }
}

describe('version realism switches', () => {
  it('reports /version and pveversion in the format of the release', async () => {
    await on('9.2.11', async (c) => {
      const v = await c.data<Record<string, string>>('GET', '/version');
      expect(v).toEqual({
        version: '9.2.11',
        release: '9.2',
        repoid: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      expect(await c.data('GET', '/nodes/pve1/status')).toMatchObject({
        pveversion: `pve-manager/9.2.11/${v.repoid}`,
        'boot-info': { mode: 'efi', secureboot: 0 },
        'current-kernel': { sysname: 'Linux', machine: 'x86_64' },
      });
    });
    await on('7.4-16', async (c) => {
      const v = await c.data<Record<string, string>>('GET', '/version');
      expect(v).toEqual({
        version: '7.4-16',
        release: '7.4',
        repoid: expect.stringMatching(/^[0-9a-f]{8}$/),
      });
      expect(await c.data('GET', '/nodes/pve1/status')).not.toHaveProperty('boot-info');
    });
  });

  it('adds "message" to error bodies from 8.3 on', async () => {
    const body = (c: SimClient): Promise<Record<string, unknown>> =>
      c.api('GET', '/nodes/pve1/qemu/999/config').then(json);
    expect(await on('8.2.7', body)).toEqual({ data: null });
    expect(await on('8.3.0', body)).toEqual({
      data: null,
      message: "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n",
    });
    const errors = await on('8.2.7', (c) => c.api('GET', '/cluster/nextid?vmid=99').then(json));
    expect(errors).toEqual({
      data: null,
      errors: { vmid: 'invalid format - value does not look like a valid VM ID\n' },
    });
  });

  it('writes transport errors as a plain-text body from 8.3 on', async () => {
    const patch = (c: SimClient) => c.api('PATCH', '/version', { body: '' });
    expect((await on('8.2.7', patch)).text).toBe('');
    expect((await on('9.2.11', patch)).text).toBe("method 'PATCH' not available");
  });

  it('types the LXC list vmid as a string before 8.1', async () => {
    const vmid = (c: SimClient) =>
      c.data<Array<{ vmid: unknown }>>('GET', '/nodes/pve1/lxc').then((l) => l[0]?.vmid);
    expect(await on('8.0.4', vmid)).toBe('200');
    expect(await on('8.1.0', vmid)).toBe(200);
  });

  it('returns VM memory as an integer before 8.1, a property string after', async () => {
    const memory = (c: SimClient) =>
      c.data<{ memory: unknown }>('GET', '/nodes/pve1/qemu/100/config').then((cfg) => cfg.memory);
    expect(await on('7.4-16', memory)).toBe(4096);
    expect(await on('9.0.3', memory)).toBe('4096');
  });

  it('adds PVE 9 fields (memhost, host-arch from 9.2)', async () => {
    const res = (c: SimClient) => c.data<Array<Record<string, unknown>>>('GET', '/cluster/resources');
    const v92 = await on('9.2.11', res);
    expect(v92.find((r) => r.id === 'qemu/100')).toHaveProperty('memhost');
    expect(v92.find((r) => r.id === 'node/pve1')).toMatchObject({ 'host-arch': 'x86_64', 'cgroup-mode': 2 });
    const v84 = await on('8.4.14', res);
    expect(v84.find((r) => r.id === 'qemu/100')).not.toHaveProperty('memhost');
    expect(v84.find((r) => r.id === 'node/pve1')).not.toHaveProperty('host-arch');
  });

  it('rejects a version it cannot read', async () => {
    await expect(startSimulator({ version: 'latest' })).rejects.toThrow(/unsupported PVE version 'latest'/);
  });
});
