import { fail, permError } from '../errors.js';
import { parseSize, volumes, type Guest } from '../fleet.js';
import { backupsOf, extrasOf, type FirewallRule } from '../job-state.js';
import type { HandlerContext, RouteDef } from '../route-types.js';
import { vzdumpLines } from '../task-scripts.js';
import { loadGuest, startTask } from './helpers.js';
import { JOB_ROUTE_SPECS as S } from './job-specs.js';

/**
 * Backups on demand (vzdump), a VM's firewall (rules, options), its pending changes, and a node's services
 * and available updates.
 */

function vzdump(ctx: HandlerContext): string {
  const node = ctx.params.str('node') ?? '';
  const ids = (ctx.params.str('vmid') ?? '')
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map(Number);
  if (ids.length === 0) throw fail('no guests selected (pass vmid)');
  const storageId = ctx.params.str('storage') ?? 'local';
  const storage = ctx.state.fleet.storages.find((s) => s.id === storageId);
  if (!storage) throw fail(`storage '${storageId}' does not exist`);
  if (!storage.content.split(',').includes('backup'))
    throw fail(`storage '${storageId}' does not support backups`);
  // The checks the method's "user: all" leaves to the handler (PVE::API2::VZDump): VM.Backup on each
  // guest, Datastore.AllocateSpace on the storage.
  need(ctx, `/storage/${storageId}`, 'Datastore.AllocateSpace');
  const guests: Guest[] = ids.map((id) => {
    need(ctx, `/vms/${id}`, 'VM.Backup');
    const g = ctx.state.fleet.guests.get(id);
    if (!g || g.node !== node) throw fail(`guest ${id} is not on node '${node}'`);
    return g;
  });
  const start = ctx.state.clock.nowSec();
  // A locked guest (a snapshot or another backup running) fails, the others are still backed up: the task
  // then ends 'job errors', as vzdump's does.
  const locked = guests.filter((g) => g.config.lock !== undefined);
  const saved = guests.filter((g) => g.config.lock === undefined);
  return startTask(ctx, {
    type: 'vzdump',
    id: ids.length === 1 ? String(ids[0]) : '',
    lines: guests.flatMap((g) =>
      g.config.lock === undefined
        ? vzdumpLines(g, node, storageId, start, 12)
        : [
            `INFO: Starting Backup of VM ${g.vmid} (${g.type})`,
            `ERROR: Backup of VM ${g.vmid} failed - ${g.type === 'qemu' ? 'VM' : 'CT'} is locked (${String(g.config.lock)})`,
          ],
    ),
    ...(locked.length > 0 ? { error: 'job errors' } : {}),
    // 'job errors' still keeps the guests that were saved (a task killed midway keeps them too: close enough).
    onFailure: () => record(saved),
    onSuccess: () => record(saved),
  });

  function record(done: readonly Guest[]): void {
    for (const g of done) {
      backupsOf(ctx.state.fleet).push({
        storage: storageId,
        vmid: g.vmid,
        type: g.type,
        ctime: start,
        size: Math.round(volumes(g.config).reduce((s, v) => s + parseSize(v.size), 0) * 0.18),
        notes: String(g.config.name ?? g.config.hostname ?? `guest ${g.vmid}`),
        node,
        config: { ...g.config },
      });
    }
  }
}

/** raise_perm_exc unless the caller holds this privilege on the path. */
export function need(ctx: HandlerContext, path: string, priv: string): void {
  if (!ctx.caller.privileges.has(path, priv)) throw permError(`${path}, ${priv}`);
}

function firewallRules(ctx: HandlerContext): FirewallRule[] {
  return extrasOf(loadGuest(ctx, 'qemu')).firewallRules.map((r, pos) => ({ ...r, pos }));
}

function addRule(ctx: HandlerContext): null {
  const e = extrasOf(loadGuest(ctx, 'qemu'));
  const rule: FirewallRule = { type: ctx.params.str('type') ?? 'in', action: ctx.params.str('action') ?? '' };
  for (const [key, value] of ctx.params.entries()) {
    if (['node', 'vmid', 'pos', 'digest', 'type', 'action'].includes(key)) continue;
    rule[key] = typeof value === 'boolean' ? Number(value) : value;
  }
  const pos = Math.min(ctx.params.int('pos') ?? 0, e.firewallRules.length);
  // New rules go first unless a position is given, as in the GUI and pve-firewall.
  e.firewallRules.splice(pos, 0, rule);
  return null;
}

function setOptions(ctx: HandlerContext): null {
  const e = extrasOf(loadGuest(ctx, 'qemu'));
  for (const key of (ctx.params.str('delete') ?? '').split(/[,;\s]+/).filter(Boolean))
    delete e.firewallOptions[key];
  for (const [key, value] of ctx.params.entries()) {
    if (['node', 'vmid', 'digest', 'delete'].includes(key)) continue;
    e.firewallOptions[key] = typeof value === 'boolean' ? Number(value) : value;
  }
  return null;
}

