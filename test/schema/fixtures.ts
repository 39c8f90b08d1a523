import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiIndex,
  parseApidocJs,
  type ApiMethodInfo,
  type ApiTreeNode,
  type PropertySchema,
} from '../../src/schema/index.js';

// Two sources of schemas for the tests: the real PVE dumps in ../shared/pve (present in CI, maybe
// not in a user's clone), and a small hand-written tree shaped like PVE's so the logic is tested
// everywhere.

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Overridable so the skip path can be exercised: PVE_SHARED_DIR=/nonexistent npx vitest run test/schema
export const sharedPveDir = process.env.PVE_SHARED_DIR ?? resolve(repoRoot, '../shared/pve');
export const hasShared = existsSync(resolve(sharedPveDir, 'apidoc.json'));
export const skipReason = '(skipped: ../shared/pve not present; CI provides it)';

export const REAL_SCHEMAS = [
  { label: '9.2', file: 'apidoc.json', paths: 444, methods: 675 },
  { label: '9.1', file: 'apidoc-pve9.1-official.json', paths: 431, methods: 649 },
  { label: '8.4', file: 'apidoc-pve8.4-official.json', paths: 398, methods: 605 },
] as const;

export function readShared(file: string): string {
  return readFileSync(resolve(sharedPveDir, file), 'utf8');
}

const indexes = new Map<string, ApiIndex>();

/**
 * Parsed once per file and test worker. Call it from hooks or tests, never from a describe body:
 * vitest runs the bodies of skipped suites too, and the file may be absent.
 */
export function realIndex(file: string): ApiIndex {
  let index = indexes.get(file);
  if (!index) indexes.set(file, (index = new ApiIndex(parseApidocJs(readShared(file)))));
  return index;
}

const node: PropertySchema = { type: 'string', format: 'pve-node', description: 'Node name.' };
const vmid: PropertySchema = {
  type: 'integer',
  format: 'pve-vmid',
  minimum: 100,
  maximum: 999999999,
  description: 'Numeric guest id.',
};
const snapname: PropertySchema = { type: 'string', format: 'pve-configid', maxLength: 40 };
const task = { type: 'string', description: 'the task ID.' };

const method = (m: string, name: string, extra: Partial<ApiMethodInfo>): ApiMethodInfo => ({
  method: m,
  name,
  allowtoken: 1,
  description: `${name} description.`,
  parameters: { additionalProperties: 0, properties: {} },
  returns: { type: 'null' },
  permissions: { user: 'all' },
  ...extra,
});

const guest = (kind: 'qemu' | 'lxc'): ApiTreeNode => ({
  path: `/nodes/{node}/${kind}/{vmid}`,
  text: '{vmid}',
  leaf: 0,
  info: {
    GET: method('GET', 'vmdiridx', { parameters: { additionalProperties: 0, properties: { node, vmid } } }),
  },
  children: [
    {
      path: `/nodes/{node}/${kind}/{vmid}/snapshot`,
      text: 'snapshot',
      leaf: 0,
      info: {
        GET: method('GET', 'snapshot_list', {
          description: 'Snapshots of this guest.',
          returns: { type: 'array' },
        }),
        POST: method('POST', 'snapshot', {
          description: `Take a snapshot of the ${kind === 'qemu' ? 'VM' : 'container'}.`,
          parameters: {
            additionalProperties: 0,
            properties: { node, vmid, snapname, vmstate: { type: 'boolean', optional: 1 } },
          },
          returns: task,
          permissions: { check: ['perm', '/vms/{vmid}', ['VM.Snapshot']] },
        }),
      },
      children: [
        {
          path: `/nodes/{node}/${kind}/{vmid}/snapshot/{snapname}/rollback`,
          text: 'rollback',
          leaf: 1,
          info: {
            POST: method('POST', 'rollback', {
              description: `Return the ${kind === 'qemu' ? 'VM' : 'container'} to a snapshot.`,
              parameters: {
                additionalProperties: 0,
                properties: { node, vmid, snapname, start: { type: 'boolean', optional: 1, default: 0 } },
              },
              returns: task,
              permissions: {
                check: ['perm', '/vms/{vmid}', ['VM.Snapshot', 'VM.Snapshot.Rollback'], 'any', 1],
              },
              proxyto: 'node',
            }),
          },
        },
      ],
    },
    {
      path: `/nodes/{node}/${kind}/{vmid}/firewall/rules`,
      text: 'rules',
      leaf: 0,
      info: {
        GET: method('GET', 'get_rules', { description: 'Firewall rules.', returns: { type: 'array' } }),
        POST: method('POST', 'create_rule', { description: 'Add a firewall rule.' }),
      },
    },
  ],
});

