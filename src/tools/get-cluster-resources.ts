import { z } from 'zod';
import { failuresLead, failuresText, forEachCluster, type ClusterFailure } from './cluster-targets.js';
import { nodeName, vmid } from './fields.js';
import { RAW_TEXT_BUDGET } from './shared-constants.js';
import { describeFilter, renderPaging, renderRows, renderTotals } from './resource-render.js';
import {
  MAX_BREAKDOWN,
  matcher,
  sortResources,
  totalsOf,
  type Resource,
  type Totals,
} from './resource-rows.js';
import { defineTool } from './types.js';

/**
 * Rows and size of one answer. Without `limit` the answer (text plus structuredContent, both are sent)
 * stays under 20 KB whatever the cluster's size: PVE's own JSON for 2,000 guests is ~880 KB. An explicit
 * `limit` buys pages up to the raw-call text budget (48 KB) per half. A page is cut below the rows asked
 * for when they do not fit; the answer then names the next offset, so nothing becomes unreachable.
 */
export const DEFAULT_ANSWER_BUDGET = 18_000;
const DEFAULT_ROWS = 100;
const MAX_ROWS = 2000;

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

/** PVE's own type filter knows vm, storage, node and sdn; pools come only unfiltered. */
const API_TYPE: Record<(typeof TYPES)[number], string | undefined> = {
  vm: 'vm',
  qemu: 'vm',
  lxc: 'vm',
  node: 'node',
  storage: 'storage',
  sdn: 'sdn',
  network: 'sdn',
  pool: undefined,
};

const countMap = z.record(z.string(), z.number());

