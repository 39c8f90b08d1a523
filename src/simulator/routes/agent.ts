import type { Guest } from '../fleet.js';
import type { RouteDef } from '../route-types.js';
import { directoryIndex, loadGuest } from './helpers.js';
import { nodeProp, vmidProp } from './props.js';
import { agentCommandRoutes, agentGuest } from './agent-commands.js';

/**
 * Guest network details: the QEMU guest agent's network-get-interfaces (QGA's own JSON, wrapped in
 * {"result": ...}) and a container's interfaces (`ip -j addr` inside it).
 */

function macOf(g: Guest): string {
  const net0 = String(g.config.net0 ?? '');
  return (
    /(?:^|,)(?:virtio|e1000|rtl8139|vmxnet3)=([0-9A-Fa-f:]{17})/.exec(net0)?.[1] ??
    /hwaddr=([0-9A-Fa-f:]{17})/.exec(net0)?.[1] ??
    ''
  ).toLowerCase();
}

/** The EUI-64 link-local address of a MAC. */
function linkLocal(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const words = [
    ((b[0] ?? 0) ^ 2) * 256 + (b[1] ?? 0),
    (b[2] ?? 0) * 256 + 0xff,
    0xfe00 + (b[3] ?? 0),
    (b[4] ?? 0) * 256 + (b[5] ?? 0),
  ];
  return `fe80::${words.map((w) => w.toString(16)).join(':')}`;
}

const guestIp = (g: Guest): string =>
  /ip=([\d.]+)\//.exec(String(g.config.ipconfig0 ?? g.config.net0 ?? ''))?.[1] ??
  `192.168.10.${120 + (g.vmid % 100)}`;

function qgaInterfaces(g: Guest, uptime: number): unknown[] {
  const mac = macOf(g);
  const stats = (rx: number, tx: number): Record<string, number> => ({
    'rx-bytes': rx,
    'rx-dropped': 0,
    'rx-errs': 0,
    'rx-packets': Math.round(rx / 900),
    'tx-bytes': tx,
    'tx-dropped': 0,
    'tx-errs': 0,
    'tx-packets': Math.round(tx / 700),
  });
  const traffic = Math.round(g.profile.netRate * uptime);
  return [
    {
      name: 'lo',
      'hardware-address': '00:00:00:00:00:00',
      'ip-addresses': [
        { 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 },
        { 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128 },
      ],
      statistics: stats(163_244, 163_244),
    },
    {
      name: 'ens18',
      'hardware-address': mac,
      'ip-addresses': [
        { 'ip-address': guestIp(g), 'ip-address-type': 'ipv4', prefix: 24 },
        { 'ip-address': linkLocal(mac), 'ip-address-type': 'ipv6', prefix: 64 },
      ],
      statistics: stats(traffic, Math.round(traffic / 3)),
    },
  ];
}

export const agentRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/agent',
    name: 'index',
    description: 'Guest agent commands of this VM.',
    proxyto: 'node',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0, properties: { node: nodeProp, vmid: vmidProp } },
    returns: {
      items: { properties: {}, type: 'object' },
      links: [{ href: '{name}', rel: 'child' }],
      type: 'array',
    },
    handler: directoryIndex(),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces',
    name: 'network-get-interfaces',
    description: 'Network interfaces and addresses, as the guest agent reports them.',
    proxyto: 'node',
    protected: 1,
    permissions: {
      check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.Audit', 'VM.GuestAgent.Unrestricted'], 'any', 1],
    },
    parameters: { additionalProperties: 0, properties: { node: nodeProp, vmid: vmidProp } },
    returns: { type: 'object' },
    handler: (ctx) => {
      const g = agentGuest(ctx);
      return { result: qgaInterfaces(g, ctx.state.clock.nowSec() - g.startedAt) };
    },
  },
  ...agentCommandRoutes(),
  {
    method: 'GET',
    path: '/nodes/{node}/lxc/{vmid}/interfaces',
    name: 'ip',
    description: 'Network interfaces of the container with their addresses.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
    parameters: { additionalProperties: 0, properties: { node: nodeProp, vmid: vmidProp } },
    returns: {
      items: {
        properties: {
          'hardware-address': {
            optional: 0,
            type: 'string',
          },
          hwaddr: { optional: 0, type: 'string' },
          inet: { optional: 1, type: 'string' },
          inet6: { optional: 1, type: 'string' },
          'ip-addresses': {
            items: {
              properties: {
                'ip-address': { optional: 1, type: 'string' },
                'ip-address-type': { optional: 1, type: 'string' },
                prefix: { optional: 1, type: 'integer' },
              },
              type: 'object',
            },
            optional: 0,
            type: 'array',
          },
          name: { optional: 0, type: 'string' },
        },
        type: 'object',
      },
      type: 'array',
    },
    // A stopped container has no interfaces to read: PVE returns null.
    handler: (ctx) => {
      const g = loadGuest(ctx, 'lxc');
      if (g.status !== 'running') return null;
      const mac = macOf(g);
      const ip = guestIp(g);
      const entry = (
        name: string,
        hw: string,
        v4: string,
        p4: number,
        v6: string,
        p6: number,
      ): Record<string, unknown> => ({
        name,
        hwaddr: hw,
        'hardware-address': hw,
        inet: `${v4}/${p4}`,
        inet6: `${v6}/${p6}`,
        'ip-addresses': [
          { 'ip-address': v4, 'ip-address-type': 'inet', prefix: p4 },
          { 'ip-address': v6, 'ip-address-type': 'inet6', prefix: p6 },
        ],
      });
      return [
        entry('lo', '00:00:00:00:00:00', '127.0.0.1', 8, '::1', 128),
        entry('eth0', mac, ip, 24, linkLocal(mac), 64),
      ];
    },
  },
];
