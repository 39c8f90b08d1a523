import { z } from 'zod';
import type { ClusterHandle } from '../clusters/registry.js';
import type { RequestContext } from '../proxmox/client.js';
import { ProxmoxHttpError } from '../proxmox/errors.js';
import { agentEnabled, parsePropertyString } from './guest-config.js';
import type { GuestRow } from './guest-lookup.js';

export const ipAddressSchema = z.object({
  interface: z.string(),
  address: z.string(),
  prefix: z.number().optional(),
  family: z.enum(['ipv4', 'ipv6']),
  mac: z.string().optional(),
});
export type IpAddress = z.infer<typeof ipAddressSchema>;

export const ipSourceSchema = z.enum(['guest-agent', 'lxc-interfaces', 'config', 'none']);

export interface GuestIps {
  addresses: IpAddress[];
  source: z.infer<typeof ipSourceSchema>;
  /** Why there are none, or where they came from when not live: said plainly, never an error. */
  note?: string;
}

interface Opts {
  signal?: AbortSignal;
  context?: RequestContext;
}

/**
 * Live addresses where PVE can ask: the QEMU guest agent (only if enabled in the config and the VM
 * runs) or the container's interfaces. Otherwise the static addresses in the config (LXC `ip=`,
 * cloud-init `ipconfigN`), and a note saying why nothing live is known. Never throws for an
 * unavailable agent: a guest without IPs is an answer, not a failure.
 */
export async function guestIps(
  cluster: ClusterHandle,
  guest: GuestRow,
  config: Record<string, unknown>,
  opts: Opts,
): Promise<GuestIps> {
  const base = `/nodes/${guest.node}/${guest.type}/${guest.vmid}`;
  const fromConfig = configAddresses(guest.type, config);
  const fallback = (note: string): GuestIps =>
    fromConfig.length
      ? {
          addresses: fromConfig,
          source: 'config',
          note: `${note} Showing the static addresses from the config.`,
        }
      : { addresses: [], source: 'none', note };
  if (guest.status !== 'running')
    return fallback('The guest is not running, so no live addresses are known.');
  if (guest.type === 'qemu' && !agentEnabled(config)) {
    return fallback(
      'The QEMU guest agent is not enabled for this VM (config "agent: 1"), so Proxmox cannot see its IP addresses. Enable it and install qemu-guest-agent in the guest.',
    );
  }
  try {
    if (guest.type === 'qemu') {
      const res = await cluster.client.request<{ result?: AgentInterface[] }>(
        'GET',
        `${base}/agent/network-get-interfaces`,
        {},
        opts,
      );
      return { addresses: fromAgent(res?.result ?? []), source: 'guest-agent' };
    }
    const res = await cluster.client.request<LxcInterface[]>('GET', `${base}/interfaces`, {}, opts);
    return { addresses: fromLxc(Array.isArray(res) ? res : []), source: 'lxc-interfaces' };
  } catch (err) {
    if (!(err instanceof ProxmoxHttpError)) throw err;
    const why =
      err.status === 403
        ? `Reading the addresses was denied (${err.detail}); the token needs ${guest.type === 'qemu' ? 'VM.GuestAgent.Audit (PVE 9) or VM.Monitor' : 'VM.Audit'}.`
        : guest.type === 'qemu'
          ? `The QEMU guest agent did not answer (${err.detail}): it is probably not installed or not running inside the VM.`
          : `Proxmox could not list the container's interfaces (${err.detail}).`;
    return fallback(why);
  }
}

interface AgentInterface {
  name?: string;
  'hardware-address'?: string;
  'ip-addresses'?: Array<{ 'ip-address'?: string; 'ip-address-type'?: string; prefix?: number }>;
}

interface LxcInterface {
  name?: string;
  hwaddr?: string;
  inet?: string;
  inet6?: string;
  'ip-addresses'?: Array<{ 'ip-address'?: string; 'ip-address-type'?: string; prefix?: number | string }>;
}

/** Loopback and link-local addresses cannot reach the guest from outside: left out to save context. */
function useful(address: string, iface: string): boolean {
  return iface !== 'lo' && !/^127\./.test(address) && address !== '::1' && !/^fe80:/i.test(address);
}

function family(type: string | undefined, address: string): 'ipv4' | 'ipv6' {
  return type === 'ipv6' || type === 'inet6' || address.includes(':') ? 'ipv6' : 'ipv4';
}

function fromAgent(ifaces: AgentInterface[]): IpAddress[] {
  return ifaces.flatMap((i) =>
    (i['ip-addresses'] ?? [])
      .filter((a) => a['ip-address'] && useful(a['ip-address'], i.name ?? ''))
      .map((a) => ({
        interface: i.name ?? '?',
        address: a['ip-address']!,
        ...(typeof a.prefix === 'number' ? { prefix: a.prefix } : {}),
        family: family(a['ip-address-type'], a['ip-address']!),
        ...(i['hardware-address'] ? { mac: i['hardware-address'].toUpperCase() } : {}),
      })),
  );
}

function fromLxc(ifaces: LxcInterface[]): IpAddress[] {
  return ifaces.flatMap((i) => {
    const name = i.name ?? '?';
    const listed = (i['ip-addresses'] ?? []).map((a) => cidr(`${a['ip-address']}/${a.prefix ?? ''}`));
    const cidrs = listed.length ? listed : [i.inet, i.inet6].filter((x): x is string => !!x).map(cidr);
    return cidrs
      .filter((c) => c.address && useful(c.address, name))
      .map((c) => ({
        interface: name,
        address: c.address,
        ...(c.prefix !== undefined ? { prefix: c.prefix } : {}),
        family: family(undefined, c.address),
        ...(i.hwaddr ? { mac: i.hwaddr.toUpperCase() } : {}),
      }));
  });
}

function cidr(s: string): { address: string; prefix?: number } {
  const [address = '', prefix] = s.split('/');
  const n = Number(prefix);
  return { address, ...(prefix && Number.isFinite(n) ? { prefix: n } : {}) };
}

/** LXC `netN: ...,ip=10.0.0.5/24` and cloud-init `ipconfigN: ip=10.0.0.5/24`; dhcp/auto skipped. */
function configAddresses(type: 'qemu' | 'lxc', config: Record<string, unknown>): IpAddress[] {
  const out: IpAddress[] = [];
  for (const [key, value] of Object.entries(config)) {
    const m = type === 'lxc' ? /^net(\d+)$/.exec(key) : /^ipconfig(\d+)$/.exec(key);
    if (!m) continue;
    const p = parsePropertyString(value, 'name');
    const iface = type === 'lxc' ? (p.name ?? key) : `net${m[1]}`;
    for (const ip of [p.ip, p.ip6]) {
      if (!ip || !/[0-9a-f][.:]/i.test(ip)) continue;
      const c = cidr(ip);
      out.push({
        interface: iface,
        address: c.address,
        ...(c.prefix !== undefined ? { prefix: c.prefix } : {}),
        family: family(undefined, c.address),
      });
    }
  }
  return out;
}
