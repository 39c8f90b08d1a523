import { z } from 'zod';
import { clip } from '../clip.js';

/**
 * A guest's configuration boiled down to what people ask about: CPU, memory, OS, disks, NICs, tags.
 * PVE returns property strings ("virtio=BC:24:11:..,bridge=vmbr0,tag=10"); they are parsed here so
 * the model does not have to.
 */
export const configSummarySchema = z.object({
  name: z.string().optional(),
  ostype: z.string().optional(),
  arch: z.string().optional(),
  cores: z.number().optional(),
  sockets: z.number().optional(),
  cpu: z.string().optional(),
  memory_mib: z.number().optional(),
  balloon_mib: z.number().optional(),
  swap_mib: z.number().optional(),
  bios: z.string().optional(),
  machine: z.string().optional(),
  agent: z.boolean().optional(),
  onboot: z.boolean().optional(),
  protection: z.boolean().optional(),
  unprivileged: z.boolean().optional(),
  template: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  description: z.string().optional(),
  disks: z.array(
    z.object({
      slot: z.string(),
      volume: z.string(),
      size: z.string().optional(),
      media: z.string().optional(),
      mountpoint: z.string().optional(),
    }),
  ),
  nets: z.array(
    z.object({
      slot: z.string(),
      model: z.string().optional(),
      mac: z.string().optional(),
      bridge: z.string().optional(),
      vlan: z.number().optional(),
      name: z.string().optional(),
      ip: z.string().optional(),
      ip6: z.string().optional(),
      firewall: z.boolean().optional(),
    }),
  ),
});
export type ConfigSummary = z.infer<typeof configSummarySchema>;

const QEMU_DISK = /^(scsi|virtio|sata|ide|efidisk|tpmstate|unused)\d+$/;
const LXC_DISK = /^(rootfs|mp\d+|unused\d+)$/;
const NIC_MODELS =
  /^(virtio|e1000e?|e1000-82540em|e1000-82544gc|e1000-82545em|rtl8139|vmxnet3|i82551|i82557b|i82559er|ne2k_isa|ne2k_pci|pcnet)$/;
const DESCRIPTION_MAX = 300;

/** `a=1,b=2` → {a: '1', b: '2'}; a first part without "=" is stored under `firstKey`. */
export function parsePropertyString(value: unknown, firstKey: string): Record<string, string> {
  const out: Record<string, string> = {};
  String(value ?? '')
    .split(',')
    .forEach((part, i) => {
      const eq = part.indexOf('=');
      if (eq < 0) {
        if (i === 0 && part) out[firstKey] = part;
        return;
      }
      out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    });
  return out;
}

export function truthy(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return ['1', 'on', 'yes', 'true'].includes(String(v).toLowerCase());
}

function num(v: unknown): number | undefined {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) ? n : undefined;
}

/** Whether the QEMU guest agent is enabled in the config (`agent: 1` or `agent: enabled=1,...`). */
export function agentEnabled(config: Record<string, unknown>): boolean {
  return truthy(parsePropertyString(config.agent, 'enabled').enabled) ?? false;
}

export function summarizeConfig(type: 'qemu' | 'lxc', config: Record<string, unknown>): ConfigSummary {
  const diskKey = type === 'qemu' ? QEMU_DISK : LXC_DISK;
  const disks: ConfigSummary['disks'] = [];
  const nets: ConfigSummary['nets'] = [];
  for (const key of Object.keys(config).sort(slotOrder)) {
    const value = config[key];
    if (diskKey.test(key)) {
      const p = parsePropertyString(value, type === 'qemu' ? 'file' : 'volume');
      disks.push({
        slot: key,
        volume: p.file ?? p.volume ?? '',
        ...(p.size ? { size: p.size } : {}),
        ...(p.media ? { media: p.media } : {}),
        ...(p.mp ? { mountpoint: p.mp } : key === 'rootfs' ? { mountpoint: '/' } : {}),
      });
    } else if (/^net\d+$/.test(key)) {
      nets.push(type === 'qemu' ? qemuNic(key, value) : lxcNic(key, value));
    }
  }
  const tags = String(config.tags ?? '')
    .split(/[;, ]+/)
    .filter(Boolean);
  const description = config.description !== undefined ? String(config.description).trim() : '';
  const summary: ConfigSummary = {
    name: str(config.name ?? config.hostname),
    ostype: str(config.ostype),
    arch: str(config.arch),
    cores: num(config.cores),
    sockets: num(config.sockets),
    cpu: str(config.cpu),
    memory_mib: num(config.memory),
    balloon_mib: num(config.balloon),
    swap_mib: num(config.swap),
    bios: str(config.bios),
    machine: str(config.machine),
    agent: type === 'qemu' ? agentEnabled(config) : undefined,
    onboot: truthy(config.onboot),
    protection: truthy(config.protection),
    unprivileged: truthy(config.unprivileged),
    template: truthy(config.template),
    tags: tags.length ? tags : undefined,
    // Redacted before the cut (clip.ts): a cut never keeps a piece of a known secret.
    description: description ? clip(description, DESCRIPTION_MAX) : undefined,
    disks,
    nets,
  };
  return Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined)) as ConfigSummary;
}

