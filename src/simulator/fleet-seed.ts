import { createHash } from 'node:crypto';
import { DEMO_GUESTS, type GuestSeed } from './fleet-demo.js';
import { Fleet, type Guest, type NodeState, type StorageDef } from './fleet.js';
import { vzdumpLines } from './task-scripts.js';
import type { TaskManager } from './tasks.js';

/**
 * Builds the simulated cluster from options: nodes with plausible hardware, the storages, and (for the
 * 'demo' seed) the guests of fleet-demo.ts plus a night's worth of task history. A `{ guests }` seed
 * gives the guests one by one (the generated 10,000-guest fleets of simulator/testing) on data-centre
 * sized nodes.
 */
const GiB = 2 ** 30;

const HARDWARE = [
  {
    cpus: 16,
    cores: 8,
    sockets: 1,
    model: 'Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz',
    mhz: '3700.000',
    memTotal: 64 * GiB,
  },
  {
    cpus: 12,
    cores: 6,
    sockets: 1,
    model: 'AMD Ryzen 5 PRO 4650G with Radeon Graphics',
    mhz: '3700.000',
    memTotal: 32 * GiB,
  },
  {
    cpus: 8,
    cores: 4,
    sockets: 1,
    model: 'Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz',
    mhz: '3400.000',
    memTotal: 32 * GiB,
  },
] as const;

/** Guests given one by one, on nodes sized for many guests; the storages include the shared 'nas'. */
export interface CustomFleetSeed {
  guests: readonly GuestSeed[];
  pools: ReadonlyArray<{ id: string; comment?: string; storage?: readonly string[] }>;
}

/** Hosts that can carry ~600 small guests each, for generated fleets. */
const BIG_HARDWARE = {
  cpus: 128,
  cores: 32,
  sockets: 2,
  model: 'AMD EPYC 7543 32-Core Processor',
  mhz: '2800.000',
  memTotal: 2048 * GiB,
} as const;

function fakeFingerprint(name: string): string {
  return (createHash('sha256').update(`node ${name}`).digest('hex').toUpperCase().match(/../g) ?? []).join(
    ':',
  );
}

function makeNode(name: string, index: number, nowSec: number, big = false): NodeState {
  const hw = big ? BIG_HARDWARE : (HARDWARE[index % HARDWARE.length] ?? HARDWARE[0]);
  const node: NodeState = {
    name,
    nodeid: index + 1,
    ip: `192.168.10.${11 + index}`,
    online: true,
    bootTime: nowSec - 12 * 86400 - index * 3 * 3600 - 417,
    ...hw,
    memBase: Math.round(hw.memTotal * 0.06),
    swapTotal: 8 * GiB,
    rootfsTotal: 94 * GiB + index * 3 * GiB,
    rootfsUsed: Math.round((11.3 + index * 1.7) * GiB),
    thinpoolTotal: (794 - (index % HARDWARE.length) * 100) * GiB,
    fingerprint: fakeFingerprint(name),
  };
  return big ? { ...node, thinpoolTotal: 60 * 1024 * GiB } : node;
}

function storages(withNas: boolean): StorageDef[] {
  const list: StorageDef[] = [
    {
      id: 'local',
      type: 'dir',
      content: 'backup,iso,vztmpl',
      shared: false,
      config: { path: '/var/lib/vz' },
    },
    {
      id: 'local-lvm',
      type: 'lvmthin',
      content: 'images,rootdir',
      shared: false,
      config: { thinpool: 'data', vgname: 'pve' },
    },
  ];
  if (withNas) {
    list.push({
      id: 'nas',
      type: 'nfs',
      content: 'backup,images,iso,vztmpl',
      shared: true,
      config: {
        server: '192.168.10.5',
        export: '/export/pve',
        path: '/mnt/pve/nas',
        options: 'vers=4.2',
        'prune-backups': 'keep-daily=7,keep-weekly=4',
      },
    });
  }
  return list;
}

