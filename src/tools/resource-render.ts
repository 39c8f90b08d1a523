import { formatDuration, formatPercent, plural, table, usage } from './format.js';
import type { Resource, ResourceFilter, Totals } from './resource-rows.js';

/**
 * The text half of get_cluster_resources: totals over the whole matching set, the page of rows as
 * compact tables, and what to call next (the following page, or a filter) when rows were left out.
 */

/** PVE's type names read oddly in plural ("3 qemus"); say what they are, keeping the type name. */
const TYPE_LABELS: Record<string, [string, string]> = {
  qemu: ['VM (qemu)', 'VMs (qemu)'],
  lxc: ['container (lxc)', 'containers (lxc)'],
  storage: ['storage entry', 'storage entries (one per node)'],
  sdn: ['SDN zone entry', 'SDN zone entries'],
  network: ['network entry', 'network entries'],
};

function countLabel(n: number, type: string): string {
  const label = Object.hasOwn(TYPE_LABELS, type) ? TYPE_LABELS[type] : undefined;
  return label ? `${n} ${n === 1 ? label[0] : label[1]}` : plural(n, type);
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

const list = (o: Record<string, number>): string =>
  Object.entries(o)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

export function describeFilter(f: ResourceFilter): string {
  const parts = Object.entries(f)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k} ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  return parts.length ? ` ${parts.join(', ')}` : '';
}

/** The totals block: by type (with statuses), by status, pools, tags and the per-node table. */
export function renderTotals(total: number, t: Totals, filterText: string, where: string): string {
  const byType = Object.entries(t.counts)
    .filter(([k]) => !k.includes(':'))
    .map(([type, n]) => {
      const states = Object.entries(t.counts)
        .filter(([k]) => k.startsWith(`${type}:`))
        .map(([k, c]) => `${c} ${k.slice(type.length + 1)}`)
        .join(', ');
      return `${countLabel(n, type)}${states ? ` (${states})` : ''}`;
    })
    .join('; ');
  const lines = [`${plural(total, 'resource')} match${filterText} on ${where}: ${byType}.`];
  const status = list(t.by_status);
  if (status) lines.push(`By status: ${status}.${t.templates ? ` Templates: ${t.templates}.` : ''}`);
  if (t.by_cluster) lines.push(`By cluster: ${list(t.by_cluster)}.`);
  const pools = list(t.by_pool);
  if (pools) lines.push(`By pool: ${pools}${more(t.omitted?.pools, 'pool')}.`);
  const tags = list(t.by_tag);
  if (tags) lines.push(`By tag: ${tags}${more(t.omitted?.tags, 'tag')}.`);
  const perNode = nodeTable(t);
  if (perNode) lines.push(`Per node:\n${perNode}${more(t.omitted?.nodes, 'node')}`);
  return lines.join('\n');
}

function more(n: number | undefined, what: string): string {
  return n ? ` (and ${plural(n, `other ${what}`)})` : '';
}

/** One line per node, a column per type found (a node's own row is implied by the line). */
function nodeTable(t: Totals): string {
  const nodes = Object.entries(t.by_node);
  const types = [...new Set(nodes.flatMap(([, perType]) => Object.keys(perType)))].filter(
    (x) => x !== 'node',
  );
  if (!nodes.length || !types.length) return '';
  return table(
    ['node', ...types],
    nodes.map(([node, perType]) => [node, ...types.map((x) => (Object.hasOwn(perType, x) ? perType[x] : 0))]),
  );
}

