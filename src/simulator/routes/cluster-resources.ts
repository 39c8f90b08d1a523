import { nodeEntry, storageResource, vmResource } from '../resources.js';
import type { Guest } from '../fleet.js';
import type { RouteDef } from '../route-types.js';

/** GET /cluster/resources (PVE/API2/Cluster.pm resources): everything in the cluster, filtered by ACL. */
export const clusterResourcesRoute: RouteDef = {
  method: 'GET',
  path: '/cluster/resources',
  name: 'resources',
  description: 'Guests, nodes and storages of the whole cluster with their usage; filter by type.',
  permissions: { user: 'all' },
  parameters: {
    additionalProperties: 0,
    properties: {
      type: {
        enum: ['vm', 'storage', 'node', 'sdn'],
        optional: 1,
        type: 'string',
      },
    },
  },
  returns: {
    items: {
      properties: {
        'cgroup-mode': { optional: 1, type: 'integer' },
        content: { format: 'pve-storage-content-list', optional: 1, type: 'string' },
        cpu: { minimum: 0, optional: 1, type: 'number' },
        disk: { minimum: 0, optional: 1, type: 'integer' },
        diskread: { optional: 1, type: 'integer' },
        diskwrite: { optional: 1, type: 'integer' },
        hastate: { optional: 1, type: 'string' },
        'host-arch': { default: 'x86_64', enum: ['x86_64', 'aarch64'], optional: 1, type: 'string' },
        id: { type: 'string' },
        level: { optional: 1, type: 'string' },
        lock: { optional: 1, type: 'string' },
        maxcpu: { minimum: 0, optional: 1, type: 'number' },
        maxdisk: { minimum: 0, optional: 1, type: 'integer' },
        maxmem: { optional: 1, type: 'integer' },
        mem: { minimum: 0, optional: 1, type: 'integer' },
        memhost: { minimum: 0, optional: 1, type: 'integer' },
        name: { optional: 1, type: 'string' },
        netin: { optional: 1, type: 'integer' },
        netout: { optional: 1, type: 'integer' },
        network: { optional: 1, type: 'string' },
        'network-type': { enum: ['fabric', 'zone'], optional: 1, type: 'string' },
        node: { format: 'pve-node', optional: 1, type: 'string' },
        plugintype: { optional: 1, type: 'string' },
        pool: { optional: 1, type: 'string' },
        sdn: { optional: 1, type: 'string' },
        shared: { optional: 1, type: 'boolean' },
        status: { optional: 1, type: 'string' },
        storage: { format: 'pve-storage-id', optional: 1, type: 'string' },
        tags: { optional: 1, type: 'string' },
        template: { default: 0, optional: 1, type: 'boolean' },
        type: {
          enum: ['node', 'storage', 'pool', 'qemu', 'lxc', 'openvz', 'sdn', 'network'],
          type: 'string',
        },
        uptime: { optional: 1, type: 'integer' },
        vmid: { format: 'pve-vmid', maximum: 999999999, minimum: 100, optional: 1, type: 'integer' },
        'zone-type': { optional: 1, type: 'string' },
      },
      type: 'object',
    },
    type: 'array',
  },
  // Every entry is filtered by the caller's privileges; nothing is refused outright.
  handler: ({ params, state, caller }) => {
    const filter = params.str('type');
    const want = (t: string): boolean => filter === undefined || filter === t;
    const priv = caller.privileges;
    const fleet = state.fleet;
    const out: Array<Record<string, string | number>> = [];
    // Grouped once: node and storage stats sum their node's guests (10,000 guests × 20 nodes otherwise).
    const onNode = new Map<string, Guest[]>();
    if (want('node') || want('storage')) {
      for (const g of fleet.guests.values()) {
        const list = onNode.get(g.node);
        if (list) list.push(g);
        else onNode.set(g.node, [g]);
      }
    }
    if (want('vm')) {
      for (const g of [...fleet.guests.values()].sort((a, b) => a.vmid - b.vmid)) {
        if (priv.has(`/vms/${g.vmid}`, 'VM.Audit')) out.push(vmResource(g, state));
      }
    }
    if (want('node')) {
      for (const n of fleet.nodes.values()) {
        const audit = priv.has(`/nodes/${n.name}`, 'Sys.Audit');
        const entry = nodeEntry(n, audit, state, onNode.get(n.name) ?? []);
        if (n.online && audit) {
          entry['cgroup-mode'] = 2;
          if (state.version.hasHostArch) entry['host-arch'] = 'x86_64';
        }
        out.push(entry);
      }
    }
    if (want('storage')) {
      for (const n of fleet.nodes.values()) {
        for (const s of fleet.storages) {
          if (priv.hasAny(`/storage/${s.id}`, ['Datastore.Audit', 'Datastore.AllocateSpace'])) {
            out.push(storageResource(s, n, state, onNode.get(n.name) ?? []));
          }
        }
      }
    }
    if (filter === undefined) {
      for (const p of fleet.pools.values()) {
        if (priv.has(`/pool/${p.id}`, 'Pool.Audit'))
          out.push({ id: `/pool/${p.id}`, pool: p.id, type: 'pool' });
      }
    }
    if (want('sdn') && priv.has('/sdn/zones/localnetwork', 'SDN.Audit')) {
      for (const n of fleet.nodes.values()) {
        const status = n.online ? 'ok' : 'unknown';
        out.push({
          id: `sdn/${n.name}/localnetwork`,
          sdn: 'localnetwork',
          node: n.name,
          type: 'sdn',
          status,
        });
        if (state.version.atLeast(9)) {
          out.push({
            id: `network/${n.name}/zone/localnetwork`,
            type: 'network',
            'network-type': 'zone',
            network: 'localnetwork',
            node: n.name,
            status,
            'zone-type': 'simple',
          });
        }
      }
    }
    return out;
  },
};