function makeGuest(seed: GuestSeed, node: string, nowSec: number): Guest {
  const config = { ...seed.config };
  const guest: Guest = {
    vmid: seed.vmid,
    type: seed.type,
    node,
    status: seed.running ? 'running' : 'stopped',
    paused: false,
    checkpointed: false,
    config,
    snapshots: [],
    pool: seed.pool,
    startedAt: nowSec - (seed.uptime ?? 0),
    pid: seed.running ? 2000 + seed.vmid * 13 : 0,
    agentResponds: seed.agentResponds ?? false,
    profile: seed.profile,
    startFailure: seed.startFailure,
  };
  if (seed.snapshot) {
    guest.snapshots.push({
      name: seed.snapshot.name,
      description: seed.snapshot.description,
      snaptime: nowSec - seed.snapshot.age,
      vmstate: false,
      config: { ...config },
    });
    guest.config.parent = seed.snapshot.name;
  }
  return guest;
}

export function seedFleet(opts: {
  clusterName: string;
  nodes: readonly string[];
  seed: 'demo' | 'empty' | CustomFleetSeed;
  nowSec: number;
}): Fleet {
  const custom = typeof opts.seed === 'object' ? opts.seed : undefined;
  const nodes = opts.nodes.map((name, i) => makeNode(name, i, opts.nowSec, custom !== undefined));
  if (opts.seed === 'empty') return new Fleet(opts.clusterName, nodes, [], storages(false), []);
  if (custom) {
    const guests = custom.guests.map((s) =>
      makeGuest(s, opts.nodes[s.nodeIndex % opts.nodes.length] ?? '', opts.nowSec),
    );
    const pools = custom.pools.map((p) => ({ id: p.id, comment: p.comment, storage: new Set(p.storage) }));
    return new Fleet(opts.clusterName, nodes, guests, storages(true), pools);
  }
  const guests = DEMO_GUESTS.map((s) =>
    makeGuest(s, opts.nodes[s.nodeIndex % opts.nodes.length] ?? '', opts.nowSec),
  );
  return new Fleet(opts.clusterName, nodes, guests, storages(true), [
    { id: 'prod', comment: 'Production services', storage: new Set(['nas']) },
  ]);
}

/** Backup tasks seeded at most: a generated fleet of 10,000 guests needs no 10,000-entry task history. */
const MAX_SEEDED_BACKUPS = 100;

/** Last night's backups and a few older tasks, so task lists are not empty on first look. */
export function seedTaskHistory(fleet: Fleet, tasks: TaskManager, nowSec: number): void {
  if (fleet.guests.size === 0) return;
  const night = nowSec - 9 * 3600;
  let pid = 0x00012a40;
  const add = (
    node: string,
    type: string,
    id: string,
    start: number,
    seconds: number,
    lines: string[],
    error?: string,
  ): void => {
    const boot = fleet.nodes.get(node)?.bootTime ?? start - 86400;
    pid += 211;
    tasks.addFinished({
      node,
      type,
      id,
      user: 'root@pam',
      starttime: start,
      endtime: start + seconds,
      pid,
      pstart: (start - boot) * 100,
      lines,
      error,
    });
  };
  let offset = 0;
  let backups = 0;
  for (const g of fleet.guests.values()) {
    if (g.config.template === 1) continue;
    if (++backups > MAX_SEEDED_BACKUPS) break;
    const seconds = g.type === 'qemu' ? 59 : 13;
    add(
      g.node,
      'vzdump',
      String(g.vmid),
      night + offset,
      seconds,
      vzdumpLines(g, g.node, 'nas', night + offset, seconds),
    );
    offset += seconds + 3;
  }
  const [first, second, third] = [...fleet.nodes.keys()];
  if (first) add(first, 'srvreload', 'networking', nowSec - 4 * 86400, 1, []);
  const win = fleet.guests.get(103);
  if (win?.startFailure)
    add(
      win.node,
      'qmstart',
      '103',
      nowSec - 26 * 3600,
      2,
      [...win.startFailure.lines],
      win.startFailure.error,
    );
  if (third ?? second)
    add((third ?? second) as string, 'aptupdate', '', nowSec - 30 * 3600, 7, [
      'Hit:1 http://deb.debian.org/debian trixie InRelease',
      'Reading package lists...',
    ]);
}
