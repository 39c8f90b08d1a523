import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

interface GuestResult {
  vmid: number;
  type: string;
  node: string;
  status: string;
  qmpstatus?: string;
  config: {
    cores?: number;
    memory_mib?: number;
    agent?: boolean;
    tags?: string[];
    disks: Array<{ slot: string; volume: string; size?: string; media?: string }>;
    nets: Array<{ slot: string; model?: string; mac?: string; bridge?: string; ip?: string }>;
  };
  ip_addresses: Array<{ interface: string; address: string; prefix?: number; family: string }>;
  ip_source: string;
  ip_note?: string;
}

interface ActionResult {
  vmid: number;
  type: string;
  node: string;
  action: string;
  upid?: string;
  task?: { status: string; exitstatus?: string; ok?: boolean; log: Array<{ n: number; t: string }> };
}

describe('guests by VMID', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'demo' }] });
  });
  afterAll(async () => h?.close());

  const guest = async (vmid: number) => {
    const r = await h.call('get_guest', { vmid });
    expect(r.isError, textOf(r)).toBeFalsy();
    return { r, g: r.structuredContent as unknown as GuestResult };
  };

  it('get_guest finds a QEMU VM by VMID alone, with its config summary and guest-agent addresses', async () => {
    const { r, g } = await guest(100);
    expect(g).toMatchObject({
      vmid: 100,
      type: 'qemu',
      node: 'pve1',
      status: 'running',
      ip_source: 'guest-agent',
    });
    expect(g.config).toMatchObject({ cores: 2, memory_mib: 4096, agent: true, tags: ['prod', 'web'] });
    expect(g.config.disks).toContainEqual(
      expect.objectContaining({ slot: 'scsi0', volume: 'local-lvm:vm-100-disk-0', size: '32G' }),
    );
    expect(g.config.disks).toContainEqual(expect.objectContaining({ slot: 'ide2', media: 'cdrom' }));
    expect(g.config.nets[0]).toMatchObject({ slot: 'net0', model: 'virtio', bridge: 'vmbr0' });
    expect(g.config.nets[0]!.mac).toMatch(/^BC:24:11:/);
    expect(g.ip_addresses.length).toBeGreaterThan(0);
    expect(g.ip_addresses.every((a) => a.interface !== 'lo' && !a.address.startsWith('127.'))).toBe(true);
    const text = textOf(r);
    expect(text).toMatch(/^VM 100 \(web01\) on node pve1 \(cluster demo\): running for/);
    expect(text).toMatch(/IP addresses \(guest-agent\): \S+ \d+\.\d+\.\d+\.\d+/);
  });

  it('get_guest says plainly why a VM has no addresses: agent not answering, or not running', async () => {
    const { g: db } = await guest(101);
    expect(db).toMatchObject({ type: 'qemu', status: 'running', ip_source: 'none', ip_addresses: [] });
    expect(db.config.agent).toBe(true);
    expect(db.ip_note).toMatch(/guest agent did not answer .*not installed or not running/);

    const { g: build, r } = await guest(102);
    expect(build).toMatchObject({ status: 'stopped', ip_source: 'none', ip_addresses: [] });
    expect(build.ip_note).toMatch(/not running/);
    expect(textOf(r)).toMatch(/IP addresses: unknown\. The guest is not running/);
  });

  it('get_guest reads a container: its own interfaces when running, the config when stopped', async () => {
    const { g: dns } = await guest(200);
    expect(dns).toMatchObject({ type: 'lxc', node: 'pve1', ip_source: 'lxc-interfaces' });
    expect(dns.ip_addresses).toContainEqual(
      expect.objectContaining({ interface: 'eth0', address: '192.168.10.53', prefix: 24, family: 'ipv4' }),
    );
    expect(dns.config.nets[0]).toMatchObject({ slot: 'net0', bridge: 'vmbr0', ip: '192.168.10.53/24' });
    expect(dns.config.disks[0]).toMatchObject({ slot: 'rootfs', size: '8G' });

    const { g: backup } = await guest(202);
    expect(backup).toMatchObject({ status: 'stopped', ip_source: 'config' });
    expect(backup.ip_addresses).toEqual([
      { interface: 'eth0', address: '192.168.10.90', prefix: 24, family: 'ipv4' },
    ]);
  });

  it('an unknown VMID is an error that says how to find guests', async () => {
    const r = await h.call('get_guest', { vmid: 999 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /No guest with VMID 999 on cluster "demo"\. get_cluster_resources with type "vm"/,
    );
    const a = await h.call('guest_action', { vmid: 999, action: 'start' });
    expect(a.isError).toBe(true);
    expect(textOf(a)).toMatch(/No guest with VMID 999/);
  });

  it('guest_action starts a stopped VM on the node it lives on and waits for the outcome', async () => {
    const before = h.sims.demo!.requests.length;
    const r = await h.call('guest_action', { vmid: 102, action: 'start' });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as unknown as ActionResult;
    expect(s).toMatchObject({ vmid: 102, type: 'qemu', node: 'pve2', action: 'start' });
    expect(s.task).toMatchObject({ status: 'stopped', exitstatus: 'OK', ok: true });
    expect(textOf(r)).toMatch(/start of VM 102 \(build\):\nTask qmstart 102 on node pve2 .* finished: OK/);
    const posts = h.sims.demo!.requests.slice(before).filter((q) => q.method === 'POST');
    expect(posts.map((q) => q.path)).toEqual(['/api2/json/nodes/pve2/qemu/102/status/start']);
    expect((await guest(102)).g.status).toBe('running');
  });

  it('guest_action suspends and resumes a VM, and shuts down, reboots and stops containers', async () => {
    const suspend = await h.call('guest_action', { vmid: 105, action: 'suspend' });
    expect(suspend.isError, textOf(suspend)).toBeFalsy();
    expect((await guest(105)).g.qmpstatus).toBe('paused');
    const resume = await h.call('guest_action', { vmid: 105, action: 'resume' });
    expect(resume.isError, textOf(resume)).toBeFalsy();
    expect((await guest(105)).g.qmpstatus).toBe('running');

    const reboot = await h.call('guest_action', { vmid: 201, action: 'reboot' });
    expect((reboot.structuredContent as unknown as ActionResult).task).toMatchObject({ ok: true });
    const shutdown = await h.call('guest_action', { vmid: 201, action: 'shutdown' });
    expect((shutdown.structuredContent as unknown as ActionResult).task).toMatchObject({ ok: true });
    expect((await guest(201)).g.status).toBe('stopped');
    const start = await h.call('guest_action', { vmid: 201, action: 'start', wait: true });
    expect((start.structuredContent as unknown as ActionResult).task).toMatchObject({ ok: true });
    const stop = await h.call('guest_action', { vmid: 201, action: 'stop' });
    expect((stop.structuredContent as unknown as ActionResult).task).toMatchObject({ ok: true });
    expect((await guest(201)).g.status).toBe('stopped');
  });

  it('guest_action with wait 0 returns the UPID at once and points to get_task', async () => {
    const r = await h.call('guest_action', { vmid: 202, action: 'start', wait: 0 });
    const s = r.structuredContent as unknown as ActionResult;
    expect(s.upid).toMatch(/^UPID:pve3:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:vzstart:202:root@pam!mcp:$/);
    expect(s.task).toBeUndefined();
    expect(textOf(r)).toMatch(/Call get_task with this upid/);
    const t = await h.call('get_task', { upid: s.upid, wait_seconds: 10 });
    expect(t.structuredContent).toMatchObject({ task: { status: 'stopped', exitstatus: 'OK' } });
  });

  it('a failed start is an error result with PVE exit status and the last log lines', async () => {
    const r = await h.call('guest_action', { vmid: 103, action: 'start' });
    expect(r.isError).toBe(true);
    const s = r.structuredContent as unknown as ActionResult;
    expect(s.task).toMatchObject({
      status: 'stopped',
      ok: false,
      exitstatus: 'start failed: QEMU exited with code 1',
    });
    expect(s.task!.log.at(-1)!.t).toBe('TASK ERROR: start failed: QEMU exited with code 1');
    const text = textOf(r);
    expect(text).toMatch(/FAILED: start failed: QEMU exited with code 1/);
    expect(text).toMatch(/Could not open '\/dev\/pve\/vm-103-disk-0'/);
  });
});
