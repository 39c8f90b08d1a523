import { z } from 'zod';
import { failuresText, forEachCluster } from './cluster-targets.js';
import { limit, nodeName } from './fields.js';
import { formatPercent, plural, table, usage, formatDuration } from './format.js';

/** PVE's type names read oddly in plural ("3 qemus"); say what they are, keeping the type name. */
const TYPE_LABELS: Record<string, [string, string]> = {
  qemu: ['VM (qemu)', 'VMs (qemu)'],
  lxc: ['container (lxc)', 'containers (lxc)'],
  storage: ['storage entry', 'storage entries (one per node)'],
  sdn: ['SDN zone entry', 'SDN zone entries'],
  network: ['network entry', 'network entries'],
};

function countLabel(n: number, type: string): string {
  const label = TYPE_LABELS[type];
  return label ? `${n} ${n === 1 ? label[0] : label[1]}` : plural(n, type);
}
import { defineTool } from './types.js';

type Resource = Record<string, unknown> & { type?: string; status?: string; node?: string };

/** Fields worth a model's context; counters like netin/diskread are left out unless asked for. */
const DEFAULT_FIELDS = [
  'id',
  'type',
  'vmid',
  'name',
  'node',
  'status',
  'template',
  'cpu',
  'maxcpu',
  'mem',
  'maxmem',
  'disk',
  'maxdisk',
  'uptime',
  'storage',
  'plugintype',
  'shared',
  'content',
  'pool',
  'tags',
  'hastate',
  'lock',
  'sdn',
  'network',
];

const TYPES = ['vm', 'qemu', 'lxc', 'node', 'storage', 'sdn', 'pool', 'network'] as const;

