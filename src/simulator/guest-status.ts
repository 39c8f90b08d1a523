import { createHash } from 'node:crypto';
import { fail } from './errors.js';
import { volumes, type ConfigValue, type Guest } from './fleet.js';
import { guestName } from './resources.js';
import { agentEnabled } from './routes/config-props.js';
import type { SimState } from './state.js';
import { guestLive } from './stats.js';

/**
 * Guest payloads for the per-node lists, status/current and config (qemu-server vmstatus, pve-container
 * vmstatus). Field presence follows PVE: pid only while running, template/tags/lock only when set, the
 * QMP-derived details only for running VMs.
 */
type Payload = Record<string, unknown>;

/** The config file's SHA-1, which clients echo back as `digest` to detect concurrent changes. */
export function configDigest(g: Guest): string {
  return createHash('sha1')
    .update(JSON.stringify([g.config, g.snapshots.map((s) => [s.name, s.config])]))
    .digest('hex');
}

function commonFields(g: Guest, state: SimState): Payload {
  const live = guestLive(g, state);
  const running = g.status === 'running';
  const entry: Payload = {
    vmid: g.vmid,
    status: g.status,
    name: guestName(g),
    cpus: live.cpus,
    cpu: live.cpu,
    mem: live.mem,
    maxmem: live.maxmem,
    disk: live.disk,
    maxdisk: live.maxdisk,
    netin: live.netin,
    netout: live.netout,
    diskread: live.diskread,
    diskwrite: live.diskwrite,
    uptime: live.uptime,
  };
  if (g.type === 'lxc') Object.assign(entry, { type: 'lxc', swap: live.swap, maxswap: live.maxswap });
  if (g.type === 'qemu' && state.version.hasMemhost) entry.memhost = live.memhost;
  if (running) entry.pid = g.pid;
  if (g.config.template === 1) entry.template = 1;
  if (g.config.tags !== undefined) entry.tags = String(g.config.tags);
  if (g.config.lock !== undefined) entry.lock = String(g.config.lock);
  return entry;
}

function qmpStatus(g: Guest): string {
  if (g.status !== 'running') return 'stopped';
  return g.paused ? 'paused' : 'running';
}

function runningMachine(g: Guest, state: SimState): string {
  const q35 = String(g.config.machine ?? '').includes('q35');
  return `pc-${q35 ? 'q35' : 'i440fx'}-${state.version.qemu.machine}`;
}

/** One row of GET /nodes/{node}/qemu or /lxc. */
export function guestListEntry(g: Guest, state: SimState, full: boolean): Payload {
  const entry = commonFields(g, state);
  // pve-container returned vmid as a string until PVE 8.1.
  if (g.type === 'lxc' && !state.version.lxcVmidIsInteger) entry.vmid = String(g.vmid);
  if (g.type === 'qemu' && full && g.status === 'running') {
    entry.qmpstatus = qmpStatus(g);
    entry['running-machine'] = runningMachine(g, state);
    entry['running-qemu'] = state.version.qemu.version;
  }
  return entry;
}

function blockstat(g: Guest, uptime: number): Payload {
  const out: Payload = {};
  const disks = volumes(g.config).filter((v) => /^(scsi|sata|virtio|ide)\d+$/.test(v.key));
  const keys = [
    ...disks.map((d) => d.key),
    ...Object.keys(g.config).filter((k) => /^ide\d+$/.test(k) && !disks.some((d) => d.key === k)),
  ];
  for (const [i, key] of keys.entries()) {
    const scale = disks.some((d) => d.key === key) ? g.profile.ioRate * uptime : 0;
    const ops = Math.round(scale / 8192);
    out[key] = {
      rd_bytes: Math.round(scale * 0.6) + (i === 0 ? 0 : 344348),
      wr_bytes: Math.round(scale * 0.4),
      rd_operations: Math.round(ops * 0.6) + 98,
      wr_operations: Math.round(ops * 0.4),
      flush_operations: Math.round(ops * 0.05),
      unmap_operations: Math.round(ops * 0.01),
      rd_total_time_ns: ops * 455_000,
      wr_total_time_ns: ops * 418_000,
      flush_total_time_ns: ops * 48_000,
      unmap_total_time_ns: ops * 2_000,
      rd_merged: 0,
      wr_merged: 0,
      unmap_merged: 0,
      unmap_bytes: Math.round(scale * 0.1),
      wr_highest_offset: Math.round(scale * 0.02),
      idle_time_ns: 4_427_685_914 + i,
      failed_rd_operations: 0,
      failed_wr_operations: 0,
      failed_flush_operations: 0,
      failed_unmap_operations: 0,
      invalid_rd_operations: 0,
      invalid_wr_operations: 0,
      invalid_flush_operations: 0,
      invalid_unmap_operations: 0,
      account_failed: true,
      account_invalid: true,
      timed_stats: [],
    };
  }
  return out;
}

