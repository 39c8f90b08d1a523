import { z } from 'zod';
import { failuresLead, failuresText, forEachCluster } from './cluster-targets.js';
import { formatDuration, formatPercent, table, usage } from './format.js';
import { defineTool } from './types.js';

interface PveNode {
  node: string;
  status?: string;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  uptime?: number;
}

const nodeRow = z.object({
  cluster: z.string(),
  node: z.string(),
  status: z.string(),
  cpu: z.number().optional(),
  maxcpu: z.number().optional(),
  mem: z.number().optional(),
  maxmem: z.number().optional(),
  uptime: z.number().optional(),
});

export const listNodes = defineTool({
  name: 'list_nodes',
  title: 'List cluster nodes',
  description:
    'Lists a cluster\'s nodes: status (online/offline), CPU load (fraction of maxcpu), memory used/total (bytes), uptime (s). cluster "*": every cluster; a failing cluster is reported beside the others. No cpu/mem for a node: the token lacks Sys.Audit on it.',
  input: {},
  output: z.object({
    nodes: z.array(nodeRow),
    failed: z.array(z.object({ cluster: z.string(), error: z.string() })),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  cluster: 'multi',
  async handler(_args, ctx) {
    const { results, failures } = await forEachCluster(ctx, (c) =>
      c.client.request<PveNode[]>('GET', '/nodes', {}, { signal: ctx.signal, context: ctx.requestContext }),
    );
    const nodes = results.flatMap(({ cluster, value }) =>
      (Array.isArray(value) ? value : [])
        .map((n): z.infer<typeof nodeRow> => ({
          cluster,
          node: String(n.node),
          status: String(n.status ?? 'unknown'),
          ...num('cpu', n.cpu),
          ...num('maxcpu', n.maxcpu),
          ...num('mem', n.mem),
          ...num('maxmem', n.maxmem),
          ...num('uptime', n.uptime),
        }))
        .sort((a, b) => a.node.localeCompare(b.node)),
    );
    const multi = ctx.clusters.length > 1;
    const headers = [...(multi ? ['cluster'] : []), 'node', 'status', 'cpu', 'memory', 'uptime'];
    const rows = nodes.map((n) => [
      ...(multi ? [n.cluster] : []),
      n.node,
      n.status,
      n.cpu !== undefined ? `${formatPercent(n.cpu)} of ${n.maxcpu ?? '?'}` : '-',
      usage(n.mem, n.maxmem),
      formatDuration(n.uptime),
    ]);
    // PVE leaves cpu/mem out of /nodes for a node the token lacks Sys.Audit on: say so, not just "-".
    const hidden = nodes.filter((n) => n.status === 'online' && n.cpu === undefined && n.mem === undefined);
    const hiddenNote = hidden.length
      ? `\n\nCPU and memory of ${hidden.length === nodes.length ? 'every node' : hidden.map((n) => n.node).join(', ')} are not visible to this token: it lacks Sys.Audit on /nodes (the smallest role with it is PVEAuditor).`
      : '';
    const text =
      failuresLead(failures, ctx.clusters.length) +
      (nodes.length ? table(headers, rows) + hiddenNote : 'No nodes visible to this token.') +
      failuresText(failures);
    return { structured: { nodes, failed: failures }, text };
  },
});

/** PVE sometimes sends numbers as strings; keep a field only when it is a real number. */
function num<K extends string>(key: K, v: unknown): Partial<Record<K, number>> {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? ({ [key]: n } as Partial<Record<K, number>>) : {};
}
