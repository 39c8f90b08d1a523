import type { Guest, NodeState, StorageDef } from './fleet.js';
import type { SimState } from './state.js';
import { guestLive, nodeLive, storageUsage } from './stats.js';

/**
 * The cluster-resource shapes (PVE/API2Tools.pm extract_{vm,node,storage}_stats) shared by
 * /cluster/resources, /nodes and /pools. Field sets and JSON types follow the recorded samples.
 */
type Entry = Record<string, string | number>;

export function guestName(g: Guest): string {
  return String(
    (g.type === 'qemu' ? g.config.name : g.config.hostname) ?? `${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid}`,
  );
}

export function vmResource(g: Guest, state: SimState): Entry {
  const live = guestLive(g, state);
  const nodeOnline = state.fleet.nodes.get(g.node)?.online ?? false;
  // A guest on an unreachable node has stale data: PVE shows its status as unknown.
  const active = nodeOnline && g.status === 'running';
  const entry: Entry = {
    id: `${g.type}/${g.vmid}`,
    vmid: g.vmid,
    name: guestName(g),
    node: g.node,
    type: g.type,
    status: nodeOnline ? g.status : 'unknown',
    template: g.config.template === 1 ? 1 : 0,
    uptime: active ? live.uptime : 0,
    cpu: active ? live.cpu : 0,
    maxcpu: live.cpus,
    mem: active ? live.mem : 0,
    maxmem: live.maxmem,
    disk: active ? live.disk : 0,
    maxdisk: live.maxdisk,
    netin: active ? live.netin : 0,
    netout: active ? live.netout : 0,
    diskread: active ? live.diskread : 0,
    diskwrite: active ? live.diskwrite : 0,
  };
  if (g.type === 'qemu' && state.version.hasMemhost) entry.memhost = active ? live.memhost : 0;
  if (g.pool !== undefined) entry.pool = g.pool;
  if (g.config.tags !== undefined) entry.tags = String(g.config.tags);
  if (g.config.lock !== undefined) entry.lock = String(g.config.lock);
  return entry;
}

/**
 * extract_node_stats: stats only for an online node and a caller with Sys.Audit on it. `guestsOnNode`
 * spares a walk over every guest when the caller grouped them already.
 */
export function nodeEntry(
  n: NodeState,
  withStats: boolean,
  state: SimState,
  guestsOnNode?: readonly Guest[],
): Entry {
  const entry: Entry = {
    id: `node/${n.name}`,
    node: n.name,
    type: 'node',
    status: n.online ? 'online' : 'offline',
  };
  if (n.online && withStats) {
    const live = nodeLive(n, state, guestsOnNode);
    Object.assign(entry, {
      cpu: live.cpu,
      maxcpu: live.maxcpu,
      mem: live.mem,
      maxmem: live.maxmem,
      disk: live.disk,
      maxdisk: live.maxdisk,
      uptime: live.uptime,
    });
  }
  entry.level = '';
  return entry;
}

export function storageResource(
  s: StorageDef,
  n: NodeState,
  state: SimState,
  guestsOnNode?: readonly Guest[],
): Entry {
  const entry: Entry = {
    id: `storage/${n.name}/${s.id}`,
    storage: s.id,
    node: n.name,
    type: 'storage',
    plugintype: s.type,
    status: n.online ? 'available' : 'unknown',
    shared: s.shared ? 1 : 0,
    content: s.content,
  };
  if (n.online) {
    const usage = storageUsage(s, n, state, guestsOnNode);
    entry.disk = usage.used;
    entry.maxdisk = usage.total;
  }
  return entry;
}