/** The page: one table per kind of row, or exactly the requested fields. */
export function renderRows(rows: readonly Resource[], multi: boolean, fields?: string[]): string {
  if (!rows.length) return '';
  if (fields)
    return table(
      fields,
      rows.map((r) => fields.map((f) => str(r[f]))),
    );
  const c = multi ? ['cluster'] : [];
  const cl = (r: Resource) => (multi ? [str(r.cluster)] : []);
  const parts: string[] = [];
  const nodes = rows.filter((r) => r.type === 'node');
  if (nodes.length) {
    parts.push(
      table(
        [...c, 'node', 'status', 'cpu', 'mem', 'disk'],
        nodes.map((r) => [
          ...cl(r),
          str(r.node),
          str(r.status),
          r.cpu !== undefined ? formatPercent(r.cpu) : '',
          usage(r.mem, r.maxmem),
          usage(r.disk, r.maxdisk),
        ]),
      ),
    );
  }
  const guests = rows.filter((r) => r.type === 'qemu' || r.type === 'lxc');
  if (guests.length) {
    parts.push(
      table(
        [...c, 'vmid', 'name', 'type', 'node', 'status', 'cpu', 'mem', 'uptime', 'pool', 'tags'],
        guests.map((r) => [
          ...cl(r),
          str(r.vmid),
          str(r.name) + (r.template ? ' (template)' : '') + (r.lock ? ` (lock: ${str(r.lock)})` : ''),
          str(r.type),
          str(r.node),
          str(r.status),
          r.cpu !== undefined ? formatPercent(r.cpu) : '',
          usage(r.mem, r.maxmem),
          formatDuration(r.uptime),
          str(r.pool),
          str(r.tags),
        ]),
      ),
    );
  }
  const storage = rows.filter((r) => r.type === 'storage');
  if (storage.length) {
    parts.push(
      table(
        [...c, 'storage', 'node', 'type', 'status', 'used', 'shared'],
        storage.map((r) => [
          ...cl(r),
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
  const other = rows.filter((r) => !['qemu', 'lxc', 'node', 'storage'].includes(String(r.type)));
  if (other.length) {
    parts.push(
      other
        .map(
          (r) =>
            `${multi ? `${str(r.cluster)} ` : ''}${str(r.type)} ${str(r.id)}${r.status ? ` (${str(r.status)})` : ''}`,
        )
        .join('\n'),
    );
  }
  return parts.join('\n\n');
}

export interface PageFacts {
  offset: number;
  shown: number;
  total: number;
  /** The page was cut below the rows asked for to stay within the size budget. */
  cutForSize: boolean;
  maxLimit: number;
}

/** Where this page sits, and how to reach the rest: the next offset, a filter, or bigger pages. */
export function renderPaging(p: PageFacts, t: Totals): string {
  const end = p.offset + p.shown;
  if (p.total === 0) return '';
  if (p.shown === 0)
    return `offset ${p.offset} is past the last row (${p.total} match); use an offset below ${p.total}.`;
  if (p.offset === 0 && end >= p.total) return '';
  const lines = [
    `Rows ${p.offset + 1}-${end} of ${p.total}${p.cutForSize ? ' (cut to keep the answer small)' : ''}.`,
  ];
  if (end < p.total) {
    lines.push(
      `Next page: the same call with offset ${end}. The order is fixed (nodes, then guests by VMID, storage, pools, SDN), so successive offsets reach all ${p.total} rows, each once, as long as the inventory does not change meanwhile (if "total" changes between pages, start again at offset 0${t.by_cluster ? ', or page one cluster at a time' : ''}).`,
    );
    const examples = (o: Record<string, unknown>, n: number) =>
      Object.keys(o)
        .slice(0, n)
        .map((k) => JSON.stringify(k.includes('/') ? k.slice(k.indexOf('/') + 1) : k))
        .join(', ');
    const nodes = examples(t.by_node, 3);
    const pools = examples(t.by_pool, 3);
    const tags = examples(t.by_tag, 3);
    const statuses = examples(t.by_status, 3);
    lines.push(
      'Or narrow (the totals above say how many each keeps): type ("vm", "qemu", "lxc", "node", "storage", "pool")' +
        (nodes ? `, node (${nodes}…)` : '') +
        (statuses ? `, status (${statuses})` : '') +
        (pools ? `, pool (${pools}…)` : '') +
        (tags ? `, tag (${tags}…)` : '') +
        ', name (part of a name), vmid.',
      `For more rows per call: limit (up to ${p.maxLimit}) with fields, e.g. fields ["vmid","name","node","status"].`,
    );
  }
  return lines.join('\n');
}
