import type { ConfigValue } from '../fleet.js';
import type { GuestSeed } from '../fleet-demo.js';

/**
 * A large generated fleet for scale tests and benchmarks ("10,000 guests on 16 nodes"). Deterministic: the
 * same spec always yields the same guests, so tests can compute expected totals from these seeds without
 * asking the simulator or the tool. The mix follows what real /cluster/resources answers show: mostly
 * qemu with a good share of lxc, most running, a few templates, VMIDs in blocks with gaps, about half the
 * guests in a pool, `;`-separated tags, the odd backup lock.
 */
export interface GeneratedFleetSpec {
  /** How many guests (qemu + lxc). */
  guests: number;
  /** How many nodes when the simulator's `nodes` option is not given; default: one per ~625 guests, 3..20. */
  nodes?: number;
}

export const GENERATED_POOLS = ['prod', 'staging', 'dev', 'ci', 'lab'] as const;

const ROLES = ['web', 'api', 'db', 'cache', 'queue', 'worker', 'build', 'proxy', 'dns', 'mon', 'log', 'vpn'];
const ENVS = ['prod', 'stg', 'dev'];
const TAGS = ['prod', 'staging', 'dev', 'web', 'db', 'ci', 'infra', 'backup', 'k8s', 'legacy', 'gpu', 'pci'];
const OSTYPES_CT = ['debian', 'ubuntu', 'alpine', 'rockylinux'];
const GiB = 2 ** 30;

/** Generated clusters use node names pve01, pve02, … so they sort the way they read. */
export function generatedNodeNames(spec: GeneratedFleetSpec): string[] {
  const count = spec.nodes ?? Math.min(20, Math.max(3, Math.ceil(spec.guests / 625)));
  return Array.from({ length: count }, (_, i) => `pve${String(i + 1).padStart(2, '0')}`);
}

/** mulberry32: a tiny seeded PRNG, so the fleet is the same on every run and machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateGuestSeeds(spec: GeneratedFleetSpec, nodeCount: number): GuestSeed[] {
  if (!Number.isInteger(spec.guests) || spec.guests < 0) throw new Error('guests must be a whole number ≥ 0');
  const rnd = random(0x5eed + spec.guests);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const seeds: GuestSeed[] = [];
  let vmid = 100;
  for (let i = 0; i < spec.guests; i++) {
    // VMIDs come in blocks with gaps, as teams reserve ranges and guests get deleted.
    if (rnd() < 0.08) vmid += 1 + Math.floor(rnd() * 20);
    const type = rnd() < 0.62 ? 'qemu' : 'lxc';
    const template = rnd() < 0.03;
    const running = !template && rnd() < 0.72;
    const role = pick(ROLES);
    const env = pick(ENVS);
    const name = `${role}-${env}-${String(i + 1).padStart(4, '0')}`;
    const tagCount = rnd() < 0.45 ? 0 : 1 + Math.floor(rnd() * 3);
    const tags = [...new Set(Array.from({ length: tagCount }, () => pick(TAGS)))].sort();
    if (template) tags.push('template');
    const pool = rnd() < 0.55 ? pick(GENERATED_POOLS) : undefined;
    const cores = 1 + Math.floor(rnd() * (type === 'qemu' ? 8 : 4));
    const memoryMiB = 512 * (1 + Math.floor(rnd() * (type === 'qemu' ? 16 : 8)));
    const diskGiB = type === 'qemu' ? 16 * (1 + Math.floor(rnd() * 12)) : 4 * (1 + Math.floor(rnd() * 8));
    const extra: Record<string, ConfigValue> = {};
    if (tags.length) extra.tags = tags.join(';');
    if (template) extra.template = 1;
    // A nightly backup still holding a few guests.
    if (!template && rnd() < 0.004) extra.lock = 'backup';
    const disk = `local-lvm:${template ? 'base' : 'vm'}-${vmid}-disk-0`;
    seeds.push({
      vmid,
      type,
      nodeIndex: Math.floor(rnd() * nodeCount),
      running,
      uptime: running ? 600 + Math.floor(rnd() * 180 * 86400) : undefined,
      pool,
      agentResponds: type === 'qemu' && running && rnd() < 0.6,
      profile: {
        cpuLoad: running ? 0.002 + rnd() * 0.06 : 0,
        memFraction: 0.2 + rnd() * 0.7,
        netRate: Math.floor(rnd() * 400_000),
        ioRate: Math.floor(rnd() * 2_000_000),
        diskUsed: type === 'lxc' ? Math.round(diskGiB * GiB * (0.1 + rnd() * 0.7)) : 0,
      },
      config:
        type === 'qemu'
          ? {
              name,
              cores,
              sockets: 1,
              memory: String(memoryMiB),
              ostype: rnd() < 0.1 ? 'win11' : 'l26',
              scsi0: `${disk},iothread=1,size=${diskGiB}G`,
              scsihw: 'virtio-scsi-single',
              net0: `virtio=BC:24:11:${hex(vmid >> 16)}:${hex(vmid >> 8)}:${hex(vmid)},bridge=vmbr0`,
              ...extra,
            }
          : {
              hostname: name,
              arch: 'amd64',
              cores,
              memory: memoryMiB,
              swap: 512,
              ostype: pick(OSTYPES_CT),
              rootfs: `${disk},size=${diskGiB}G`,
              net0: `name=eth0,bridge=vmbr0,ip=dhcp,type=veth`,
              unprivileged: 1,
              ...extra,
            },
    });
    vmid++;
  }
  return seeds;
}

function hex(n: number): string {
  return (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
}
