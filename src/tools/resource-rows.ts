/**
 * The row logic of get_cluster_resources, kept apart from rendering: which /cluster/resources rows match
 * the filters, the one stable order pages are cut from, and the totals that describe the whole matching
 * set (not just the page shown).
 */
export type Resource = Record<string, unknown> & {
  cluster?: string;
  id?: string;
  type?: string;
  status?: string;
  node?: string;
  vmid?: number;
  name?: string;
  pool?: string;
  tags?: string;
};

export interface ResourceFilter {
  /** 'vm' means qemu and lxc. */
  type?: string;
  node?: string;
  status?: string;
  pool?: string;
  tag?: string;
  /** Case-insensitive part of the name. */
  name?: string;
  vmid?: number;
}

const isGuest = (r: Resource): boolean => r.type === 'qemu' || r.type === 'lxc';

/** PVE separates tags with ';' (older versions also wrote ',' or spaces). */
export function tagsOf(r: Resource): string[] {
  return typeof r.tags === 'string' && r.tags !== '' ? r.tags.split(/[;, ]+/).filter(Boolean) : [];
}

/** What a `name` search looks at: the guest's name, or the node, storage, pool or zone id. */
function nameOf(r: Resource): string {
  const v = r.name ?? r.storage ?? r.pool ?? r.sdn ?? r.network ?? r.node;
  return typeof v === 'string' ? v : '';
}

export function matcher(f: ResourceFilter): (r: Resource) => boolean {
  const tag = f.tag?.toLowerCase();
  const name = f.name?.toLowerCase();
  return (r) =>
    (!f.type || (f.type === 'vm' ? isGuest(r) : r.type === f.type)) &&
    (!f.node || r.node === f.node) &&
    (!f.status || r.status === f.status) &&
    // A pool's own entry carries its name in `pool` too, so it stays with its members.
    (!f.pool || r.pool === f.pool) &&
    (!tag || tagsOf(r).some((t) => t.toLowerCase() === tag)) &&
    (!name || nameOf(r).toLowerCase().includes(name)) &&
    // Before PVE 8.1 containers' vmid came as a string.
    (f.vmid === undefined || Number(r.vmid) === f.vmid);
}

/** Nodes first (the frame), then guests by VMID as PVE's tree lists them, then the rest. */
const TYPE_RANK = new Map([
  ['node', 0],
  ['qemu', 1],
  ['lxc', 1],
  ['storage', 2],
  ['pool', 3],
  ['sdn', 4],
  ['network', 5],
]);

/**
 * One total order, so offset paging visits every row exactly once: cluster (in the order given),
 * type rank, VMID, id. Ids are unique within a cluster.
 */
export function sortResources(rows: Resource[], clusterOrder: readonly string[]): Resource[] {
  const clusterRank = new Map(clusterOrder.map((c, i) => [c, i]));
  const keyed = rows.map((r) => {
    const rank = TYPE_RANK.get(String(r.type));
    return {
      r,
      c: clusterRank.get(r.cluster ?? '') ?? 0,
      t: rank ?? 9,
      // Types this version does not know sort after the known ones, by name.
      tn: rank === undefined ? String(r.type) : '',
      v: typeof r.vmid === 'number' ? r.vmid : Number(r.vmid ?? 0) || 0,
      id: String(r.id ?? ''),
    };
  });
  keyed.sort((a, b) => a.c - b.c || a.t - b.t || cmp(a.tn, b.tn) || a.v - b.v || cmp(a.id, b.id));
  return keyed.map((x) => x.r);
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries shown per breakdown; the rest are summed up so the answer stays small at any size. */
export const MAX_BREAKDOWN = 40;

export interface Totals {
  /** Rows per type, and per "type:status" (e.g. "qemu:running"). */
  counts: Record<string, number>;
  by_status: Record<string, number>;
  /** Per node ("cluster/node" across clusters): rows per type. */
  by_node: Record<string, Record<string, number>>;
  /** Guests per pool. */
  by_pool: Record<string, number>;
  /** Rows per tag, the most used first (at most MAX_BREAKDOWN). */
  by_tag: Record<string, number>;
  /** Present across clusters: rows per cluster. */
  by_cluster?: Record<string, number>;
  templates: number;
  /** How many nodes, pools or tags the breakdowns above left out (present only when some were). */
  omitted?: { nodes?: number; pools?: number; tags?: number };
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Keeps the `max` largest entries (ties by name); returns them and how many were dropped. */
function top(map: Map<string, number>, max: number): [Record<string, number>, number] {
  const sorted = [...map].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
  return [Object.fromEntries(sorted.slice(0, max)), Math.max(0, sorted.length - max)];
}

export function totalsOf(rows: readonly Resource[], multi: boolean, maxBreakdown = MAX_BREAKDOWN): Totals {
  const counts = new Map<string, number>();
  const status = new Map<string, number>();
  const nodes = new Map<string, Map<string, number>>();
  const pools = new Map<string, number>();
  const tags = new Map<string, number>();
  const clusters = new Map<string, number>();
  let templates = 0;
  for (const r of rows) {
    const t = String(r.type ?? 'unknown');
    bump(counts, t);
    if (r.status !== undefined) {
      bump(counts, `${t}:${String(r.status)}`);
      bump(status, String(r.status));
    }
    if (typeof r.node === 'string') {
      const key = multi ? `${String(r.cluster)}/${r.node}` : r.node;
      let perType = nodes.get(key);
      if (!perType) nodes.set(key, (perType = new Map()));
      bump(perType, t);
    }
    if (typeof r.pool === 'string' && t !== 'pool') bump(pools, r.pool);
    for (const tag of tagsOf(r)) bump(tags, tag);
    if (multi) bump(clusters, String(r.cluster));
    if (r.template === 1 || r.template === true) templates++;
  }
  const nodeKeys = [...nodes.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const by_node = Object.fromEntries(
    nodeKeys.slice(0, maxBreakdown).map((k) => [k, Object.fromEntries(nodes.get(k)!)]),
  );
  const [by_pool, poolsLeft] = top(pools, maxBreakdown);
  const [by_tag, tagsLeft] = top(tags, maxBreakdown);
  const omitted = {
    ...(nodeKeys.length > maxBreakdown ? { nodes: nodeKeys.length - maxBreakdown } : {}),
    ...(poolsLeft ? { pools: poolsLeft } : {}),
    ...(tagsLeft ? { tags: tagsLeft } : {}),
  };
  return {
    counts: Object.fromEntries(counts),
    by_status: Object.fromEntries(status),
    by_node,
    by_pool,
    by_tag,
    ...(multi ? { by_cluster: Object.fromEntries(clusters) } : {}),
    templates,
    ...(Object.keys(omitted).length ? { omitted } : {}),
  };
}
