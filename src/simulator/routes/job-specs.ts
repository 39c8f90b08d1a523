import type { RouteDef } from '../route-types.js';

/**
 * PVE 9.2's own definitions (apidoc.json) of the routes the scenario jobs use, trimmed to the parameters
 * the simulator implements; the route files add the handlers. Generated from apidoc.json, then checked
 * by test/simulator/schema.test.ts like every other route.
 */
export type RouteSpec = Omit<RouteDef, 'handler'>;

export const JOB_ROUTE_SPECS = {
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
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
        newid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
        name: {
          format: 'dns-name',
          optional: 1,
          type: 'string',
        },
        full: {
          optional: 1,
          type: 'boolean',
        },
        target: {
          format: 'pve-node',
          optional: 1,
          type: 'string',
        },
        storage: {
          format: 'pve-storage-id',
          optional: 1,
          type: 'string',
        },
        pool: {
          format: 'pve-poolid',
          optional: 1,
          type: 'string',
        },
        description: {
          optional: 1,
          type: 'string',
        },
        format: {
          enum: ['raw', 'qcow2', 'vmdk'],
          optional: 1,
          type: 'string',
        },
      },
    },
    returns: { type: 'string' },
  },
  'PUT /nodes/{node}/qemu/{vmid}/resize': {
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/resize',
    name: 'resize_vm',
    description: 'Grows a VM disk to a size, or by +size.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Config.Disk']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
        disk: {
          enum: [
            'ide0',
            'ide1',
            'ide2',
            'ide3',
            'scsi0',
            'scsi1',
            'scsi2',
            'scsi3',
            'scsi4',
            'scsi5',
            'scsi6',
            'scsi7',
            'scsi8',
            'scsi9',
            'scsi10',
            'scsi11',
            'scsi12',
            'scsi13',
            'scsi14',
            'scsi15',
            'scsi16',
            'scsi17',
            'scsi18',
            'scsi19',
            'scsi20',
            'scsi21',
            'scsi22',
            'scsi23',
            'scsi24',
            'scsi25',
            'scsi26',
            'scsi27',
            'scsi28',
            'scsi29',
            'scsi30',
            'virtio0',
            'virtio1',
            'virtio2',
            'virtio3',
            'virtio4',
            'virtio5',
            'virtio6',
            'virtio7',
            'virtio8',
            'virtio9',
            'virtio10',
            'virtio11',
            'virtio12',
            'virtio13',
            'virtio14',
            'virtio15',
            'sata0',
            'sata1',
            'sata2',
            'sata3',
            'sata4',
            'sata5',
            'efidisk0',
            'tpmstate0',
          ],
          type: 'string',
        },
        size: {
          pattern: '\\+?\\d+(\\.\\d+)?[KMGT]?',
          type: 'string',
        },
        digest: {
          maxLength: 40,
          optional: 1,
          type: 'string',
        },
        skiplock: {
          optional: 1,
          type: 'boolean',
        },
      },
    },
    returns: { type: 'string' },
  },
  'POST /nodes/{node}/qemu/{vmid}/migrate': {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/migrate',
    name: 'migrate_vm',
    description: 'Moves a VM to another node, in a task.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Migrate']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
        target: { format: 'pve-node', type: 'string' },
        online: {
          optional: 1,
          type: 'boolean',
        },
        'with-local-disks': {
          optional: 1,
          type: 'boolean',
        },
      },
    },
    returns: { type: 'string' },
  },
  'POST /nodes/{node}/vzdump': {
    method: 'POST',
    path: '/nodes/{node}/vzdump',
    name: 'vzdump',
    description: 'Backs guests up to a storage (vzdump), in a task.',
    proxyto: 'node',
    protected: 1,
    permissions: {
      user: 'all',
    },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          optional: 1,
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid-list',
          optional: 1,
          type: 'string',
        },
        storage: {
          format: 'pve-storage-id',
          optional: 1,
          type: 'string',
        },
        mode: {
          default: 'snapshot',
          enum: ['snapshot', 'suspend', 'stop'],
          optional: 1,
          type: 'string',
        },
        compress: {
          default: '0',
          enum: ['0', '1', 'gzip', 'lzo', 'zstd'],
          optional: 1,
          type: 'string',
        },
        'notes-template': {
          maxLength: 1024,
          optional: 1,
          requires: 'storage',
          type: 'string',
        },
        remove: {
          default: 1,
          optional: 1,
          type: 'boolean',
        },
      },
    },
    returns: { type: 'string' },
  },
  'GET /nodes/{node}/qemu/{vmid}/pending': {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/pending',
    name: 'vm_pending',
    description: 'VM config: each key with its current and its pending value.',
    proxyto: 'node',
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
      },
    },
    returns: {
      items: {
        properties: {
          delete: {
            maximum: 2,
            minimum: 0,
            optional: 1,
            type: 'integer',
          },
          key: { type: 'string' },
          pending: { optional: 1, type: 'string' },
          value: { optional: 1, type: 'string' },
        },
        type: 'object',
      },
      type: 'array',
    },
  },
  'GET /nodes/{node}/qemu/{vmid}/firewall/rules': {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/firewall/rules',
    name: 'get_rules',
    description: 'Firewall rules of the VM.',
    proxyto: null,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
      },
    },
    returns: {
      items: {
        properties: {
          action: {
            type: 'string',
          },
          comment: { optional: 1, type: 'string' },
          dest: { optional: 1, type: 'string' },
          dport: { optional: 1, type: 'string' },
          enable: { optional: 1, type: 'integer' },
          'icmp-type': {
            optional: 1,
            type: 'string',
          },
          iface: {
            optional: 1,
            type: 'string',
          },
          ipversion: {
            optional: 1,
            type: 'integer',
          },
          log: {
            enum: ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog'],
            optional: 1,
            type: 'string',
          },
          macro: { optional: 1, type: 'string' },
          pos: { type: 'integer' },
          proto: {
            optional: 1,
            type: 'string',
          },
          source: { optional: 1, type: 'string' },
          sport: { optional: 1, type: 'string' },
          type: { type: 'string' },
        },
        type: 'object',
      },
      links: [{ href: '{pos}', rel: 'child' }],
      type: 'array',
    },
  },
  'POST /nodes/{node}/qemu/{vmid}/firewall/rules': {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/firewall/rules',
    name: 'create_rule',
    description: 'Adds a firewall rule to the VM.',
    proxyto: null,
    protected: 1,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Config.Network']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
        action: {
          maxLength: 20,
          minLength: 2,
          optional: 0,
          pattern: '[A-Za-z][A-Za-z0-9\\-\\_]+',
          type: 'string',
        },
        type: {
          enum: ['in', 'out', 'forward', 'group'],
          optional: 0,
          type: 'string',
        },
        enable: {
          minimum: 0,
          optional: 1,
          type: 'integer',
        },
        dport: {
          format: 'pve-fw-dport-spec',
          optional: 1,
          type: 'string',
        },
        sport: {
          format: 'pve-fw-sport-spec',
          optional: 1,
          type: 'string',
        },
        proto: {
          format: 'pve-fw-protocol-spec',
          optional: 1,
          type: 'string',
        },
        source: {
          format: 'pve-fw-addr-spec',
          maxLength: 512,
          optional: 1,
          type: 'string',
        },
        dest: {
          format: 'pve-fw-addr-spec',
          maxLength: 512,
          optional: 1,
          type: 'string',
        },
        comment: { optional: 1, type: 'string' },
        macro: {
          maxLength: 128,
          optional: 1,
          type: 'string',
        },
        pos: {
          minimum: 0,
          optional: 1,
          type: 'integer',
        },
        iface: {
          format: 'pve-iface',
          maxLength: 20,
          minLength: 2,
          optional: 1,
          type: 'string',
        },
        log: {
          enum: ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog'],
          optional: 1,
          type: 'string',
        },
        digest: {
          maxLength: 64,
          optional: 1,
          type: 'string',
        },
      },
    },
    returns: { type: 'null' },
  },
  'GET /nodes/{node}/qemu/{vmid}/firewall/options': {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/firewall/options',
    name: 'get_options',
    description: 'Firewall settings of the VM.',
    proxyto: 'node',
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Audit']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
      },
    },
    returns: {
      properties: {
        dhcp: { default: 0, optional: 1, type: 'boolean' },
        enable: { default: 0, optional: 1, type: 'boolean' },
        ipfilter: {
          optional: 1,
          type: 'boolean',
        },
        log_level_in: {
          enum: ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog'],
          optional: 1,
          type: 'string',
        },
        log_level_out: {
          enum: ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog'],
          optional: 1,
          type: 'string',
        },
        macfilter: {
          default: 1,
          optional: 1,
          type: 'boolean',
        },
        ndp: {
          default: 1,
          optional: 1,
          type: 'boolean',
        },
        policy_in: {
          enum: ['ACCEPT', 'REJECT', 'DROP'],
          optional: 1,
          type: 'string',
        },
        policy_out: {
          enum: ['ACCEPT', 'REJECT', 'DROP'],
          optional: 1,
          type: 'string',
        },
        radv: { optional: 1, type: 'boolean' },
      },
      type: 'object',
    },
  },
  'PUT /nodes/{node}/qemu/{vmid}/firewall/options': {
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/firewall/options',
    name: 'set_options',
    description: 'Changes the firewall settings of the VM.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/vms/{vmid}', ['VM.Config.Network']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
        enable: {
          default: 0,
          optional: 1,
          type: 'boolean',
        },
        policy_in: {
          enum: ['ACCEPT', 'REJECT', 'DROP'],
          optional: 1,
          type: 'string',
        },
        policy_out: {
          enum: ['ACCEPT', 'REJECT', 'DROP'],
          optional: 1,
          type: 'string',
        },
        dhcp: {
          default: 0,
          optional: 1,
          type: 'boolean',
        },
        log_level_in: {
          enum: ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog'],
          optional: 1,
          type: 'string',
        },
        digest: {
          maxLength: 64,
          optional: 1,
          type: 'string',
        },
        delete: {
          format: 'pve-configid-list',
          optional: 1,
          type: 'string',
        },
      },
    },
    returns: { type: 'null' },
  },
  'GET /nodes/{node}/apt/update': {
    method: 'GET',
    path: '/nodes/{node}/apt/update',
    name: 'list_updates',
    description: 'Package updates the node could install.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/nodes/{node}', ['Sys.Modify']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
      },
    },
    returns: {
      items: {
        properties: {
          Arch: {
            enum: ['armhf', 'arm64', 'amd64', 'ppc64el', 'risc64', 's390x', 'all'],
            type: 'string',
          },
          Description: { type: 'string' },
          NotifyStatus: {
            optional: 1,
            type: 'string',
          },
          OldVersion: { optional: 1, type: 'string' },
          Origin: { type: 'string' },
          Package: { type: 'string' },
          Priority: { type: 'string' },
          Section: { type: 'string' },
          Title: { type: 'string' },
          Version: { type: 'string' },
        },
        type: 'object',
      },
      type: 'array',
    },
  },
  'GET /nodes/{node}/services': {
    method: 'GET',
    path: '/nodes/{node}/services',
    name: 'index',
    description: 'System services of the node and their state.',
    proxyto: 'node',
    protected: 1,
    permissions: { check: ['perm', '/nodes/{node}', ['Sys.Audit']] },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
      },
    },
    returns: {
      items: {
        properties: {
          'active-state': {
            enum: [
              'active',
              'inactive',
              'failed',
              'activating',
              'deactivating',
              'maintenance',
              'reloading',
              'refreshing',
              'unknown',
            ],
            type: 'string',
          },
          desc: { type: 'string' },
          name: { type: 'string' },
          service: { type: 'string' },
          state: {
            enum: [
              'dead',
              'condition',
              'start-pre',
              'start',
              'start-post',
              'running',
              'exited',
              'reload',
              'reload-signal',
              'reload-notify',
              'mounting',
              'stop',
              'stop-watchdog',
              'stop-sigterm',
              'stop-sigkill',
              'stop-post',
              'final-watchdog',
              'final-sigterm',
              'final-sigkill',
              'failed',
              'dead-before-auto-restart',
              'failed-before-auto-restart',
              'dead-resources-pinned',
              'auto-restart',
              'auto-restart-queued',
              'cleaning',
              'unknown',
            ],
            type: 'string',
          },
          'unit-state': {
            enum: [
              'enabled',
              'enabled-runtime',
              'linked',
              'linked-runtime',
              'alias',
              'masked',
              'masked-runtime',
              'static',
              'disabled',
              'indirect',
              'generated',
              'transient',
              'bad',
              'not-found',
              'unknown',
            ],
            type: 'string',
          },
        },
        type: 'object',
      },
      links: [{ href: '{service}', rel: 'child' }],
      type: 'array',
    },
  },
  'POST /nodes/{node}/qemu': {
    method: 'POST',
    path: '/nodes/{node}/qemu',
    name: 'create_vm',
    description: 'Creates a VM, or restores one from an archive.',
    proxyto: 'node',
    protected: 1,
    permissions: {
      user: 'all',
    },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
        archive: {
          maxLength: 255,
          optional: 1,
          type: 'string',
        },
        storage: {
          format: 'pve-storage-id',
          optional: 1,
          type: 'string',
        },
        unique: {
          optional: 1,
          requires: 'archive',
          type: 'boolean',
        },
        force: {
          optional: 1,
          requires: 'archive',
          type: 'boolean',
        },
        name: {
          format: 'dns-name',
          optional: 1,
          type: 'string',
        },
        start: {
          default: 0,
          optional: 1,
          type: 'boolean',
        },
        pool: {
          format: 'pve-poolid',
          optional: 1,
          type: 'string',
        },
      },
    },
    returns: { type: 'string' },
  },
  'POST /nodes/{node}/lxc': {
    method: 'POST',
    path: '/nodes/{node}/lxc',
    name: 'create_vm',
    description: 'Creates a container, or restores one from an archive.',
    proxyto: 'node',
    protected: 1,
    permissions: {
      user: 'all',
    },
    parameters: {
      additionalProperties: 0,
      properties: {
        node: {
          format: 'pve-node',
          type: 'string',
        },
        vmid: {
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          type: 'integer',
        },
        ostemplate: {
          maxLength: 255,
          type: 'string',
        },
        hostname: {
          format: 'dns-name',
          maxLength: 255,
          optional: 1,
          type: 'string',
        },
        'net[n]': {
          format: {
            bridge: {
              optional: 1,
              pattern: '[-_.\\w\\d]+',
              type: 'string',
            },
            firewall: {
              optional: 1,
              type: 'boolean',
            },
            gw: {
              format: 'ipv4',
              optional: 1,
              type: 'string',
            },
            gw6: {
              format: 'ipv6',
              optional: 1,
              type: 'string',
            },
            'host-managed': {
              optional: 1,
              type: 'boolean',
            },
            hwaddr: {
              format: 'mac-addr',
              optional: 1,
              type: 'string',
            },
            ip: {
              format: 'pve-ipv4-config',
              optional: 1,
              type: 'string',
            },
            ip6: {
              format: 'pve-ipv6-config',
              optional: 1,
              type: 'string',
            },
            link_down: {
              optional: 1,
              type: 'boolean',
            },
            mtu: {
              maximum: 65535,
              minimum: 64,
              optional: 1,
              type: 'integer',
            },
            name: {
              pattern: '[-_.\\w\\d]+',
              type: 'string',
            },
            rate: {
              optional: 1,
              type: 'number',
            },
            tag: {
              maximum: 4094,
              minimum: 1,
              optional: 1,
              type: 'integer',
            },
            trunks: {
              optional: 1,
              pattern: '(?^:\\d+(?:;\\d+)*)',
              type: 'string',
            },
            type: { enum: ['veth'], optional: 1, type: 'string' },
          },
          optional: 1,
          type: 'string',
        },
        storage: {
          default: 'local',
          format: 'pve-storage-id',
          optional: 1,
          type: 'string',
        },
        rootfs: {
          format: {
            acl: { optional: 1, type: 'boolean' },
            idmap: {
              optional: 1,
              pattern:
                '(?^:^(?:passthrough|[ug]:[0-9]+:[0-9]+:[1-9][0-9]*(?:;[ug]:[0-9]+:[0-9]+:[1-9][0-9]*)*)$)',
              type: 'string',
            },
            mountoptions: {
              optional: 1,
              pattern:
                '(?^:(?^:(discard|lazytime|noatime|nodev|noexec|nosuid))(;(?^:(discard|lazytime|noatime|nodev|noexec|nosuid)))*)',
              type: 'string',
            },
            quota: {
              optional: 1,
              type: 'boolean',
            },
            replicate: {
              default: 1,
              optional: 1,
              type: 'boolean',
            },
            ro: { optional: 1, type: 'boolean' },
            shared: {
              default: 0,
              optional: 1,
              type: 'boolean',
            },
            size: {
              format: 'disk-size',
              optional: 1,
              type: 'string',
            },
            volume: {
              default_key: 1,
              format: 'pve-lxc-mp-string',
              type: 'string',
            },
          },
          optional: 1,
          type: 'string',
        },
        memory: {
          default: 512,
          minimum: 16,
          optional: 1,
          type: 'integer',
        },
        cores: {
          maximum: 8192,
          minimum: 1,
          optional: 1,
          type: 'integer',
        },
        password: {
          minLength: 5,
          optional: 1,
          type: 'string',
        },
        'ssh-public-keys': {
          optional: 1,
          type: 'string',
        },
        start: {
          default: 0,
          optional: 1,
          type: 'boolean',
        },
        unprivileged: {
          default: 0,
          optional: 1,
          type: 'boolean',
        },
        pool: {
          format: 'pve-poolid',
          optional: 1,
          type: 'string',
        },
        nameserver: {
          format: 'lxc-ip-with-ll-iface-list',
          optional: 1,
          type: 'string',
        },
        swap: {
          default: 512,
          minimum: 0,
          optional: 1,
          type: 'integer',
        },
        tags: {
          format: 'pve-tag-list',
          optional: 1,
          type: 'string',
        },
        description: {
          maxLength: 8192,
          optional: 1,
          type: 'string',
        },
      },
    },
    returns: { type: 'string' },
  },
} satisfies Record<string, RouteSpec>;
