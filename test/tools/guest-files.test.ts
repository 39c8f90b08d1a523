import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestFile } from '../../src/simulator/guest-agent.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/** guest_file_read and guest_file_write through MCP against the simulator's guest filesystem. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const structured = (r: Awaited<ReturnType<Harness['call']>>) =>
  r.structuredContent as Record<string, unknown>;

describe('guest_file_read', () => {
  it('reads text as text, asking PVE for base64 (decode=0) so the bytes arrive exactly', async () => {
    const r = await h.call('guest_file_read', { vmid: 100, path: '/etc/os-release' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(structured(r)).toMatchObject({ encoding: 'utf-8', truncated: false, offset: 0 });
    expect(structured(r).content).toContain('VERSION_CODENAME=bookworm');
    const sent = h.sims.demo!.requests.find((q) => q.path.includes('/agent/file-read'))!;
    expect(sent.query).toMatchObject({ file: '/etc/os-release', decode: '0', offset: '0', count: '65536' });
  });

  it('shows binary content as base64 with a note', async () => {
    const r = await h.call('guest_file_read', { vmid: 100, path: '/usr/lib/blob.bin' });
    expect(structured(r)).toMatchObject({ encoding: 'base64', bytes: 10 });
    expect(Buffer.from(structured(r).content as string, 'base64')).toEqual(
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe, 0x00]),
    );
    expect(textOf(r)).toContain('Not text: shown as base64.');
  });

  it('reads a long file in pieces from next_offset', async () => {
    const first = await h.call('guest_file_read', { vmid: 100, path: '/etc/os-release', max_bytes: 20 });
    expect(structured(first)).toMatchObject({ bytes: 20, truncated: true, next_offset: 20 });
    expect(textOf(first)).toContain('more follows, read on with offset 20');
    const next = await h.call('guest_file_read', {
      vmid: 100,
      path: '/etc/os-release',
      offset: 20,
      max_bytes: 20,
    });
    expect(structured(next).content).toBe('GNU/Linux 12 (bookwo');
    expect(structured(next)).toMatchObject({ offset: 20, next_offset: 40 });
  });

  it("keeps one read far below PVE's 16 MiB limit", async () => {
    const r = await h.call('guest_file_read', {
      vmid: 100,
      path: '/etc/os-release',
      max_bytes: 16 * 1024 * 1024,
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/max_bytes/);
  });

  it("a missing file is the agent's error", async () => {
    const r = await h.call('guest_file_read', { vmid: 100, path: '/etc/none' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("failed to open file '/etc/none'");
  });

  it('containers get the no-API answer', async () => {
    const r = await h.call('guest_file_read', { vmid: 201, path: '/etc/hostname' });
    expect(textOf(r)).toMatch(/is a container, and PVE has no API/);
  });
});

describe('guest_file_write', () => {
  it('writes UTF-8 exactly (base64, encode=0) and it reads back the same', async () => {
    const text = 'grüße ✓\nline 2\n';
    const w = await h.call('guest_file_write', { vmid: 105, path: '/etc/motd', content: text });
    expect(w.isError, textOf(w)).toBeFalsy();
    expect(structured(w)).toMatchObject({ path: '/etc/motd', bytes: Buffer.byteLength(text) });
    expect(guestFile(h.sims.demo!.state.fleet.guests.get(105)!, '/etc/motd')?.toString('utf8')).toBe(text);
    const sent = h.sims.demo!.requests.find(
      (q) => q.method === 'POST' && q.path.includes('/agent/file-write'),
    )!;
    expect(sent.body).toContain('encode=0');
    const r = await h.call('guest_file_read', { vmid: 105, path: '/etc/motd' });
    expect(structured(r).content).toBe(text);
  });

  it('refuses content over what PVE takes, before sending', async () => {
    const before = h.sims.demo!.requests.length;
    const r = await h.call('guest_file_write', { vmid: 105, path: '/tmp/big', content: 'x'.repeat(46081) });
    expect(textOf(r)).toMatch(/46081 bytes; PVE takes at most 46080/);
    expect(h.sims.demo!.requests.length).toBe(before);
  });
});
