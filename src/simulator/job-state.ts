/**
 * No import of fleet.ts: fleet.ts applies pending changes at a start, so this module stays below it and
 * keys its maps by the objects themselves (a Guest, a Fleet).
 */
type ConfigValue = string | number;
interface Configured {
  config: Record<string, ConfigValue>;
}

/**
 * State the admin jobs add to a guest or a cluster beyond its config: firewall rules and options, the
 * changes PVE keeps pending until the next boot, and the backups written since the simulator started.
 * Kept beside the objects (weak maps) so fleet.ts and the seeds stay as they are.
 */
export interface FirewallRule {
  type: string;
  action: string;
  enable?: number;
  [key: string]: string | number | undefined;
}

export interface GuestExtras {
  firewallRules: FirewallRule[];
  firewallOptions: Record<string, string | number>;
  /** Keys changed on a running VM that only apply at its next start (qemu-server's [PENDING] section). */
  pending: Record<string, ConfigValue>;
}

export interface BackupRecord {
  storage: string;
  vmid: number;
  type: 'qemu' | 'lxc';
  ctime: number;
  size: number;
  notes: string;
  /** The node it was written from (matters for non-shared storage). */
  node: string;
  /** The config at backup time: what a restore brings back. */
  config: Record<string, ConfigValue>;
}

const guestExtras = new WeakMap<Configured, GuestExtras>();
const fleetBackups = new WeakMap<object, BackupRecord[]>();

export function extrasOf(g: Configured): GuestExtras {
  let e = guestExtras.get(g);
  if (!e) {
    e = { firewallRules: [], firewallOptions: {}, pending: {} };
    guestExtras.set(g, e);
  }
  return e;
}

export function backupsOf(fleet: object): BackupRecord[] {
  let list = fleetBackups.get(fleet);
  if (!list) {
    list = [];
    fleetBackups.set(fleet, list);
  }
  return list;
}

/** Options that qemu-server cannot hotplug by default (hotplug=network,disk,usb): they wait for a restart. */
export const COLD_OPTIONS = new Set(['cores', 'sockets', 'memory', 'cpu', 'machine']);

/** Applies what was pending, as a VM start does. */
export function applyPending(g: Configured): void {
  const e = guestExtras.get(g);
  if (!e) return;
  Object.assign(g.config, e.pending);
  e.pending = {};
}
