import { skiplockProp, upidReturns, vmidProp } from './props.js';
import { about, bool, fmt, guestParams, numbered, oneOf, opt, str, type RouteSpec } from './spec-builders.js';

/** Routes that make, copy, grow or move a VM (each starts a task). */

const resizableDisks = [
  ...numbered('ide', 4),
  ...numbered('scsi', 31),
  ...numbered('virtio', 16),
  ...numbered('sata', 6),
  'efidisk0',
  'tpmstate0',
];

export const LIFECYCLE_ROUTE_SPECS = {
  'POST /nodes/{node}/qemu/{vmid}/clone': {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/clone',
    name: 'clone_vm',
    description: 'Copies a VM or template to a new VMID (full or linked copy).',
    proxyto: 'node',
    protected: 1,
    permissions: {
      check: [
        'and',
        ['perm', '/vms/{vmid}', ['VM.Clone']],
        [
          'or',
          ['perm', '/vms/{newid}', ['VM.Allocate']],
          ['perm', '/pool/{pool}', ['VM.Allocate'], 'require_param', 'pool'],
        ],
      ],
    },
    parameters: guestParams({
      newid: about(vmidProp, 'VMID of the copy'),
      name: opt(fmt('dns-name'), 'name of the copy'),
      full: opt(bool(), '1 = full disk copy; 0 = linked clone (from a template only)'),
      target: opt(fmt('pve-node'), 'node to create the copy on'),
      storage: opt(fmt('pve-storage-id'), "storage for the copy's disks (full copy)"),
      pool: opt(fmt('pve-poolid'), 'pool to add the copy to'),
      description: opt(str()),
      format: opt(oneOf(['raw', 'qcow2', 'vmdk']), 'disk format of a full copy'),
    }),
    returns: upidReturns,
  },
  'PUT /nodes/{node}/qemu/{vmid}/resize': {
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/resize',
    name: 'resize_vm',
    description: 'Grows a VM disk to a size, or by +size.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Config.Disk']] },
    parameters: guestParams({
      disk: oneOf(resizableDisks, { description: 'disk key, e.g. scsi0' }),
      size: str({
        pattern: '\\+?\\d+(\\.\\d+)?[KMGT]?',
        description: "new size '32G' or growth '+10G'; never shrinks",
      }),
      digest: opt(str({ maxLength: 40 }), 'from GET config: refused if changed since'),
      skiplock: skiplockProp,
    }),
    returns: upidReturns,
  },
  'POST /nodes/{node}/qemu/{vmid}/migrate': {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/migrate',
    name: 'migrate_vm',
    description: 'Moves a VM to another node, in a task.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Migrate']] },
    parameters: guestParams({
      target: fmt('pve-node', { description: 'destination node' }),
      online: opt(bool(), 'live-migrate a running VM'),
      'with-local-disks': opt(bool(), 'copy disks on local storage along'),
    }),
    returns: upidReturns,
  },
  'POST /nodes/{node}/qemu': {
    method: 'POST',
    path: '/nodes/{node}/qemu',
    name: 'create_vm',
    description: 'Creates a VM, or restores one from an archive.',
    proxyto: 'node',
    protected: 1,
    permissions: { user: 'all' },
    parameters: guestParams({
      archive: opt(str({ maxLength: 255 }), "backup volid to restore, e.g. 'nas:backup/vzdump-qemu-…'"),
      storage: opt(fmt('pve-storage-id'), 'storage for the disks'),
      unique: opt(bool({ requires: 'archive' }), 'restore with new MAC addresses'),
      force: opt(bool({ requires: 'archive' }), 'restore over an existing guest with this VMID'),
      name: opt(fmt('dns-name')),
      start: opt(bool({ default: 0 }), 'start once created'),
      pool: opt(fmt('pve-poolid')),
    }),
    returns: upidReturns,
  },
} satisfies Record<string, RouteSpec>;
