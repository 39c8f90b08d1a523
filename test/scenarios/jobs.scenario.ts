import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { extrasOf, backupsOf } from '../../src/simulator/job-state.js';
import { compareWithCommitted, FIGURES_REAL_SCHEMA_FILE, FIGURES_RUN_FILE } from './figures.js';
import { Meter, type JobFigures } from './meter.js';
import { addFinishedTask, guest, REAL_SCHEMA, startJobHarness, type JobHarness } from './setup.js';

/**
 * The admin jobs of issue 15, each written as the tool calls a capable assistant would make (look-ups
 * included), run through a real MCP client against two simulated clusters. Each asserts the end state in
 * the simulator, not only that the calls succeeded. The figures go to FIGURES_RUN_FILE for the README.
 */
const figures: JobFigures[] = [];
let h: JobHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

afterAll(() => {
  const file = REAL_SCHEMA ? FIGURES_REAL_SCHEMA_FILE : FIGURES_RUN_FILE;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify(
      figures.sort((a, b) => a.id - b.id),
      null,
      2,
    )}\n`,
  );
  for (const f of figures)
    process.stderr.write(
      `job ${String(f.id).padStart(2)}  ${String(f.calls).padStart(2)} calls  ${f.describes} describe  ${String(f.bytes).padStart(6)} B  ${String(f.ms).padStart(5)} ms  ${f.job}\n`,
    );
});

async function job(
  id: number,
  name: string,
  opts: Parameters<typeof startJobHarness>[0],
  run: (m: Meter, h: JobHarness) => Promise<void>,
): Promise<void> {
  h = await startJobHarness(opts);
  const m = new Meter(h, id, name);
  await run(m, h);
  figures.push(m.finish());
}

type Row = Record<string, unknown>;
const rows = (data: Record<string, unknown>): Row[] => (data.resources ?? data.data ?? []) as Row[];

describe('what an assistant can do', () => {
  it('1. running guests on a node, by memory use', () =>
    job(1, 'Running guests on a node, by memory use', {}, async (m, h) => {
      const r = await m.call('get_cluster_resources', {
        type: 'vm',
        node: 'pve1',
        status: 'running',
        fields: ['vmid', 'name', 'type', 'mem', 'maxmem'],
      });
      const byMem = rows(r.data).sort((a, b) => Number(b.mem) - Number(a.mem));
      const expected = [...h.prod.fleet.guests.values()]
        .filter((g) => g.node === 'pve1' && g.status === 'running')
        .map((g) => g.vmid);
      expect(byMem.map((x) => x.vmid).sort()).toEqual(expected.sort());
      expect(byMem.every((x) => typeof x.mem === 'number')).toBe(true);
    }));

  it('2. top CPU users across all clusters', () =>
    job(2, 'Top CPU users across all clusters', {}, async (m, h) => {
      const r = await m.call('get_cluster_resources', {
        cluster: '*',
        type: 'vm',
        status: 'running',
        fields: ['vmid', 'name', 'node', 'cpu', 'maxcpu'],
      });
      const top = rows(r.data)
        .sort((a, b) => Number(b.cpu) * Number(b.maxcpu) - Number(a.cpu) * Number(a.maxcpu))
        .slice(0, 5);
      expect(new Set(rows(r.data).map((x) => x.cluster))).toEqual(new Set(['prod', 'lab']));
      const running = [h.prod, h.lab].flatMap((s) =>
        [...s.fleet.guests.values()].filter((g) => g.status === 'running'),
      );
      expect(rows(r.data)).toHaveLength(running.length);
      expect(top).toHaveLength(5);
    }));

  it('3. snapshot before an upgrade, then roll back', () =>
    job(3, 'Snapshot before an upgrade, then roll back', {}, async (m, h) => {
      const where = await m.call('get_cluster_resources', { vmid: 105, fields: ['vmid', 'node', 'status'] });
      const node = String(rows(where.data)[0]?.node);
      await m.describe({ query: 'snapshot rollback vm' });
      await m.api('POST', `/nodes/${node}/qemu/105/snapshot`, {
        data: { snapname: 'before_upgrade', description: 'before apt full-upgrade' },
        wait: 60,
      });
      // … the upgrade goes wrong …
      guest(h.prod, 105).config.description = 'broken by the upgrade';
      await m.api('POST', `/nodes/${node}/qemu/105/snapshot/before_upgrade/rollback`, {
        data: { start: 1 },
        wait: 60,
      });
      const g = guest(h.prod, 105);
      expect(g.snapshots.map((s) => s.name)).toContain('before_upgrade');
      expect(g.config.parent).toBe('before_upgrade');
      expect(g.config.description).toBeUndefined();
      expect(g.config.lock).toBeUndefined();
      expect(g.status).toBe('running');
    }));

  it('4. clone a template, cloud-init, grow the disk, start, report its IP', () =>
    job(4, 'Clone template 104 with cloud-init, grow the disk, start, report the IP', {}, async (m, h) => {
      const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq3x0mJ ops@laptop';
      const where = await m.call('get_cluster_resources', {
        vmid: 104,
        fields: ['vmid', 'name', 'node', 'template'],
      });
      const node = String(rows(where.data)[0]?.node);
      await m.describe({ path: '/nodes/{node}/qemu/{vmid}/clone', method: 'POST' });
      await m.api('POST', `/nodes/${node}/qemu/104/clone`, {
        data: { newid: 150, name: 'web02', full: 1, storage: 'local-lvm' },
        wait: 120,
      });
      // No look-up of the config keys: the clone's result names them (src/tasks/next-step.ts).
      await m.api('PUT', `/nodes/${node}/qemu/150/config`, {
        data: {
          ciuser: 'ops',
          ipconfig0: 'ip=192.168.10.150/24,gw=192.168.10.1',
          sshkeys: encodeURIComponent(key),
          agent: 'enabled=1',
        },
      });
      await m.api('PUT', `/nodes/${node}/qemu/150/resize`, {
        data: { disk: 'scsi0', size: '+12G' },
        wait: 60,
      });
      await m.call('guest_action', { vmid: 150, action: 'start' });
      const info = await m.call('get_guest', { vmid: 150 });
      expect(info.text).toContain('192.168.10.150');
      const g = guest(h.prod, 150);
      expect(g).toMatchObject({ node, status: 'running' });
      expect(g.config).toMatchObject({
        name: 'web02',
        ciuser: 'ops',
        ipconfig0: 'ip=192.168.10.150/24,gw=192.168.10.1',
        sshkeys: encodeURIComponent(key),
      });
      expect(String(g.config.scsi0)).toMatch(/^local-lvm:vm-150-disk-0,.*size=20G/);
      expect(g.config.template).toBeUndefined();
    }));

  it('5. create a container from a template with network settings and start it', () =>
    job(5, 'Create a container from a template with network settings, start it', {}, async (m, h) => {
      const tpl = await m.api('GET', '/nodes/pve1/storage/local/content', { data: { content: 'vztmpl' } });
      const ostemplate = String((tpl.data.data as Row[])[0]?.volid);
      const next = await m.api('GET', '/cluster/nextid');
      const vmid = Number(next.data.data);
      await m.describe({ path: '/nodes/{node}/lxc', method: 'POST' });
      await m.api('POST', '/nodes/pve1/lxc', {
        data: {
          vmid,
          ostemplate,
          hostname: 'cache01',
          net0: 'name=eth0,bridge=vmbr0,ip=192.168.10.210/24,gw=192.168.10.1',
          rootfs: 'local-lvm:8',
          memory: 1024,
          cores: 2,
          unprivileged: 1,
          start: 1,
        },
        wait: 120,
      });
      const g = guest(h.prod, vmid);
      expect(g).toMatchObject({ type: 'lxc', node: 'pve1', status: 'running' });
      expect(g.config).toMatchObject({
        hostname: 'cache01',
        rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G`,
        unprivileged: 1,
      });
      expect(String(g.config.net0)).toContain('ip=192.168.10.210/24');
    }));

  it("6. back up a VM now to a storage and wait, then list that VM's backups", () =>
    job(6, "Back up a VM now (vzdump) and wait, then list that VM's backups", {}, async (m, h) => {
      const where = await m.call('get_cluster_resources', { vmid: 100, fields: ['vmid', 'node'] });
      const node = String(rows(where.data)[0]?.node);
      await m.describe({ query: 'backup vzdump' });
      await m.api('POST', `/nodes/${node}/vzdump`, {
        data: { vmid: '100', storage: 'nas', mode: 'snapshot', compress: 'zstd' },
        wait: 300,
      });
      const list = await m.api('GET', `/nodes/${node}/storage/nas/content`, {
        data: { content: 'backup', vmid: 100 },
        fields: ['volid', 'ctime', 'size', 'notes'],
      });
      const made = backupsOf(h.prod.fleet);
      expect(made).toMatchObject([{ vmid: 100, storage: 'nas' }]);
      expect((list.data.data as Row[]).length).toBe(4);
    }));

  it('7. restore a backup to a new VMID', () =>
    job(7, 'Restore a backup to a new VMID', {}, async (m, h) => {
      const list = await m.api('GET', '/nodes/pve1/storage/nas/content', {
        data: { content: 'backup', vmid: 100 },
        fields: ['volid', 'ctime', 'size'],
      });
      const newest = (list.data.data as Row[]).sort((a, b) => Number(b.ctime) - Number(a.ctime))[0];
      const next = await m.api('GET', '/cluster/nextid');
      const vmid = Number(next.data.data);
      await m.describe({ path: '/nodes/{node}/qemu', method: 'POST' });
      await m.api('POST', '/nodes/pve1/qemu', {
        data: { vmid, archive: String(newest?.volid), storage: 'local-lvm', unique: 1 },
        wait: 300,
      });
      const g = guest(h.prod, vmid);
      expect(g).toMatchObject({ type: 'qemu', node: 'pve1', status: 'stopped' });
      expect(g.config.name).toBe(guest(h.prod, 100).config.name);
      expect(String(g.config.scsi0)).toMatch(new RegExp(`^local-lvm:vm-${vmid}-disk-0`));
      expect(g.config.lock).toBeUndefined();
    }));

  it('8. online-migrate a VM to another node and wait', () =>
    job(8, 'Online-migrate a VM to another node and wait', {}, async (m, h) => {
      const where = await m.call('get_cluster_resources', { vmid: 105, fields: ['vmid', 'node', 'status'] });
      const node = String(rows(where.data)[0]?.node);
      await m.describe({ path: '/nodes/{node}/qemu/{vmid}/migrate', method: 'POST' });
      await m.api('POST', `/nodes/${node}/qemu/105/migrate`, {
        data: { target: 'pve2', online: 1, 'with-local-disks': 1 },
        wait: 600,
      });
      expect(guest(h.prod, 105)).toMatchObject({ node: 'pve2', status: 'running' });
      expect(guest(h.prod, 105).config.lock).toBeUndefined();
    }));

  it("9. why did last night's backup fail", () =>
    job(9, "Why did last night's backup fail", {}, async (m, h) => {
      addFinishedTask(h.prod, {
        node: 'pve1',
        type: 'vzdump',
        id: '101',
        agoSec: 8 * 3600,
        seconds: 4,
        lines: [
          'INFO: starting new backup job: vzdump 101 --storage nas --mode snapshot --compress zstd --node pve1',
          'INFO: Starting Backup of VM 101 (qemu)',
          'INFO: status = running',
          'ERROR: Backup of VM 101 failed - unable to open file /mnt/pve/nas/dump/vzdump-qemu-101.tmp - No space left on device',
          'INFO: Failed at 2026-12-04 01:04:12',
        ],
        error: 'job errors',
      });
      const tasks = await m.api('GET', '/cluster/tasks', {
        fields: ['upid', 'type', 'id', 'status', 'starttime'],
      });
      const failed = (tasks.data.data as Row[]).filter((t) => t.type === 'vzdump' && t.status !== 'OK');
      expect(failed).toHaveLength(1);
      const detail = await m.call('get_task', { upid: String(failed[0]?.upid) }, { expectError: true });
      expect(detail.text).toContain('No space left on device');
    }));

  it('10. storages over 80 % full', () =>
    job(10, 'Storages over 80 % full', {}, async (m, h) => {
      const pve3 = h.prod.fleet.nodes.get('pve3')!;
      (pve3 as { rootfsUsed: number }).rootfsUsed = Math.round(pve3.rootfsTotal * 0.86);
      const r = await m.call('get_cluster_resources', {
        cluster: '*',
        type: 'storage',
        fields: ['storage', 'node', 'disk', 'maxdisk', 'status'],
      });
      const full = rows(r.data).filter(
        (s) => Number(s.maxdisk) > 0 && Number(s.disk) / Number(s.maxdisk) > 0.8,
      );
      expect(full.map((s) => `${String(s.cluster)}/${String(s.node)}/${String(s.storage)}`)).toEqual([
        'prod/pve3/local',
      ]);
    }));

  it('11. find a guest by name, and by IP address', () =>
    job(11, 'Find a guest by name, and by IP address', {}, async (m, h) => {
      const byName = await m.call('get_cluster_resources', {
        cluster: '*',
        name: 'monitor',
        fields: ['vmid', 'name', 'node', 'status'],
      });
      expect(rows(byName.data).map((x) => x.vmid)).toEqual([105, 105]);
      // By IP: no filter knows addresses, so the running guests are asked one by one.
      const ip = '192.168.10.125';
      const running = await m.call('get_cluster_resources', {
        type: 'vm',
        status: 'running',
        fields: ['vmid', 'name'],
      });
      let found: unknown;
      for (const row of rows(running.data)) {
        const info = await m.call('get_guest', { vmid: Number(row.vmid) });
        if (info.text.includes(ip)) {
          found = row.vmid;
          break;
        }
      }
      expect(found).toBe(105);
      expect(guest(h.prod, 105).agentResponds).toBe(true);
    }));

  it('12. node health: services, disk, pending updates', () =>
    job(12, 'Node health: services, disk, pending updates', {}, async (m) => {
      const nodes = await m.call('list_nodes');
      expect(nodes.text).toContain('pve3');
      const status = await m.api('GET', '/nodes/pve3/status', { fields: ['rootfs', 'loadavg', 'uptime'] });
      expect(JSON.stringify(status.data.data)).toContain('rootfs');
      await m.describe({ query: 'node services' });
      const services = await m.api('GET', '/nodes/pve3/services', {
        fields: ['name', 'active-state', 'unit-state'],
      });
      const failed = (services.data.data as Row[]).filter((s) => s['active-state'] === 'failed');
      expect(failed.map((s) => s.name)).toEqual(['postfix']);
      const updates = await m.api('GET', '/nodes/pve3/apt/update', {
        fields: ['Package', 'OldVersion', 'Version'],
      });
      expect((updates.data.data as Row[]).map((u) => u.Package)).toContain('pve-manager');
    }));

  it('13. disk usage inside a VM (df -h through the guest agent)', () =>
    job(13, 'Disk usage inside a VM (`df -h`)', { elicit: true }, async (m, h) => {
      const r = await m.call('guest_exec', { vmid: 105, command: ['df', '-h'] });
      expect(r.data).toMatchObject({ exited: true, exitcode: 0, node: 'pve3' });
      expect(r.text).toMatch(/Filesystem\s+Size\s+Used/);
      // The default policy asks before any exec; this client's person said yes.
      expect(h.asked).toHaveLength(1);
      const execs = h.sims.prod!.requests.filter(
        (q) => q.method === 'POST' && q.path.endsWith('/agent/exec'),
      );
      expect(execs.map((q) => q.path)).toEqual(['/api2/json/nodes/pve3/qemu/105/agent/exec']);
    }));

  it('14. read /etc/os-release inside a VM', () =>
    job(14, 'Read `/etc/os-release` inside a VM', {}, async (m, h) => {
      const r = await m.call('guest_file_read', { vmid: 105, path: '/etc/os-release' });
      expect(r.text).toMatch(/PRETTY_NAME=/);
      const reads = h.sims.prod!.requests.filter((q) => q.path.endsWith('/agent/file-read'));
      expect(reads).toHaveLength(1);
      expect(reads[0]?.query.file).toBe('/etc/os-release');
    }));

  it('15. add a firewall rule to a VM and enable the firewall', () =>
    job(15, 'Add a firewall rule to a VM and enable the firewall', {}, async (m, h) => {
      const where = await m.call('get_cluster_resources', { vmid: 100, fields: ['vmid', 'node'] });
      const node = String(rows(where.data)[0]?.node);
      await m.describe({ query: 'vm firewall rules' });
      await m.api('POST', `/nodes/${node}/qemu/100/firewall/rules`, {
        data: {
          type: 'in',
          action: 'ACCEPT',
          proto: 'tcp',
          dport: '443',
          enable: 1,
          comment: 'https from anywhere',
        },
      });
      await m.api('PUT', `/nodes/${node}/qemu/100/firewall/options`, { data: { enable: 1 } });
      const e = extrasOf(guest(h.prod, 100));
      expect(e.firewallRules).toMatchObject([
        { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: 1 },
      ]);
      expect(e.firewallOptions.enable).toBe(1);
    }));

  it('16. change cores and memory, show the pending changes', () =>
    job(16, 'Change cores and memory, show the pending changes', {}, async (m, h) => {
      const before = await m.call('get_guest', { vmid: 100 });
      expect(before.text).toContain('pve1');
      await m.api('PUT', '/nodes/pve1/qemu/100/config', { data: { cores: 4, memory: '8192' } });
      await m.describe({ query: 'pending configuration changes' });
      const pending = await m.api('GET', '/nodes/pve1/qemu/100/pending');
      const changed = (pending.data.data as Row[]).filter((p) => p.pending !== undefined);
      expect(changed.map((p) => p.key).sort()).toEqual(['cores', 'memory']);
      const g = guest(h.prod, 100);
      expect(extrasOf(g).pending).toEqual({ cores: 4, memory: '8192' });
      expect(g.config.cores).toBe(2);
    }));

  it('17. HA status and quorum', () =>
    job(17, 'HA status and quorum', {}, async (m) => {
      const ha = await m.api('GET', '/cluster/ha/status/current');
      expect(JSON.stringify(ha.data.data)).toContain('quorum');
      const status = await m.api('GET', '/cluster/status');
      const cluster = (status.data.data as Row[]).find((r) => r.type === 'cluster');
      expect(cluster?.quorate).toBe(1);
    }));

  it('18. failed tasks of the last 24 hours across clusters', () =>
    job(18, 'Failed tasks of the last 24 h across clusters', {}, async (m, h) => {
      addFinishedTask(h.lab, {
        node: 'lab2',
        type: 'qmstart',
        id: '102',
        agoSec: 3 * 3600,
        seconds: 1,
        lines: [
          "kvm: -drive file=/dev/pve/vm-102-disk-0: Could not open '/dev/pve/vm-102-disk-0': No such file or directory",
        ],
        error: 'start failed: QEMU exited with code 1',
      });
      const since = h.prod.clock.nowSec() - 86400;
      const failed: string[] = [];
      for (const cluster of ['prod', 'lab']) {
        const tasks = await m.api('GET', '/cluster/tasks', {
          cluster,
          fields: ['upid', 'type', 'id', 'status', 'starttime'],
        });
        for (const t of tasks.data.data as Row[])
          if (t.status !== 'OK' && t.status !== undefined && Number(t.starttime) >= since)
            failed.push(`${cluster}:${String(t.type)}:${String(t.id)}`);
      }
      expect(failed.sort()).toEqual(['lab:qmstart:102']);
    }));

  it('19. gracefully shut down every guest tagged dev, confirming each', () =>
    job(
      19,
      'Gracefully shut down every guest tagged dev, confirming each',
      { elicit: true, confirm: ['POST /nodes/*/*/*/status/shutdown'] },
      async (m, h) => {
        guest(h.prod, 105).config.tags = 'dev;ops';
        guest(h.prod, 201).config.tags = 'dev';
        const tagged = await m.call('get_cluster_resources', {
          tag: 'dev',
          status: 'running',
          fields: ['vmid', 'name', 'type'],
        });
        for (const row of rows(tagged.data))
          await m.call('guest_action', { vmid: Number(row.vmid), action: 'shutdown' });
        expect(h.asked).toHaveLength(2);
        expect(guest(h.prod, 105).status).toBe('stopped');
        expect(guest(h.prod, 201).status).toBe('stopped');
        expect(guest(h.prod, 100).status).toBe('running');
      },
    ));

  it('20. tag a VM and set its description', () =>
    job(20, 'Tag a VM and set its description', {}, async (m, h) => {
      const where = await m.call('get_cluster_resources', { vmid: 102, fields: ['vmid', 'node', 'tags'] });
      const node = String(rows(where.data)[0]?.node);
      await m.api('PUT', `/nodes/${node}/qemu/102/config`, {
        data: { tags: 'ci;build', description: 'Build runner for the CI pipeline. Owner: platform team.' },
      });
      expect(guest(h.prod, 102).config).toMatchObject({
        tags: 'ci;build',
        description: 'Build runner for the CI pipeline. Owner: platform team.',
      });
    }));
});

it('prints what every session pays before the first job: the model-visible tools/list', async () => {
  h = await startJobHarness();
  const { tools } = await h.client.listTools();
  const visible = tools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: t.inputSchema,
  }));
  const bytes = Buffer.byteLength(JSON.stringify(visible));
  process.stderr.write(
    `tools/list (names, titles, descriptions, input schemas): ${tools.length} tools, ${bytes} B\n`,
  );
  expect(bytes).toBeGreaterThan(0);
});

it.skipIf(REAL_SCHEMA)(
  `the figures match the committed ones (calls and look-ups exact, bytes within 10 %)${REAL_SCHEMA ? ' (skipped: SCENARIO_SCHEMA=real measures, it does not compare)' : ''}`,
  () => {
    const problems = compareWithCommitted(figures);
    expect(problems, problems.join('\n')).toEqual([]);
  },
);
