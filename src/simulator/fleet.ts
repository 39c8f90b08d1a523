import { fail } from './errors.js';
import { applyPending } from './job-state.js';

/**
 * The simulated cluster's state: nodes, guests, storages and pools. Guest configs hold values typed the
 * way PVE's config parser returns them (integers and booleans as numbers, everything else as strings).
 */
export type GuestType = 'qemu' | 'lxc';
export type ConfigValue = string | number;

export interface NodeState {
  readonly name: string;
  readonly nodeid: number;
  readonly ip: string;
  online: boolean;
  /** Epoch seconds of the last boot. */
  readonly bootTime: number;
  readonly cpus: number;
  readonly cores: number;
  readonly sockets: number;
  readonly model: string;
  readonly mhz: string;
  readonly memTotal: number;
  /** Host memory in use besides guests. */
  readonly memBase: number;
  readonly swapTotal: number;
  readonly rootfsTotal: number;
  readonly rootfsUsed: number;
  readonly thinpoolTotal: number;
  /** SHA-256 certificate fingerprint shown by /nodes. */
  fingerprint: string;
}

/** Baselines for the live values of a running guest. */
export interface GuestProfile {
  /** Average CPU use as a fraction of the guest's CPUs. */
  readonly cpuLoad: number;
  /** Fraction of maxmem in use. */
  readonly memFraction: number;
  /** Bytes used on the root disk (containers only; PVE reports 0 for VMs). */
  readonly diskUsed: number;
  /** Network bytes per second received (sent is a third of it). */
  readonly netRate: number;
  /** Disk bytes per second read and written. */
  readonly ioRate: number;
}

export interface Snapshot {
  name: string;
  description: string;
  snaptime: number;
  vmstate: boolean;
  parent?: string;
  /** 'prepare' or 'delete' while a snapshot task runs. */
  snapstate?: string;
  config: Record<string, ConfigValue>;
}

export interface Guest {
  readonly vmid: number;
  readonly type: GuestType;
  node: string;
  status: 'running' | 'stopped';
  /** QEMU paused by 'suspend' (qmpstatus 'paused'); the guest still counts as running. */
  paused: boolean;
  /** Container checkpointed by 'suspend' (resume restores it). */
  checkpointed: boolean;
  config: Record<string, ConfigValue>;
  snapshots: Snapshot[];
  pool?: string;
  /** Epoch seconds of the last start. */
  startedAt: number;
  pid: number;
  /** Whether qemu-guest-agent answers inside the guest once it runs. */
  agentResponds: boolean;
  readonly profile: GuestProfile;
  /** A start that always fails: the task logs these lines and ends with this error. */
  readonly startFailure?: { readonly lines: readonly string[]; readonly error: string };
}

export interface StorageDef {
  readonly id: string;
  readonly type: 'dir' | 'lvmthin' | 'nfs';
  readonly content: string;
  readonly shared: boolean;
  /** Extra storage.cfg keys (path, thinpool, vgname, server, export, ...). */
  readonly config: Readonly<Record<string, string | number>>;
}

export interface PoolDef {
  readonly id: string;
  readonly comment?: string;
  readonly storage: Set<string>;
}

/** Where a guest's config file lives, as PVE names it in error messages. */
export function configFile(node: string, type: GuestType, vmid: number | string): string {
  return `nodes/${node}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf`;
}

const DISK_KEY = /^(?:scsi|sata|virtio|ide|efidisk|tpmstate|unused|mp)\d+$|^rootfs$/;
const SIZE_OPTION = /(?:^|,)size=([^,]+)/;
/** First letters of the keys above: most config keys are rejected on one character code. */
const DISK_KEY_START = new Set([...'svietumr'].map((c) => c.charCodeAt(0)));

/**
 * The guest's volumes (not CD-ROMs): key, volume id and size as written in the config. Hot: a
 * 10,000-guest /cluster/resources reads every guest's disks about three times, hence the plain loops.
 */
export function volumes(
  config: Readonly<Record<string, ConfigValue>>,
): Array<{ key: string; volid: string; size?: string }> {
  const out: Array<{ key: string; volid: string; size?: string }> = [];
  for (const key in config) {
    if (!DISK_KEY_START.has(key.charCodeAt(0)) || !DISK_KEY.test(key)) continue;
    const text = String(config[key]);
    if (text.startsWith('none') || text.includes('media=cdrom')) continue;
    const comma = text.indexOf(',');
    out.push({
      key,
      volid: comma < 0 ? text : text.slice(0, comma),
      size: SIZE_OPTION.exec(text)?.[1],
    });
  }
  return out;
}

/** '32G' → bytes. */
export function parseSize(size: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(size ?? '');
  if (!m) return 0;
  const unit = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2] ?? ''] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

/** The guest's state once a start (or resume from disk) completed. */
export function markStarted(g: Guest, nowSec: number): void {
  g.status = 'running';
  g.paused = false;
  g.checkpointed = false;
  g.startedAt = nowSec;
  g.pid = 2000 + ((g.vmid * 7919 + nowSec) % 900_000);
  if (g.config.lock === 'suspended') delete g.config.lock;
  applyPending(g);
}

export function markStopped(g: Guest): void {
  g.status = 'stopped';
  g.paused = false;
  g.pid = 0;
}

export class Fleet {
  readonly nodes = new Map<string, NodeState>();
  readonly guests = new Map<number, Guest>();
  readonly pools = new Map<string, PoolDef>();

  constructor(
    readonly clusterName: string,
    nodes: readonly NodeState[],
    guests: readonly Guest[],
    readonly storages: readonly StorageDef[],
    pools: readonly PoolDef[],
  ) {
    for (const n of nodes) this.nodes.set(n.name, n);
    for (const g of guests) this.guests.set(g.vmid, g);
    for (const p of pools) this.pools.set(p.id, p);
  }

  /** The node this API endpoint "is" (the first one): its certificate is the simulator's own. */
  get localNode(): string {
    return [...this.nodes.keys()][0] ?? '';
  }

  /** load_config on the node the request was proxied to. */
  guest(node: string, type: GuestType, vmid: number): Guest {
    const g = this.guests.get(vmid);
    if (!g || g.node !== node || g.type !== type) {
      throw fail(`Configuration file '${configFile(node, type, vmid)}' does not exist`);
    }
    return g;
  }

  guestsOn(node: string, type: GuestType): Guest[] {
    return [...this.guests.values()]
      .filter((g) => g.node === node && g.type === type)
      .sort((a, b) => a.vmid - b.vmid);
  }

  /** Pool membership for permission paths: '/vms/100' or '/storage/nas'. */
  poolOf(path: string): string | undefined {
    const vm = /^\/vms\/(\d+)$/.exec(path);
    if (vm) return this.guests.get(Number(vm[1]))?.pool;
    const store = /^\/storage\/([^/]+)$/.exec(path);
    if (store) return [...this.pools.values()].find((p) => p.storage.has(store[1] ?? ''))?.id;
    return undefined;
  }

  /** The lowest free VMID (cluster-wide) from 100 on. */
  nextFreeVmid(): number {
    let id = 100;
    while (this.guests.has(id)) id++;
    return id;
  }
}