export const netFormat: Record<string, PropertySchema> = {
  model: { type: 'string', default_key: 1, enum: ['e1000', 'virtio', 'vmxnet3'] },
  virtio: { alias: 'macaddr', keyAlias: 'model' },
  macaddr: { type: 'string', format: 'mac-addr', optional: 1 },
  bridge: { type: 'string', format: 'pve-bridge-id', optional: 1 },
  firewall: { type: 'boolean', optional: 1 },
  tag: { type: 'integer', minimum: 1, maximum: 4094, optional: 1 },
};

export const configProps: Record<string, PropertySchema> = {
  node,
  vmid,
  'net[n]': { type: 'string', format: netFormat, optional: 1, description: 'A network interface.' },
  'scsi[n]': { type: 'string', optional: 1 },
  'hostpci[n]': { type: 'string', optional: 1 },
  cores: { type: 'integer', minimum: 1, optional: 1, default: 1 },
  cpulimit: { type: 'number', minimum: 0, maximum: 128, optional: 1 },
  description: { type: 'string', maxLength: 8192, optional: 1 },
  name: { type: 'string', format: 'dns-name', optional: 1 },
  delete: { type: 'string', format: 'pve-configid-list', optional: 1 },
  tags: { type: 'string', format: 'pve-tag-list', optional: 1 },
  ostype: { type: 'string', enum: ['l24', 'l26', 'win11', 'other'], optional: 1 },
  hookscript: { type: 'string', format: 'pve-volume-id', optional: 1 },
  bootdisk: { type: 'string', pattern: '(ide|sata|scsi|virtio)\\d+', optional: 1 },
  force: { type: 'boolean', optional: 1, requires: 'delete' },
  dhcp: { type: 'array', items: { type: 'string', format: 'ip' }, optional: 1 },
};

export const syntheticTree: ApiTreeNode[] = [
  {
    path: '/cluster',
    text: 'cluster',
    leaf: 0,
    info: { GET: method('GET', 'index', { parameters: { additionalProperties: 0 } }) },
    children: [
      {
        path: '/cluster/resources',
        text: 'resources',
        leaf: 1,
        info: {
          GET: method('GET', 'resources', {
            description: 'Every resource of the cluster.',
            parameters: {
              additionalProperties: 0,
              properties: { type: { type: 'string', enum: ['vm', 'storage', 'node', 'sdn'], optional: 1 } },
            },
          }),
        },
      },
      {
        path: '/cluster/config',
        text: 'config',
        leaf: 1,
        info: { POST: method('POST', 'create', { permissions: undefined, returns: { type: 'string' } }) },
      },
    ],
  },
  {
    path: '/nodes',
    text: 'nodes',
    leaf: 0,
    info: {
      GET: method('GET', 'index', {
        description: 'Nodes of the cluster.',
        parameters: { additionalProperties: 0 },
      }),
    },
    children: [
      {
        path: '/nodes/{node}',
        text: '{node}',
        leaf: 0,
        children: [
          {
            path: '/nodes/{node}/qemu',
            text: 'qemu',
            leaf: 0,
            info: { GET: method('GET', 'vmlist', { description: 'VMs on one node.' }) },
            children: [
              guest('qemu'),
              {
                path: '/nodes/{node}/qemu/{vmid}/config',
                text: 'config',
                leaf: 1,
                info: {
                  POST: method('POST', 'update_vm_async', {
                    description: 'Change VM settings (runs as a task).',
                    parameters: { additionalProperties: 0, properties: configProps },
                    returns: { type: 'string', optional: 1 },
                  }),
                },
              },
              {
                path: '/nodes/{node}/qemu/{vmid}/status/start',
                text: 'start',
                leaf: 1,
                info: {
                  POST: method('POST', 'vm_start', {
                    description: 'Power on the VM.',
                    parameters: { additionalProperties: 0, properties: { node, vmid } },
                    returns: { type: 'string' },
                    permissions: { check: ['perm', '/vms/{vmid}', ['VM.PowerMgmt']] },
                  }),
                },
              },
            ],
          },
          { path: '/nodes/{node}/lxc', text: 'lxc', leaf: 0, children: [guest('lxc')] },
          {
            path: '/nodes/{node}/tasks/{upid}/status',
            text: 'status',
            leaf: 1,
            info: { GET: method('GET', 'read_task_status', { returns: { type: 'object' } }) },
          },
        ],
      },
    ],
  },
  {
    path: '/access/ticket',
    text: 'ticket',
    leaf: 1,
    info: {
      POST: method('POST', 'create_ticket', { allowtoken: 0, permissions: { user: 'world' } }),
    },
  },
  {
    path: '/version',
    text: 'version',
    leaf: 1,
    info: { GET: method('GET', 'version', { returns: { type: 'object', properties: { version: {} } } }) },
  },
];
