import { expect } from 'vitest';
import { extrasOf } from '../../../src/simulator/job-state.js';
import { guest } from '../setup.js';
import { rows, type Job, type Row } from './job.js';

// Jobs that create or change guests: clone with cloud-init, a container from a template, firewall rules,
// cores and memory, tags and description.
export const createAndChange: Job[] = [
  {
    id: 4,
    title: 'clone a template, cloud-init, grow the disk, start, report its IP',
    name: 'Clone template 104 with cloud-init, grow the disk, start, report the IP',
    run: async (m, h) => {
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
    },
  },
  {
    id: 5,
    title: 'create a container from a template with network settings and start it',
    name: 'Create a container from a template with network settings, start it',
    run: async (m, h) => {
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
    },
  },
  {
    id: 15,
    title: 'add a firewall rule to a VM and enable the firewall',
    name: 'Add a firewall rule to a VM and enable the firewall',
    run: async (m, h) => {
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
    },
  },
  {
    id: 16,
    title: 'change cores and memory, show the pending changes',
    name: 'Change cores and memory, show the pending changes',
    run: async (m, h) => {
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
    },
  },
  {
    id: 20,
    title: 'tag a VM and set its description',
    name: 'Tag a VM and set its description',
    run: async (m, h) => {
      const where = await m.call('get_cluster_resources', { vmid: 102, fields: ['vmid', 'node', 'tags'] });
      const node = String(rows(where.data)[0]?.node);
      await m.api('PUT', `/nodes/${node}/qemu/102/config`, {
        data: { tags: 'ci;build', description: 'Build runner for the CI pipeline. Owner: platform team.' },
      });
      expect(guest(h.prod, 102).config).toMatchObject({
        tags: 'ci;build',
        description: 'Build runner for the CI pipeline. Owner: platform team.',
      });
    },
  },
];
