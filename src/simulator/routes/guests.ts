import type { GuestType } from '../fleet.js';
import { guestConfig, guestCurrentStatus, guestListEntry } from '../guest-status.js';
import type { PveProperty, RouteDef } from '../route-types.js';
import { directoryIndex, loadGuest } from './helpers.js';
import { indexReturns, nodeProp, vmidProp } from './props.js';

/** Per-node guest lists, guest directory indexes, status/current and config (read side). */

const opt = (type: PveProperty['type']): PveProperty => ({ optional: 1, type });

/** The status fields both guest types share (vmstatus_return_properties), descriptions trimmed. */
const statusProps: Record<string, PveProperty> = {
  cpu: opt('number'),
  cpus: opt('number'),
  diskread: opt('integer'),
  diskwrite: opt('integer'),
  lock: opt('string'),
  maxdisk: opt('integer'),
  maxmem: opt('integer'),
  mem: opt('integer'),
  name: opt('string'),
  netin: opt('integer'),
  netout: opt('integer'),
  pid: opt('integer'),
  status: { enum: ['stopped', 'running'], type: 'string' },
  tags: opt('string'),
  template: { default: 0, optional: 1, type: 'boolean' },
  uptime: opt('integer'),
  vmid: { format: 'pve-vmid', maximum: 999999999, minimum: 100, type: 'integer' },
};

const typeProps: Record<GuestType, Record<string, PveProperty>> = {
  qemu: {
    memhost: opt('integer'),
    qmpstatus: opt('string'),
    'running-machine': opt('string'),
    'running-qemu': opt('string'),
  },
  lxc: { disk: { minimum: 0, optional: 1, type: 'integer' }, maxswap: opt('integer') },
};

const vmPath = (type: GuestType): string => `/nodes/{node}/${type}/{vmid}`;

function routesFor(type: GuestType): RouteDef[] {
  const vmParams = { additionalProperties: 0 as const, properties: { node: nodeProp, vmid: vmidProp } };
  const exists = (ctx: Parameters<typeof loadGuest>[0]): void => void loadGuest(ctx, type);
  return [
    {
      method: 'GET',
      path: `/nodes/{node}/${type}`,
      name: 'vmlist',
      description: type === 'qemu' ? 'VMs on this node.' : 'Containers on this node.',
      proxyto: 'node',
      protected: 1,
      permissions: {
        user: 'all',
      },
      parameters: {
        additionalProperties: 0,
        properties:
          type === 'qemu'
            ? {
                full: {
                  optional: 1,
                  type: 'boolean',
                },
                node: nodeProp,
              }
            : { node: nodeProp },
      },
      returns: {
        items: { properties: { ...statusProps, ...typeProps[type] }, type: 'object' },
        links: [{ href: '{vmid}', rel: 'child' }],
        type: 'array',
      },
      // Silently filtered: guests without VM.Audit are simply not listed.
      handler: ({ params, state, caller }) =>
        state.fleet
          .guestsOn(params.str('node') ?? '', type)
          .filter((g) => caller.privileges.has(`/vms/${g.vmid}`, 'VM.Audit'))
          .map((g) => guestListEntry(g, state, params.bool('full'))),
    },
    {
      method: 'GET',
      path: vmPath(type),
      name: 'vmdiridx',
      description: 'Subdirectories.',
      proxyto: 'node',
      permissions: { user: 'all' },
      parameters: vmParams,
      returns: indexReturns('subdir', true),
      handler: directoryIndex(exists),
    },
    {
      method: 'GET',
      path: `${vmPath(type)}/status`,
      name: 'vmcmdidx',
      description: 'Subdirectories.',
      proxyto: 'node',
      permissions: { user: 'all' },
      parameters: vmParams,
      returns: indexReturns('subdir', true),
      handler: directoryIndex(exists),
    },
    {
      method: 'GET',
      path: `${vmPath(type)}/status/current`,
      name: 'vm_status',
      description: 'Current state and resource usage.',
      proxyto: 'node',
      protected: 1,
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
      parameters: vmParams,
      returns: {
        properties: {
          ...statusProps,
          ...typeProps[type],
          ha: { type: 'object' },
          ...(type === 'qemu'
            ? {
                agent: opt('boolean'),
                clipboard: { enum: ['vnc'], optional: 1, type: 'string' },
                spice: opt('boolean'),
              }
            : {}),
        },
        type: 'object',
      },
      handler: (ctx) => guestCurrentStatus(loadGuest(ctx, type), ctx.state),
    },
    {
      method: 'GET',
      path: `${vmPath(type)}/config`,
      name: 'vm_config',
      description:
        type === 'qemu' ? 'VM config, pending changes applied unless current=1.' : 'Container config.',
      proxyto: 'node',
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
      parameters: {
        additionalProperties: 0,
        properties: {
          current: {
            default: 0,
            optional: 1,
            type: 'boolean',
          },
          node: nodeProp,
          snapshot: {
            format: 'pve-configid',
            maxLength: 40,
            optional: 1,
            type: 'string',
          },
          vmid: vmidProp,
        },
      },
      returns: {
        ...(type === 'qemu' ? {} : {}),
        properties: {
          digest: {
            type: 'string',
          },
        },
        type: 'object',
      },
      // The simulator has no pending changes, so 'current' changes nothing.
      handler: (ctx) => guestConfig(loadGuest(ctx, type), ctx.state, ctx.params.str('snapshot')),
    },
  ];
}

export const guestRoutes: RouteDef[] = [...routesFor('qemu'), ...routesFor('lxc')];