function pending(ctx: HandlerContext): Array<Record<string, string | number>> {
  const g = loadGuest(ctx, 'qemu');
  const waiting = extrasOf(g).pending;
  const keys = [...new Set([...Object.keys(g.config), ...Object.keys(waiting)])].sort();
  return keys.map((key) => ({
    key,
    // Strings, as qemu-server reads them from the config file (the return schema says so too).
    ...(g.config[key] === undefined ? {} : { value: String(g.config[key]) }),
    ...(waiting[key] === undefined ? {} : { pending: String(waiting[key]) }),
  }));
}

const SERVICES: ReadonlyArray<[string, string]> = [
  ['chrony', 'NTP client/server'],
  ['corosync', 'Corosync Cluster Engine'],
  ['cron', 'Regular background program processing daemon'],
  ['ksmtuned', 'Kernel Samepage Merging (KSM) Tuning Daemon'],
  ['lxcfs', 'FUSE filesystem for LXC'],
  ['postfix', 'Postfix Mail Transport Agent (instance -)'],
  ['pve-cluster', 'The Proxmox VE cluster filesystem'],
  ['pve-firewall', 'Proxmox VE firewall'],
  ['pve-ha-crm', 'PVE Cluster HA Resource Manager Daemon'],
  ['pve-ha-lrm', 'PVE Local HA Resource Manager Daemon'],
  ['pvedaemon', 'PVE API Daemon'],
  ['pvefw-logger', 'Proxmox VE firewall logger'],
  ['pveproxy', 'PVE API Proxy Server'],
  ['pvescheduler', 'Proxmox VE scheduler'],
  ['pvestatd', 'PVE Status Daemon'],
  ['spiceproxy', 'PVE SPICE Proxy Server'],
  ['sshd', 'OpenBSD Secure Shell server'],
  ['syslog', 'System Logging Service'],
  ['systemd-journald', 'Journal Service'],
  ['systemd-timesyncd', 'Network Time Synchronization'],
];

function services(ctx: HandlerContext): Array<Record<string, string>> {
  const node = ctx.params.str('node') ?? '';
  // The last node of a cluster has a postfix that failed (a wrong relay host): node health finds it.
  const last = [...ctx.state.fleet.nodes.keys()].at(-1);
  return SERVICES.map(([name, desc]) => {
    const failed = name === 'postfix' && node === last && ctx.state.fleet.nodes.size > 1;
    const unused = name === 'systemd-timesyncd' || name === 'chrony';
    const state = failed ? 'failed' : name === 'systemd-timesyncd' ? 'dead' : 'running';
    return {
      service: name,
      name,
      desc,
      state,
      'active-state': failed ? 'failed' : state === 'running' ? 'active' : 'inactive',
      'unit-state': unused && state !== 'running' ? 'masked' : 'enabled',
    };
  });
}

const UPDATES: ReadonlyArray<Record<string, string>> = [
  {
    Package: 'pve-manager',
    Title: 'Proxmox Virtual Environment Management Tools',
    OldVersion: '9.2.10',
    Version: '9.2.11',
    Origin: 'Proxmox',
    Section: 'admin',
  },
  {
    Package: 'proxmox-kernel-6.14',
    Title: 'Latest Proxmox Kernel Image',
    OldVersion: '6.14.11-2',
    Version: '6.14.11-3',
    Origin: 'Proxmox',
    Section: 'admin',
  },
  {
    Package: 'openssl',
    Title: 'Secure Sockets Layer toolkit - cryptographic utility',
    OldVersion: '3.5.1-1',
    Version: '3.5.1-1+deb13u1',
    Origin: 'Debian',
    Section: 'utils',
  },
];

function updates(): Array<Record<string, string>> {
  return UPDATES.map((u) => ({ ...u, Arch: 'amd64', Priority: 'optional', Description: u.Title ?? '' }));
}

export const jobOpRoutes: RouteDef[] = [
  { ...S['POST /nodes/{node}/vzdump'], handler: vzdump },
  { ...S['GET /nodes/{node}/services'], handler: services },
  { ...S['GET /nodes/{node}/apt/update'], handler: updates },
  { ...S['GET /nodes/{node}/qemu/{vmid}/pending'], handler: pending },
  { ...S['GET /nodes/{node}/qemu/{vmid}/firewall/rules'], handler: firewallRules },
  { ...S['POST /nodes/{node}/qemu/{vmid}/firewall/rules'], handler: addRule },
  {
    ...S['GET /nodes/{node}/qemu/{vmid}/firewall/options'],
    handler: (ctx) => ({ enable: 0, ...extrasOf(loadGuest(ctx, 'qemu')).firewallOptions }),
  },
  { ...S['PUT /nodes/{node}/qemu/{vmid}/firewall/options'], handler: setOptions },
];
