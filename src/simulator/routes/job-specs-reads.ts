import { nodeProp } from './props.js';
import { fields, guestParams, listOf, params, type RouteSpec } from './spec-builders.js';

/** What the jobs read of a node or a VM before acting: services, package updates, pending config. */
export const READ_ROUTE_SPECS = {
  'GET /nodes/{node}/apt/update': {
    method: 'GET',
    path: '/nodes/{node}/apt/update',
    name: 'list_updates',
    description: 'Package updates the node could install.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/nodes/{node}', ['Sys.Modify']] },
    parameters: params({ node: nodeProp }),
    returns: listOf(
      fields(
        {
          Package: 'string',
          Title: 'string',
          Description: 'string',
          Version: 'string',
          OldVersion: 'string',
          Origin: 'string',
          Arch: 'string',
          Priority: 'string',
          Section: 'string',
          NotifyStatus: 'string',
        },
        ['OldVersion', 'NotifyStatus'],
      ),
    ),
  },
  'GET /nodes/{node}/services': {
    method: 'GET',
    path: '/nodes/{node}/services',
    name: 'index',
    description: 'System services of the node and their state.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/nodes/{node}', ['Sys.Audit']] },
    parameters: params({ node: nodeProp }),
    returns: listOf(
      fields({
        service: 'string',
        name: 'string',
        desc: 'string',
        state: 'string',
        'active-state': 'string',
        'unit-state': 'string',
      }),
      'service',
    ),
  },
  'GET /nodes/{node}/qemu/{vmid}/pending': {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/pending',
    name: 'vm_pending',
    description: 'VM config: each key with its current and its pending value.',
    proxyto: 'node',
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
    parameters: guestParams(),
    returns: listOf(
      fields({ key: 'string', value: 'string', pending: 'string', delete: 'integer' }, [
        'value',
        'pending',
        'delete',
      ]),
    ),
  },
} satisfies Record<string, RouteSpec>;
