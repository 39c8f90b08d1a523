import type { NodeState } from '../fleet.js';
import { nodeEntry } from '../resources.js';
import type { RouteDef } from '../route-types.js';
import { nodeLive } from '../stats.js';
import { directoryIndex } from './helpers.js';
import { indexReturns, nodeProp } from './props.js';

/** /nodes, /nodes/{node}, node status and network. */

const GiB = 2 ** 30;
const CPU_FLAGS =
  'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology cpuid pni pclmulqdq vmx ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch fsgsbase bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt xsaveopt xsavec xgetbv1 xsaves arat';

export const nodeRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes',
    name: 'index',
    description: 'Nodes of the cluster with status and usage.',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0 },
    returns: {
      items: {
        properties: {
          cpu: {
            optional: 1,
            renderer: 'fraction_as_percentage',
            type: 'number',
          },
          level: { optional: 1, type: 'string' },
          maxcpu: { optional: 1, type: 'integer' },
          maxmem: {
            optional: 1,
            renderer: 'bytes',
            type: 'integer',
          },
          mem: { optional: 1, renderer: 'bytes', type: 'integer' },
          node: { format: 'pve-node', type: 'string' },
          ssl_fingerprint: {
            optional: 1,
            type: 'string',
          },
          status: { enum: ['unknown', 'online', 'offline'], type: 'string' },
          uptime: {
            optional: 1,
            renderer: 'duration',
            type: 'integer',
          },
        },
        type: 'object',
      },
      links: [{ href: '{node}', rel: 'child' }],
      type: 'array',
    },
    // Every node is listed; its stats only with Sys.Audit on it (PVE/API2/Nodes.pm).
    handler: ({ state, caller }) =>
      [...state.fleet.nodes.values()].map((n) => ({
        ...nodeEntry(n, caller.privileges.has(`/nodes/${n.name}`, 'Sys.Audit'), state),
        ssl_fingerprint: n.fingerprint,
      })),
  },
  {
    method: 'GET',
    path: '/nodes/{node}',
    name: 'index',
    description: 'Subdirectories of a node.',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0, properties: { node: nodeProp } },
    returns: indexReturns('name'),
    handler: directoryIndex(),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/status',
    name: 'status',
    description: 'CPU, memory, load, uptime and versions of the node.',
    proxyto: 'node',
    permissions: { check: ['perm', '/nodes/{node}', ['Sys.Audit']] },
    parameters: { additionalProperties: 0, properties: { node: nodeProp } },
    returns: {
      additionalProperties: 1,
      properties: {
        'boot-info': {
          properties: {
            mode: { enum: ['efi', 'legacy-bios'], type: 'string' },
            secureboot: { optional: 1, type: 'boolean' },
          },
          type: 'object',
        },
        cpu: { type: 'number' },
        cpuinfo: {
          properties: {
            cores: { type: 'integer' },
            cpus: { type: 'integer' },
            model: { type: 'string' },
            sockets: { type: 'integer' },
          },
          type: 'object',
        },
        'current-kernel': {
          properties: {
            machine: { type: 'string' },
            release: { type: 'string' },
            sysname: { type: 'string' },
            version: { type: 'string' },
          },
          type: 'object',
        },
        loadavg: { items: { type: 'string' }, type: 'array' },
        memory: {
          properties: {
            available: { type: 'integer' },
            free: { type: 'integer' },
            total: { type: 'integer' },
            used: { type: 'integer' },
          },
          type: 'object',
        },
        pveversion: { type: 'string' },
        rootfs: {
          properties: {
            avail: { type: 'integer' },
            free: { type: 'integer' },
            total: { type: 'integer' },
            used: { type: 'integer' },
          },
          type: 'object',
        },
      },
      type: 'object',
    },
    handler: ({ params, state }) => {
      const n = state.fleet.nodes.get(params.str('node') ?? '') as NodeState;
      const live = nodeLive(n, state);
      const kernel = state.version.kernel;
      const status: Record<string, unknown> = {
        cpu: live.cpu,
        wait: live.wait,
        idle: 0,
        uptime: live.uptime,
        loadavg: live.loadavg,
        kversion: `Linux ${kernel.release} ${kernel.version}`,
        pveversion: state.version.pveversion,
        cpuinfo: {
          cpus: n.cpus,
          cores: n.cores,
          sockets: n.sockets,
          model: n.model,
          mhz: n.mhz,
          hvm: '1',
          user_hz: 100,
          flags: CPU_FLAGS,
        },
        memory: {
          total: n.memTotal,
          used: live.mem,
          free: n.memTotal - live.mem,
          available: n.memTotal - live.mem,
        },
        swap: { total: n.swapTotal, used: 0, free: n.swapTotal },
        ksm: { shared: 0 },
        rootfs: {
          total: n.rootfsTotal,
          used: n.rootfsUsed,
          free: n.rootfsTotal - n.rootfsUsed,
          avail: n.rootfsTotal - n.rootfsUsed - 5 * GiB,
        },
      };
      if (state.version.hasBootInfo) {
        status['boot-info'] = { mode: 'efi', secureboot: 0 };
        status['current-kernel'] = {
          sysname: 'Linux',
          release: kernel.release,
          version: kernel.version,
          machine: 'x86_64',
        };
      }
      return status;
    },
  },
];