export const getClusterResources = defineTool({
  name: 'get_cluster_resources',
  title: 'Inventory of guests, nodes and storage',
  description:
    'Cluster-wide inventory (/cluster/resources): nodes, VMs (qemu), containers (lxc), storage, pools, SDN, with status and usage (cpu: fraction of maxcpu; mem/disk: bytes). Totals for all that match (per type/status, node, pool, tag), then a page of rows (under 20 KB by default) and how to get the rest. Filter by type ("vm" = qemu+lxc), node, status, pool, tag, name (part) or vmid (finds a guest\'s node). cluster "*": every cluster.',
  input: {
    type: z.enum(TYPES).optional().describe('Resource type (vm = qemu+lxc)'),
    node: nodeName.optional().describe('Only resources on this node'),
    status: z.string().max(40).optional().describe('Status, e.g. "running", "stopped", "online"'),
    pool: z.string().min(1).max(64).optional().describe('Only guests in this pool (and the pool)'),
    tag: z.string().min(1).max(64).optional().describe('Only guests with this tag'),
    name: z.string().min(1).max(128).optional().describe('Name contains this (case-insensitive)'),
    vmid: vmid.optional().describe('Only this guest (shows its node)'),
    fields: z
      .array(
        z
          .string()
          .regex(/^[a-z][a-z0-9_-]*$/i)
          .max(40),
      )
      .max(40)
      .optional()
      .describe('Only these fields per row, e.g. ["vmid","name","status"] (more rows fit a page)'),
    offset: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .default(0)
      .describe('Rows to skip (the answer names the next offset)'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_ROWS)
      .optional()
      .describe(
        `Rows per page (max ${MAX_ROWS}; default up to ${DEFAULT_ROWS} within 20 KB; with a limit up to 48 KB, then cut at a named next offset)`,
      ),
  },
  output: z.object({
    total: z.number(),
    offset: z.number(),
    next_offset: z.number().optional(),
    truncated: z.boolean(),
    counts: countMap,
    by_status: countMap,
    by_node: z.record(z.string(), countMap),
    by_pool: countMap,
    by_tag: countMap,
    by_cluster: countMap.optional(),
    templates: z.number(),
    omitted: countMap.optional(),
    resources: z.array(z.record(z.string(), z.unknown())),
    failed: z.array(z.object({ cluster: z.string(), error: z.string() })),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  cluster: 'multi',
  async handler(args, ctx) {
    const apiType = args.type ? API_TYPE[args.type] : undefined;
    const { results, failures } = await forEachCluster(ctx, (c) =>
      c.client.request<Resource[]>('GET', '/cluster/resources', apiType ? { type: apiType } : {}, {
        signal: ctx.signal,
        context: ctx.requestContext,
      }),
    );
    const multi = ctx.clusters.length > 1;
    const filter = {
      type: args.type,
      node: args.node,
      status: args.status,
      pool: args.pool,
      tag: args.tag,
      name: args.name,
      vmid: args.vmid,
    };
    const matches = matcher(filter);
    const all: Resource[] = [];
    for (const { cluster, value } of results) {
      for (const r of Array.isArray(value) ? (value as unknown[]) : []) {
        if (!r || typeof r !== 'object') continue; // junk in a list is skipped, not fatal
        const row = multi ? { ...(r as Resource), cluster } : (r as Resource);
        if (matches(row)) all.push(row);
      }
    }
    const sorted = sortResources(
      all,
      results.map((r) => r.cluster),
    );
    const fields = [
      ...new Set([...(multi ? ['cluster'] : []), ...(args.fields?.length ? args.fields : DEFAULT_FIELDS)]),
    ];
    const page = sorted
      .slice(args.offset, args.offset + (args.limit ?? DEFAULT_ROWS))
      .map((r) => project(r, fields));
    const where = multi ? `${results.length} clusters` : `cluster "${ctx.cluster.name}"`;
    const filterText = describeFilter(filter);
    const fits =
      args.limit === undefined
        ? (a: Composed) => a.textBytes + a.structuredBytes <= DEFAULT_ANSWER_BUDGET
        : (a: Composed) => a.textBytes <= RAW_TEXT_BUDGET && a.structuredBytes <= RAW_TEXT_BUDGET;
    const answerWith = (maxBreakdown: number) => {
      const totals = totalsOf(sorted, multi, maxBreakdown);
      const compose = composer({
        total: sorted.length,
        offset: args.offset,
        totals,
        head:
          sorted.length === 0
            ? `No resources match${filterText} on ${where}.${filterText ? ' Check the filter values (list_nodes names the nodes).' : ''}${looksLikeAddress(args.name) ? ADDRESS_HINT : ''} An under-privileged token also sees an empty list: it needs VM.Audit / Sys.Audit / Datastore.Audit.`
            : renderTotals(sorted.length, totals, filterText, where),
        failures,
        targets: ctx.clusters.length,
        multi,
        fields: args.fields?.length ? fields : undefined,
      });
      return largestFitting(page, compose, fits);
    };
    let answer = answerWith(MAX_BREAKDOWN);
    // Very long node, pool or tag names can make the totals alone outgrow the budget: list fewer of
    // each (the rest is counted in "omitted") rather than send more than promised.
    for (const cap of [10, 3]) {
      if (fits(answer)) break;
      answer = answerWith(cap);
    }
    const { structured, text } = answer;
    return { structured, text };
  },
});

function project(r: Resource, fields: string[]): Resource {
  const out: Resource = {};
  for (const f of fields) if (Object.hasOwn(r, f) && r[f] !== undefined && r[f] !== '') out[f] = r[f];
  return out;
}

interface Composed {
  structured: Record<string, unknown>;
  text: string;
  textBytes: number;
  structuredBytes: number;
}

type Compose = (rows: Resource[], cutForSize: boolean) => Composed;

/** Builds the whole answer for a slice of the page, so its size can be measured exactly. */
function composer(o: {
  total: number;
  offset: number;
  totals: Totals;
  /** The totals block, or why nothing matched. */
  head: string;
  failures: ClusterFailure[];
  /** How many clusters were asked (to say "2 of 3 failed"). */
  targets: number;
  multi: boolean;
  fields?: string[];
}): Compose {
  return (rows, cutForSize) => {
    const end = o.offset + rows.length;
    const next = rows.length > 0 && end < o.total ? end : undefined;
    const structured = {
      total: o.total,
      offset: o.offset,
      ...(next !== undefined ? { next_offset: next } : {}),
      truncated: next !== undefined,
      ...o.totals,
      resources: rows,
      failed: o.failures,
    };
    const paging = renderPaging(
      { offset: o.offset, shown: rows.length, total: o.total, cutForSize, maxLimit: MAX_ROWS },
      o.totals,
    );
    const text =
      failuresLead(o.failures, o.targets) +
      [o.head, renderRows(rows, o.multi, o.fields), paging].filter(Boolean).join('\n\n') +
      failuresText(o.failures);
    return {
      structured,
      text,
      textBytes: Buffer.byteLength(text),
      structuredBytes: Buffer.byteLength(JSON.stringify(structured)),
    };
  };
}

/**
 * The most rows of `page` whose answer fits, found by bisection (sizes grow with rows). At least one
 * row is kept when there is one, so paging always moves on.
 */
function largestFitting(page: Resource[], compose: Compose, fits: (a: Composed) => boolean): Composed {
  const whole = compose(page, false);
  if (page.length <= 1 || fits(whole)) return whole;
  let lo = 1;
  let hi = page.length - 1;
  let best = compose(page.slice(0, 1), true);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const a = compose(page.slice(0, mid), true);
    if (fits(a)) {
      lo = mid;
      best = a;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * /cluster/resources carries no addresses, so a name filter given an IP finds nothing: say where addresses
 * are, instead of letting the assistant conclude the guest does not exist.
 */
const ADDRESS_HINT =
  ' Names are not addresses: /cluster/resources has none. get_guest shows a guest\'s IPs (its guest agent for a VM, the container itself for LXC); list the running guests (status "running") and ask them.';

function looksLikeAddress(name: string | undefined): boolean {
  return (
    name !== undefined &&
    (/^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d+)?$/.test(name) || /^[0-9a-f]*:[0-9a-f:]+$/i.test(name))
  );
}
