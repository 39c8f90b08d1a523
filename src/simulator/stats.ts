import { parseSize, volumes, type Guest, type NodeState, type StorageDef } from './fleet.js';
import type { SimState } from './state.js';

/**
 * Live numbers (CPU, memory, counters, uptime) computed from the clock, so the cluster looks alive while
 * staying deterministic: the same elapsed time and fleet give the same values, and counters only grow.
 */
const MiB = 2 ** 20;

/** A slow oscillation in [0, 1], phase-shifted per object. */
function wave(seed: number, t: number, period: number): number {
  return 0.5 + 0.5 * Math.sin(t / period + seed);
}

export function guestMaxmem(g: Guest): number {
  const raw = String(g.config.memory ?? '512');
  const current = /(?:^|,)(?:current=)?(\d+)(?:,|$)/.exec(raw)?.[1];
  return Number(current ?? 512) * MiB;
}

export function guestCpus(g: Guest, node: NodeState | undefined): number {
  if (g.type === 'lxc') return Number(g.config.cores ?? node?.cpus ?? 1);
  return Number(g.config.vcpus ?? Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1));
}

/** The boot disk's size for VMs, the root filesystem's for containers. */
export function guestMaxdisk(g: Guest): number {
  const vols = volumes(g.config);
  const boot =
    g.type === 'lxc'
      ? vols.find((v) => v.key === 'rootfs')
      : ['scsi0', 'virtio0', 'sata0', 'ide0']
          .map((k) => vols.find((v) => v.key === k))
          .find((v) => v !== undefined);
  return parseSize(boot?.size);
}

export interface GuestLive {
  cpu: number;
  cpus: number;
  mem: number;
  maxmem: number;
  memhost: number;
  disk: number;
  maxdisk: number;
  swap: number;
  maxswap: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  uptime: number;
}

export function guestLive(g: Guest, state: SimState): GuestLive {
  const node = state.fleet.nodes.get(g.node);
  const t = state.clock.elapsed();
  const running = g.status === 'running';
  const uptime = running ? Math.max(0, state.clock.nowSec() - g.startedAt) : 0;
  const maxmem = guestMaxmem(g);
  const cpu = running && !g.paused ? Math.min(1, g.profile.cpuLoad * (0.7 + 0.6 * wave(g.vmid, t, 9))) : 0;
  const mem = running
    ? Math.round(maxmem * g.profile.memFraction * (0.97 + 0.06 * wave(g.vmid * 3, t, 23)))
    : 0;
  return {
    cpu,
    cpus: guestCpus(g, node),
    mem,
    maxmem,
    memhost: running && g.type === 'qemu' ? Math.round(mem * 1.04) : 0,
    disk: running && g.type === 'lxc' ? Math.round(g.profile.diskUsed) : 0,
    maxdisk: guestMaxdisk(g),
    swap: 0,
    maxswap: g.type === 'lxc' ? Number(g.config.swap ?? 512) * MiB : 0,
    netin: Math.round(g.profile.netRate * uptime),
    netout: Math.round((g.profile.netRate / 3) * uptime),
    diskread: Math.round(g.profile.ioRate * 0.6 * uptime),
    diskwrite: Math.round(g.profile.ioRate * 0.4 * uptime),
    uptime,
  };
}

export interface NodeLive {
  cpu: number;
  maxcpu: number;
  mem: number;
  maxmem: number;
  disk: number;
  maxdisk: number;
  uptime: number;
  loadavg: [string, string, string];
  wait: number;
}

/**
 * `candidates` may narrow the guests looked at (those on this node, grouped once by the caller), so a
 * 20-node, 10,000-guest /cluster/resources does not walk every guest once per node.
 */
export function nodeLive(
  n: NodeState,
  state: SimState,
  candidates: Iterable<Guest> = state.fleet.guests.values(),
): NodeLive {
  const t = state.clock.elapsed();
  let busy = 0;
  let mem = n.memBase;
  for (const g of candidates) {
    if (g.node !== n.name || g.status !== 'running') continue;
    const live = guestLive(g, state);
    busy += live.cpu * live.cpus;
    mem += g.type === 'qemu' ? live.memhost : live.mem;
  }
  const cpu = Math.min(1, (0.004 + busy / n.cpus) * (0.9 + 0.2 * wave(n.nodeid, t, 7)));
  const load = cpu * n.cpus;
  return {
    cpu,
    maxcpu: n.cpus,
    mem: Math.min(mem, n.memTotal),
    maxmem: n.memTotal,
    disk: n.rootfsUsed,
    maxdisk: n.rootfsTotal,
    uptime: Math.max(0, state.clock.nowSec() - n.bootTime),
    loadavg: [(load * 1.1).toFixed(2), load.toFixed(2), (load * 0.9).toFixed(2)],
    wait: Number((0.0004 + 0.001 * wave(n.nodeid * 5, t, 11)).toFixed(6)),
  };
}

/** Space on a storage as seen from one node; `candidates` as for nodeLive. */
export function storageUsage(
  s: StorageDef,
  node: NodeState,
  state: SimState,
  candidates: Iterable<Guest> = state.fleet.guests.values(),
): { total: number; used: number } {
  if (s.type === 'dir') return { total: node.rootfsTotal, used: node.rootfsUsed };
  if (s.type === 'nfs') return { total: 4 * 2 ** 40, used: Math.round(1.31 * 2 ** 40) };
  let used = 0;
  for (const g of candidates) {
    if (g.node !== node.name) continue;
    for (const v of volumes(g.config)) {
      if (v.volid.startsWith(`${s.id}:`)) used += parseSize(v.size) * 0.35;
    }
    used += g.snapshots.length * 2 ** 30;
  }
  return { total: node.thinpoolTotal, used: Math.round(used) };
}