/** GET .../status/current. */
export function guestCurrentStatus(g: Guest, state: SimState): Payload {
  const status = commonFields(g, state);
  status.ha = { managed: 0 };
  if (g.type === 'lxc') return status;

  status.qmpstatus = qmpStatus(g);
  if (agentEnabled(g)) status.agent = 1;
  if (/^(qxl|virtio)/.test(String(g.config.vga ?? ''))) status.spice = 1;
  if (g.status !== 'running') return status;

  const live = guestLive(g, state);
  const free = Math.max(0, live.maxmem - live.mem);
  Object.assign(status, {
    'running-machine': runningMachine(g, state),
    'running-qemu': state.version.qemu.version,
    balloon: live.maxmem,
    freemem: free,
    shares: 1000,
    ballooninfo: {
      actual: live.maxmem,
      max_mem: live.maxmem,
      total_mem: live.maxmem - 82_137_088,
      free_mem: free,
      mem_swapped_in: 0,
      mem_swapped_out: 0,
      major_page_faults: 1811 + Math.round(live.uptime / 97),
      minor_page_faults: 3_803_793 + live.uptime * 22,
      last_update: state.clock.nowSec() - 3,
    },
    blockstat: blockstat(g, live.uptime),
    nics: Object.fromEntries(
      Object.keys(g.config)
        .filter((k) => /^net\d+$/.test(k))
        .map((k) => [`tap${g.vmid}i${k.slice(3)}`, { netin: live.netin, netout: live.netout }]),
    ),
    'proxmox-support': {
      'backup-fleecing': true,
      'backup-max-workers': true,
      'pbs-dirty-bitmap': true,
      'pbs-dirty-bitmap-migration': true,
      'pbs-dirty-bitmap-savevm': true,
      'pbs-library-version': '1.5.2 (UNKNOWN)',
      'pbs-masterkey': true,
      'query-bitmap-info': true,
    },
  });
  if (g.config.balloon !== undefined && Number(g.config.balloon) > 0)
    status.balloon_min = Number(g.config.balloon) * 2 ** 20;
  return status;
}

/** Config values as the API returns them: since 8.1 `memory` is a property string (a JSON string). */
function present(g: Guest, config: Record<string, ConfigValue>, state: SimState): Payload {
  const out: Payload = { ...config };
  if (g.type === 'qemu' && config.memory !== undefined && !state.version.memoryIsPropertyString) {
    out.memory = Number(/(\d+)/.exec(String(config.memory))?.[1] ?? 512);
  }
  return out;
}

/** GET .../config, optionally of a snapshot. */
export function guestConfig(g: Guest, state: SimState, snapname?: string): Payload {
  const digest = configDigest(g);
  if (snapname === undefined) return { ...present(g, g.config, state), digest };
  const snap = g.snapshots.find((s) => s.name === snapname);
  if (!snap) throw fail(`snapshot '${snapname}' does not exist`);
  const out: Payload = {
    ...present(g, snap.config, state),
    description: snap.description,
    snaptime: snap.snaptime,
    digest,
  };
  if (snap.parent !== undefined) out.parent = snap.parent;
  if (g.type === 'qemu' && snap.vmstate) out.vmstate = 1;
  return out;
}
