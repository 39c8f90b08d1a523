import { expect } from 'vitest';
import { backupsOf } from '../../../src/simulator/job-state.js';
import { guest } from '../setup.js';
import { rows, type Job, type Row } from './job.js';

// Jobs that protect, move or stop guests: snapshot and roll back, back up and restore, migrate, a
// confirmed shutdown of every guest with a tag.
export const protectAndMove: Job[] = [
  {
    id: 3,
    title: 'snapshot before an upgrade, then roll back',
    name: 'Snapshot before an upgrade, then roll back',
    run: async (m, h) => {
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
    },
  },
  {
    id: 6,
    title: "back up a VM now to a storage and wait, then list that VM's backups",
    name: "Back up a VM now (vzdump) and wait, then list that VM's backups",
    run: async (m, h) => {
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
    },
  },
  {
    id: 7,
    title: 'restore a backup to a new VMID',
    name: 'Restore a backup to a new VMID',
    run: async (m, h) => {
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
    },
  },
  {
    id: 8,
    title: 'online-migrate a VM to another node and wait',
    name: 'Online-migrate a VM to another node and wait',
    run: async (m, h) => {
      const where = await m.call('get_cluster_resources', { vmid: 105, fields: ['vmid', 'node', 'status'] });
      const node = String(rows(where.data)[0]?.node);
      await m.describe({ path: '/nodes/{node}/qemu/{vmid}/migrate', method: 'POST' });
      await m.api('POST', `/nodes/${node}/qemu/105/migrate`, {
        data: { target: 'pve2', online: 1, 'with-local-disks': 1 },
        wait: 600,
      });
      expect(guest(h.prod, 105)).toMatchObject({ node: 'pve2', status: 'running' });
      expect(guest(h.prod, 105).config.lock).toBeUndefined();
    },
  },
  {
    id: 19,
    title: 'gracefully shut down every guest tagged dev, confirming each',
    name: 'Gracefully shut down every guest tagged dev, confirming each',
    opts: { elicit: true, confirm: ['POST /nodes/*/*/*/status/shutdown'] },
    run: async (m, h) => {
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
  },
];