function qemuNic(slot: string, value: unknown): ConfigSummary['nets'][number] {
  const p = parsePropertyString(value, 'model');
  const modelKey = Object.keys(p).find((k) => NIC_MODELS.test(k));
  return clean({
    slot,
    model: modelKey ?? p.model,
    mac: modelKey ? p[modelKey] : p.macaddr,
    bridge: p.bridge,
    vlan: num(p.tag),
    firewall: truthy(p.firewall),
  });
}

function lxcNic(slot: string, value: unknown): ConfigSummary['nets'][number] {
  const p = parsePropertyString(value, 'name');
  return clean({
    slot,
    name: p.name,
    mac: p.hwaddr,
    bridge: p.bridge,
    vlan: num(p.tag),
    ip: p.ip,
    ip6: p.ip6,
    firewall: truthy(p.firewall),
  });
}

function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/** scsi0 < scsi1 < scsi10: slots in numeric order, so the rendering reads like the GUI. */
function slotOrder(a: string, b: string): number {
  const [, pa = a, na = '0'] = /^(\D+)(\d*)$/.exec(a) ?? [];
  const [, pb = b, nb = '0'] = /^(\D+)(\d*)$/.exec(b) ?? [];
  return pa.localeCompare(pb) || Number(na) - Number(nb);
}

/** "2 cores × 1 socket, 4096 MiB memory, …" for the text half of get_guest. */
export function renderConfig(s: ConfigSummary): string[] {
  const cpu =
    s.cores !== undefined
      ? `${s.cores} core${s.cores === 1 ? '' : 's'}${s.sockets && s.sockets > 1 ? ` × ${s.sockets} sockets` : ''}`
      : undefined;
  const facts = [
    s.ostype ? `ostype ${s.ostype}` : undefined,
    cpu,
    s.memory_mib !== undefined
      ? `${s.memory_mib} MiB memory${s.balloon_mib !== undefined ? ` (balloon min ${s.balloon_mib})` : ''}`
      : undefined,
    s.swap_mib !== undefined ? `${s.swap_mib} MiB swap` : undefined,
    s.agent !== undefined ? `guest agent ${s.agent ? 'enabled' : 'off'}` : undefined,
    s.onboot ? 'starts at boot' : undefined,
    s.unprivileged ? 'unprivileged' : undefined,
    s.protection ? 'protected' : undefined,
    s.tags ? `tags ${s.tags.join(', ')}` : undefined,
  ].filter(Boolean);
  const lines = [`Config: ${facts.join(', ') || '-'}`];
  if (s.disks.length)
    lines.push(
      `Disks: ${s.disks
        .map(
          (d) =>
            `${d.slot} ${d.volume}${d.size ? ` ${d.size}` : ''}${d.media ? ` (${d.media})` : ''}${d.mountpoint && d.slot !== 'rootfs' ? ` at ${d.mountpoint}` : ''}`,
        )
        .join('; ')}`,
    );
  if (s.nets.length)
    lines.push(
      `NICs: ${s.nets
        .map(
          (n) =>
            `${n.slot} ${[
              n.name,
              n.model,
              n.mac,
              n.bridge ? `on ${n.bridge}` : undefined,
              n.vlan !== undefined ? `vlan ${n.vlan}` : undefined,
              n.ip ? `ip ${n.ip}` : undefined,
            ]
              .filter(Boolean)
              .join(' ')}`,
        )
        .join('; ')}`,
    );
  if (s.description) lines.push(`Description: ${s.description.replace(/\s+/g, ' ')}`);
  return lines;
}
