import { expect } from 'vitest';
import { addFinishedTask, guest } from '../setup.js';
import { rows, type Job, type Row } from './job.js';

// Jobs that look and report: what runs where, who uses the CPU, why a backup failed, full storages,
// finding a guest, node health, what is inside a VM, HA and quorum, failed tasks.
export const lookAndReport: Job[] = [
  {
    id: 1,
    title: 'running guests on a node, by memory use',
    name: 'Running guests on a node, by memory use',
    run: async (m, h) => {
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
    },
  },
  {
    id: 2,
    title: 'top CPU users across all clusters',
    name: 'Top CPU users across all clusters',
    run: async (m, h) => {
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
    },
  },
  {
    id: 9,
    title: "why did last night's backup fail",
    name: "Why did last night's backup fail",
    run: async (m, h) => {
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
    },
  },
  {
    id: 10,
    title: 'storages over 80 % full',
    name: 'Storages over 80 % full',
    run: async (m, h) => {
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
    },
  },
  {
    id: 11,
    title: 'find a guest by name, and by IP address',
    name: 'Find a guest by name, and by IP address',
    run: async (m, h) => {
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
    },
  },
  {
    id: 12,
    title: 'node health: services, disk, pending updates',
    name: 'Node health: services, disk, pending updates',
    run: async (m) => {
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
    },
  },
  {
    id: 13,
    title: 'disk usage inside a VM (df -h through the guest agent)',
    name: 'Disk usage inside a VM (`df -h`)',
    opts: { elicit: true },
    run: async (m, h) => {
      const r = await m.call('guest_exec', { vmid: 105, command: ['df', '-h'] });
      expect(r.data).toMatchObject({ exited: true, exitcode: 0, node: 'pve3' });
      expect(r.text).toMatch(/Filesystem\s+Size\s+Used/);
      // The default policy asks before any exec; this client's person said yes.
      expect(h.asked).toHaveLength(1);
      const execs = h.sims.prod!.requests.filter(
        (q) => q.method === 'POST' && q.path.endsWith('/agent/exec'),
      );
      expect(execs.map((q) => q.path)).toEqual(['/api2/json/nodes/pve3/qemu/105/agent/exec']);
    },
  },
  {
    id: 14,
    title: 'read /etc/os-release inside a VM',
    name: 'Read `/etc/os-release` inside a VM',
    run: async (m, h) => {
      const r = await m.call('guest_file_read', { vmid: 105, path: '/etc/os-release' });
      expect(r.text).toMatch(/PRETTY_NAME=/);
      const reads = h.sims.prod!.requests.filter((q) => q.path.endsWith('/agent/file-read'));
      expect(reads).toHaveLength(1);
      expect(reads[0]?.query.file).toBe('/etc/os-release');
    },
  },
  {
    id: 17,
    title: 'HA status and quorum',
    name: 'HA status and quorum',
    run: async (m) => {
      const ha = await m.api('GET', '/cluster/ha/status/current');
      expect(JSON.stringify(ha.data.data)).toContain('quorum');
      const status = await m.api('GET', '/cluster/status');
      const cluster = (status.data.data as Row[]).find((r) => r.type === 'cluster');
      expect(cluster?.quorate).toBe(1);
    },
  },
  {
    id: 18,
    title: 'failed tasks of the last 24 hours across clusters',
    name: 'Failed tasks of the last 24 h across clusters',
    run: async (m, h) => {
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
    },
  },
];
