import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * A write that got no real answer (hung after the request arrived, reset after sending, a 502 from a
 * proxy) may have been carried out: the result says so, names the read that settles it, and never
 * suggests sending it again. Reads keep their "call again" advice.
 */
const NO_RETRY = /\bretry\b|call again|try again/i;

describe('uncertain writes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'demo', config: { timeoutMs: 1000 } }] });
  });
  afterEach(() => h.sims.demo!.faults.clear());
  afterAll(async () => h?.close());

  const reboot = 'POST /nodes/pve1/qemu/100/status/reboot';

  it('a guest_action POST that hangs after arriving MAY have run: names the task list read, no retry', async () => {
    h.sims.demo!.faults.add({ kind: 'hang', match: reboot });
    const r = await h.call('guest_action', { vmid: 100, action: 'reboot' });
    const text = textOf(r);
    expect(r.isError).toBe(true);
    expect(text).toMatch(
      /^POST \/nodes\/pve1\/qemu\/100\/status\/reboot on cluster "demo": the request was sent but no answer came within 1000 ms; it MAY have been carried out\./,
    );
    expect(text).toContain('GET /nodes/pve1/tasks?vmid=100&typefilter=qmreboot&source=all');
    expect(text).toContain('GET /nodes/pve1/qemu/100/status/current');
    expect(text).not.toMatch(NO_RETRY);
    expect(r.structuredContent).toMatchObject({
      request: { method: 'POST', path: '/nodes/pve1/qemu/100/status/reboot' },
      outcome_unknown: text,
    });
    // The simulator received it: this is exactly the case where a repeat would reboot twice.
    expect(h.sims.demo!.requests.some((q) => q.method === 'POST' && q.path.endsWith('/status/reboot'))).toBe(
      true,
    );
  });

  it('a POST whose connection is reset after sending MAY have run', async () => {
    h.sims.demo!.faults.add({ kind: 'reset', match: reboot });
    const r = await h.call('guest_action', { vmid: 100, action: 'reboot' });
    const text = textOf(r);
    expect(r.isError).toBe(true);
    expect(text).toMatch(/the connection was closed before an answer \(\w+\); it MAY have been carried out/);
    expect(text).toContain('typefilter=qmreboot');
    expect(text).not.toMatch(NO_RETRY);
  });

  it('a 502 from a proxy on a raw POST MAY have run: names the snapshot task type', async () => {
    h.sims.demo!.faults.add({ kind: 'status', status: 502, match: 'POST /nodes/pve1/qemu/100/snapshot' });
    const r = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/snapshot',
      data: { snapname: 'uncertain1' },
    });
    const text = textOf(r);
    expect(r.isError).toBe(true);
    expect(text).toMatch(/answered 502 Bad Gateway instead of PVE's result; it MAY have been carried out/);
    expect(text).toContain('GET /nodes/pve1/tasks?vmid=100&typefilter=qmsnapshot&source=all');
    expect(text).not.toMatch(NO_RETRY);
    expect(r.structuredContent).toMatchObject({
      method: 'POST',
      path: '/nodes/pve1/qemu/100/snapshot',
      data: null,
      outcome_unknown: text,
    });
  });

  it('a timed-out DELETE of a guest names its destroy task', async () => {
    h.sims.demo!.faults.add({ kind: 'hang', match: 'DELETE /nodes/pve2' });
    const r = await h.call('proxmox_api_call', { method: 'DELETE', path: '/nodes/pve2/qemu/102' });
    expect(textOf(r)).toContain('GET /nodes/pve2/tasks?vmid=102&typefilter=qmdestroy&source=all');
    expect(textOf(r)).not.toMatch(NO_RETRY);
  });

  it('a timed-out config change names reading the configuration back', async () => {
    h.sims.demo!.faults.add({ kind: 'hang', match: 'PUT /nodes/pve1/qemu/100/config' });
    const r = await h.call('proxmox_api_call', {
      method: 'PUT',
      path: '/nodes/pve1/qemu/100/config',
      data: { description: 'web server' },
    });
    expect(textOf(r)).toMatch(/MAY have been carried out/);
    expect(textOf(r)).toContain('GET /nodes/pve1/qemu/100/config (the current configuration');
    expect(textOf(r)).not.toMatch(NO_RETRY);
  });

  it('reads keep their advice: a GET that times out may be retried', async () => {
    h.sims.demo!.faults.add({ kind: 'hang', match: 'GET /nodes/pve1/status' });
    const r = await h.call('proxmox_api_call', { path: '/nodes/pve1/status' });
    expect(textOf(r)).toMatch(/timed out after 1000 ms.*retry, narrow the request, or raise timeout_ms/);
    expect(textOf(r)).not.toMatch(/MAY have been carried out/);
  });

  it('a refused write was never sent: no "may have run"', async () => {
    h.sims.demo!.faults.add({ kind: 'status', status: 500, match: reboot });
    const r = await h.call('guest_action', { vmid: 100, action: 'reboot' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).not.toMatch(/MAY have been carried out/);
  });
});
