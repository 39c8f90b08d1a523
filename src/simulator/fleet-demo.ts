import { createHash } from 'node:crypto';
import type { ConfigValue, Guest, GuestProfile } from './fleet.js';

/**
 * The 'demo' fleet: a three-node cluster with a handful of VMs and containers in the states a newcomer (or a
 * test) wants to see. Guests name a preferred node index; with fewer nodes they wrap around.
 *
 * - 100 web01  (qemu, running, guest agent answers, pool 'prod', snapshot 'pre-upgrade')
 * - 101 db01   (qemu, running, agent enabled in config but not answering in the guest, pool 'prod')
 * - 102 build  (qemu, stopped)
 * - 103 win11  (qemu, stopped; its start ALWAYS fails: "start failed: QEMU exited with code 1")
 * - 104 tpl-debian12 (qemu template)
 * - 105 monitoring (qemu, running, guest agent answers)
 * - 200 dns    (lxc, running, pool 'prod', snapshot 'initial')
 * - 201 proxy  (lxc, running)
 * - 202 backup (lxc, stopped)
 * The 'empty' seed has the nodes and their local storages only.
 */
const GiB = 2 ** 30;

export interface GuestSeed {
  vmid: number;
  type: 'qemu' | 'lxc';
  nodeIndex: number;
  running: boolean;
  /** Seconds the guest has been running. */
  uptime?: number;
  pool?: string;
  agentResponds?: boolean;
  profile: GuestProfile;
  config: Record<string, ConfigValue>;
  startFailure?: Guest['startFailure'];
  snapshot?: { name: string; description: string; age: number };
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
/** A MAC in Proxmox's OUI (BC:24:11), derived from the VMID so it is stable across runs. */
const mac = (vmid: number, nic = 0): string =>
  `BC:24:11:${hex2((vmid >> 8) & 0xff)}:${hex2(vmid & 0xff)}:${hex2(nic)}`;
const uuid = (vmid: number, salt: string): string => {
  const h = createHash('sha1').update(`${salt}-${vmid}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

function vm(
  vmid: number,
  name: string,
  extra: Record<string, ConfigValue>,
  omit: string[] = [],
): Record<string, ConfigValue> {
  const config: Record<string, ConfigValue> = {
    boot: 'order=scsi0;ide2;net0',
    cores: 2,
    cpu: 'x86-64-v2-AES',
    ide2: 'none,media=cdrom',
    memory: '2048',
    meta: 'creation-qemu=9.0.2,ctime=1718031225',
    name,
    net0: `virtio=${mac(vmid)},bridge=vmbr0,firewall=1`,
    numa: 0,
    ostype: 'l26',
    scsi0: `local-lvm:vm-${vmid}-disk-0,iothread=1,size=32G`,
    scsihw: 'virtio-scsi-single',
    smbios1: `uuid=${uuid(vmid, 'smbios')}`,
    sockets: 1,
    vmgenid: uuid(vmid, 'vmgenid'),
    ...extra,
  };
  for (const key of omit) delete config[key];
  return config;
}

function ct(
  vmid: number,
  hostname: string,
  ip: string,
  extra: Record<string, ConfigValue>,
): Record<string, ConfigValue> {
  return {
    arch: 'amd64',
    cores: 1,
    features: 'nesting=1',
    hostname,
    memory: 512,
    net0: `name=eth0,bridge=vmbr0,firewall=1,gw=192.168.10.1,hwaddr=${mac(vmid)},ip=${ip}/24,type=veth`,
    ostype: 'debian',
    rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G`,
    swap: 512,
    unprivileged: 1,
    ...extra,
  };
}

const profile = (
  cpuLoad: number,
  memFraction: number,
  netRate: number,
  ioRate: number,
  diskUsed = 0,
): GuestProfile => ({
  cpuLoad,
  memFraction,
  netRate,
  ioRate,
  diskUsed,
});

export const DEMO_GUESTS: GuestSeed[] = [
  {
    vmid: 100,
    type: 'qemu',
    nodeIndex: 0,
    running: true,
    uptime: 6 * 86400 + 5123,
    pool: 'prod',
    agentResponds: true,
    profile: profile(0.12, 0.55, 180_000, 260_000),
    config: vm(100, 'web01', {
      agent: '1,fstrim_cloned_disks=1',
      balloon: 2048,
      memory: '4096',
      onboot: 1,
      tags: 'prod;web',
      vga: 'qxl',
    }),
    snapshot: { name: 'pre-upgrade', description: 'Before the dist-upgrade', age: 3 * 86400 },
  },
  {
    vmid: 101,
    type: 'qemu',
    nodeIndex: 0,
    running: true,
    uptime: 6 * 86400 + 4877,
    pool: 'prod',
    agentResponds: false,
    profile: profile(0.34, 0.78, 95_000, 1_400_000),
    config: vm(101, 'db01', {
      agent: '1',
      cores: 4,
      memory: '8192',
      onboot: 1,
      tags: 'db;prod',
      scsi1: 'local-lvm:vm-101-disk-1,iothread=1,size=200G',
    }),
  },
  {
    vmid: 102,
    type: 'qemu',
    nodeIndex: 1,
    running: false,
    profile: profile(0.6, 0.5, 400_000, 3_000_000),
    config: vm(102, 'build', {
      cores: 4,
      memory: '4096',
      tags: 'ci',
      scsi0: 'local-lvm:vm-102-disk-0,iothread=1,size=64G',
    }),
  },
  {
    vmid: 103,
    type: 'qemu',
    nodeIndex: 1,
    running: false,
    profile: profile(0.1, 0.6, 20_000, 90_000),
    config: vm(
      103,
      'win11',
      {
        agent: '1',
        bios: 'ovmf',
        boot: 'order=sata0;ide2;net0',
        cores: 4,
        cpu: 'host',
        machine: 'pc-q35-9.2+pve1',
        memory: '8192',
        ostype: 'win11',
        tags: 'windows',
        efidisk0: 'local-lvm:vm-103-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M',
        sata0: 'local-lvm:vm-103-disk-1,size=64G',
        tpmstate0: 'local-lvm:vm-103-disk-2,size=4M,version=v2.0',
        net0: `e1000=${mac(103)},bridge=vmbr0,firewall=1`,
      },
      ['scsi0'],
    ),
    // Deterministic failure for tests and demos: the EFI disk volume is missing on the node.
    startFailure: {
      lines: [
        "kvm: -drive if=pflash,unit=1,id=drive-efidisk0,format=raw,file=/dev/pve/vm-103-disk-0,size=540672: Could not open '/dev/pve/vm-103-disk-0': No such file or directory",
        'stopping swtpm instance (pid 48211) due to QEMU startup error',
      ],
      error: 'start failed: QEMU exited with code 1',
    },
  },
  {
    vmid: 104,
    type: 'qemu',
    nodeIndex: 0,
    running: false,
    profile: profile(0, 0, 0, 0),
    config: vm(104, 'tpl-debian12', {
      ide2: 'local-lvm:vm-104-cloudinit,media=cdrom',
      scsi0: 'local-lvm:base-104-disk-0,size=8G',
      tags: 'template',
      template: 1,
      ciuser: 'debian',
      ipconfig0: 'ip=dhcp',
    }),
  },
  {
    vmid: 105,
    type: 'qemu',
    nodeIndex: 2,
    running: true,
    uptime: 2 * 86400 + 610,
    agentResponds: true,
    profile: profile(0.08, 0.42, 60_000, 180_000),
    config: vm(105, 'monitoring', { agent: '1', memory: '3072', onboot: 1, tags: 'ops' }),
  },
  {
    vmid: 200,
    type: 'lxc',
    nodeIndex: 0,
    running: true,
    uptime: 12 * 86400 + 41,
    pool: 'prod',
    profile: profile(0.02, 0.21, 12_000, 4_000, 1.1 * GiB),
    config: ct(200, 'dns', '192.168.10.53', { onboot: 1, tags: 'infra;prod' }),
    snapshot: { name: 'initial', description: 'Fresh install', age: 30 * 86400 },
  },
  {
    vmid: 201,
    type: 'lxc',
    nodeIndex: 1,
    running: true,
    uptime: 3 * 3600 + 14,
    profile: profile(0.05, 0.33, 240_000, 8_000, 0.6 * GiB),
    config: ct(201, 'proxy', '192.168.10.80', { memory: 256, swap: 256, ostype: 'alpine', tags: 'infra' }),
  },
  {
    vmid: 202,
    type: 'lxc',
    nodeIndex: 2,
    running: false,
    profile: profile(0.2, 0.3, 50_000, 900_000, 12 * GiB),
    config: ct(202, 'backup', '192.168.10.90', {
      cores: 2,
      memory: 2048,
      rootfs: 'local-lvm:vm-202-disk-0,size=64G',
    }),
  },
];