export const getClusterResources = defineTool({
  name: 'get_cluster_resources',
  title: 'Inventory of guests, nodes and storage',
  description:
    'The cluster-wide inventory from /cluster/resources: VMs (qemu), containers (lxc), nodes, storage, pools and SDN, with status and usage (cpu as a fraction of maxcpu; mem/disk in bytes). Filter by type ("vm" = qemu and lxc, or "qemu", "lxc", "node", "storage", "sdn", "pool"), node and status (e.g. "running", "stopped") to keep the answer small; counts per type and status always cover the whole filtered set. Use it to find which node a VMID lives on before calling node-specific endpoints. cluster "*" covers every configured cluster.',
  input: {
    type: z
      .enum(TYPES)
      .optional()
      .describe('Resource type filter: vm (qemu+lxc), qemu, lxc, node, storage, sdn, pool, network'),
    node: nodeName.optional().describe('Only resources on this node'),
    status: z
      .string()
      .max(40)
      .optional()
      .describe('Only resources with this status, e.g. "running", "stopped", "online", "available"'),
    fields: z
      .array(
        z
          .string()
          .regex(/^[a-z][a-z0-9_-]*$/i)
          .max(40),
      )
      .max(40)
      .optional()
      .describe(
        'Return only these fields per row (e.g. ["vmid","name","node","status"]); default: a compact set',
      ),
    limit: limit(100, 2000),
  },
  output: z.object({
    resources: z.array(z.record(z.string(), z.unknown())),
    counts: z.record(z.string(), z.number()),
    total: z.number(),
    truncated: z.boolean(),
    failed: z.array(z.object({ cluster: z.string(), error: z.string() })),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  cluster: 'multi',
  async handler(args, ctx) {
    // qemu/lxc are not PVE filter values; ask for "vm" and narrow here.
    const apiType = args.type === 'qemu' || args.type === 'lxc' ? 'vm' : args.type;
    const { results, failures } = await forEachCluster(ctx, (c) =>
      c.client.request<Resource[]>('GET', '/cluster/resources', apiType ? { type: apiType } : {}, {
        signal: ctx.signal,
        context: ctx.requestContext,
      }),
    );
    const multi = ctx.clusters.length > 1;
    const all = results.flatMap(({ cluster, value }) =>
      (Array.isArray(value) ? value : []).map((r) => (multi ? { cluster, ...r } : r)),
    );
    const typeOk = (r: Resource): boolean =>
      !args.type || (args.type === 'vm' ? r.type === 'qemu' || r.type === 'lxc' : r.type === args.type);
    const filtered = all.filter(
      (r) => typeOk(r) && (!args.node || r.node === args.node) && (!args.status || r.status === args.status),
    );
    filtered.sort(
      (a, b) =>
        String(a.type).localeCompare(String(b.type)) ||
        Number(a.vmid ?? 0) - Number(b.vmid ?? 0) ||
        String(a.id).localeCompare(String(b.id)),
    );
    const counts: Record<string, number> = {};
    for (const r of filtered) {
      const t = String(r.type ?? 'unknown');
      counts[t] = (counts[t] ?? 0) + 1;
      if (r.status !== undefined)
        counts[`${t}:${String(r.status)}`] = (counts[`${t}:${String(r.status)}`] ?? 0) + 1;
    }
    const fields = args.fields?.length
      ? [...(multi ? ['cluster'] : []), ...args.fields]
      : [...(multi ? ['cluster'] : []), ...DEFAULT_FIELDS];
    const rows = filtered.slice(0, args.limit).map((r) => project(r, fields));
    const truncated = filtered.length > rows.length;
    const text = render(rows, filtered.length, counts, truncated, multi) + failuresText(failures);
    return {
      structured: { resources: rows, counts, total: filtered.length, truncated, failed: failures },
      text,
    };
  },
});

function project(r: Resource, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (Object.hasOwn(r, f) && r[f] !== undefined && r[f] !== '') out[f] = r[f];
  return out;
}

function render(
  rows: Array<Record<string, unknown>>,
  total: number,
  counts: Record<string, number>,
  truncated: boolean,
  multi: boolean,
): string {
  if (total === 0)
    return 'No resources match (an under-privileged token also sees an empty list: it needs VM.Audit / Sys.Audit / Datastore.Audit).';
  const summary = Object.entries(counts)
    .filter(([k]) => !k.includes(':'))
    .map(([t, n]) => {
      const states = Object.entries(counts)
        .filter(([k]) => k.startsWith(`${t}:`))
        .map(([k, c]) => `${c} ${k.slice(t.length + 1)}`)
        .join(', ');
      return `${countLabel(n, t)}${states ? ` (${states})` : ''}`;
    })
    .join('; ');
  const c = multi ? ['cluster'] : [];
  const byType = (t: (r: Record<string, unknown>) => boolean) => rows.filter(t);
  const parts = [summary];
  const guests = byType((r) => r.type === 'qemu' || r.type === 'lxc');
  if (guests.length) {
    parts.push(
      table(
        [...c, 'vmid', 'name', 'type', 'node', 'status', 'cpu', 'mem', 'uptime'],
        guests.map((r) => [
          ...(multi ? [str(r.cluster)] : []),
          str(r.vmid),
          str(r.name) + (r.template ? ' (template)' : ''),
          str(r.type),
          str(r.node),
          str(r.status),
          r.cpu !== undefined ? formatPercent(r.cpu) : '',
          usage(r.mem, r.maxmem),
          formatDuration(r.uptime),
        ]),
      ),
    );
  }
  const nodes = byType((r) => r.type === 'node');
  if (nodes.length) {
    parts.push(
      table(
        [...c, 'node', 'status', 'cpu', 'mem', 'disk'],
        nodes.map((r) => [
          ...(multi ? [str(r.cluster)] : []),
          str(r.node),
          str(r.status),
          r.cpu !== undefined ? formatPercent(r.cpu) : '',
          usage(r.mem, r.maxmem),
          usage(r.disk, r.maxdisk),
        ]),
      ),
    );
  }
  const storage = byType((r) => r.type === 'storage');
  if (storage.length) {
    parts.push(
      table(
        [...c, 'storage', 'node', 'type', 'status', 'used', 'shared'],
        storage.map((r) => [
          ...(multi ? [str(r.cluster)] : []),
          str(r.storage),
          str(r.node),
          str(r.plugintype),
          str(r.status),
          usage(r.disk, r.maxdisk),
          r.shared ? 'yes' : 'no',
        ]),
      ),
    );
  }
  const other = byType((r) => !['qemu', 'lxc', 'node', 'storage'].includes(String(r.type)));
  if (other.length)
    parts.push(
      other.map((r) => `${str(r.type)} ${str(r.id)}${r.status ? ` (${str(r.status)})` : ''}`).join('\n'),
    );
  if (truncated)
    parts.push(`Showing ${rows.length} of ${total}. Narrow with type, node or status, or raise limit.`);
  return parts.join('\n\n');
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}
