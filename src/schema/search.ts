import type { ApiIndex, Endpoint } from './api-index.js';
import { oneLine } from './text.js';
import type { HttpMethod } from './types.js';

// Keyword search over the schema for "which endpoint does X?". Deliberately simple and
// predictable: each query word becomes a concept (the word plus its synonyms in PVE's vocabulary),
// concepts score by where they hit (path segment > method name > description), and endpoints are
// ranked by how many concepts they cover first, then by score (shorter paths win ties), then by
// schema order (which lists qemu before lxc).

export interface SearchHit {
  method: HttpMethod;
  template: string;
  summary: string;
}

interface Doc {
  endpoint: Endpoint;
  order: number;
  lastSegment: Set<string>;
  segments: Set<string>;
  vars: Set<string>;
  name: Set<string>;
  description: Set<string>;
  depth: number;
}

interface Concept {
  terms: string[];
  method?: HttpMethod;
}

const STOPWORDS = new Set([
  ...'a an the to of for on in into at by from with and or my all me i is are be it its this that'.split(' '),
  ...'do does how can what which another other some'.split(' '),
]);

// Query word → the terms PVE uses for it (stems), and an implied HTTP method.
const SYNONYMS: Record<string, Concept> = {
  // Method names say `vm` for containers too (vm_start, migrate_vm); only the path tells them apart.
  vm: { terms: ['qemu'] },
  kvm: { terms: ['qemu'] },
  virtual: { terms: ['qemu'] },
  machine: { terms: ['qemu', 'machine'] },
  guest: { terms: ['qemu', 'lxc', 'guest', 'vm'] },
  container: { terms: ['lxc', 'container'] },
  ct: { terms: ['lxc', 'container'] },
  snap: { terms: ['snapshot'] },
  delete: { terms: ['delete', 'destroy', 'remove'], method: 'DELETE' },
  remove: { terms: ['delete', 'destroy', 'remove'], method: 'DELETE' },
  destroy: { terms: ['delete', 'destroy', 'remove'], method: 'DELETE' },
  del: { terms: ['delete', 'destroy', 'remove'], method: 'DELETE' },
  rm: { terms: ['delete', 'destroy', 'remove'], method: 'DELETE' },
  boot: { terms: ['start'] },
  power: { terms: ['start', 'stop', 'shutdown', 'reboot', 'status'] },
  poweroff: { terms: ['stop', 'shutdown'] },
  halt: { terms: ['stop', 'shutdown'] },
  kill: { terms: ['stop'] },
  restart: { terms: ['reboot', 'restart'] },
  reboot: { terms: ['reboot', 'restart'] },
  revert: { terms: ['rollback'] },
  fw: { terms: ['firewall'] },
  list: { terms: ['index', 'list'], method: 'GET' },
  show: { terms: ['read', 'get'], method: 'GET' },
  get: { terms: ['get', 'read'], method: 'GET' },
  view: { terms: ['read', 'get'], method: 'GET' },
  create: { terms: ['create', 'new'], method: 'POST' },
  new: { terms: ['create', 'new'], method: 'POST' },
  add: { terms: ['create', 'add'], method: 'POST' },
  make: { terms: ['create'], method: 'POST' },
  update: { terms: ['update', 'set', 'config'], method: 'PUT' },
  modify: { terms: ['update', 'set', 'config', 'modify'], method: 'PUT' },
  change: { terms: ['update', 'set', 'config', 'change'], method: 'PUT' },
  edit: { terms: ['update', 'set', 'config'], method: 'PUT' },
  configure: { terms: ['config', 'update', 'set'] },
  configuration: { terms: ['config'] },
  setting: { terms: ['config', 'option'] },
  host: { terms: ['node', 'host'] },
  server: { terms: ['node'] },
  datastore: { terms: ['storage'] },
  volume: { terms: ['disk', 'volume'] },
  disk: { terms: ['disk', 'volume'] },
  backup: { terms: ['vzdump', 'backup'] },
  dump: { terms: ['vzdump'] },
  job: { terms: ['job', 'task', 'replication'] },
  copy: { terms: ['clone', 'copy'] },
  duplicate: { terms: ['clone'] },
  move: { terms: ['move', 'migrate'] },
  migration: { terms: ['migrate'] },
  console: { terms: ['vncproxy', 'termproxy', 'spiceproxy', 'console'] },
  vnc: { terms: ['vncproxy', 'vncwebsocket', 'vnc'] },
  terminal: { terms: ['termproxy', 'terminal'] },
  shell: { terms: ['termproxy', 'shell'] },
  account: { terms: ['user'] },
  permission: { terms: ['acl', 'permission'] },
  interface: { terms: ['network', 'interface', 'iface'] },
  nic: { terms: ['network', 'net'] },
  ip: { terms: ['network', 'ip', 'interface'] },
  grow: { terms: ['resize'] },
  extend: { terms: ['resize'] },
  state: { terms: ['status'] },
  iso: { terms: ['content', 'upload', 'iso'] },
  image: { terms: ['content', 'upload', 'image'] },
};

// "roll back" and friends are one concept, not two words.
const PHRASES: Array<[RegExp, string]> = [
  [/\broll\s*back\b/g, 'rollback'],
  [/\bpower\s+on\b/g, 'start'],
  [/\bpower\s+off\b/g, 'poweroff'],
  [/\bshut\s+down\b/g, 'shutdown'],
  [/\bcloud[\s-]init\b/g, 'cloudinit'],
];

export function stem(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
    .map(stem);

/** A path segment or method name plus its `-`/`_` parts: `move_disk` → move_disk, move, disk. */
const parts = (token: string): string[] => [stem(token), ...words(token)];

function buildDocs(index: ApiIndex): Doc[] {
  return index.endpoints.map((endpoint, order) => {
    const segs = endpoint.template.split('/').filter((s) => s !== '');
    const literals = segs.filter((s) => !s.startsWith('{'));
    const last = literals[literals.length - 1];
    return {
      endpoint,
      order,
      lastSegment: new Set(last ? parts(last) : []),
      segments: new Set(literals.flatMap(parts)),
      vars: new Set(segs.filter((s) => s.startsWith('{')).flatMap((s) => parts(s.slice(1, -1)))),
      name: new Set(parts(endpoint.info.name ?? '')),
      description: new Set(words(oneLine(endpoint.info.description, 300))),
      depth: segs.length,
    };
  });
}

const cache = new WeakMap<ApiIndex, Doc[]>();

function parseQuery(query: string): Concept[] {
  let q = query.toLowerCase();
  for (const [re, replacement] of PHRASES) q = q.replace(re, replacement);
  return q
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !STOPWORDS.has(w))
    .map((w) => synonym(w) ?? synonym(stem(w)) ?? synonym(w.replace(/s$/, '')) ?? { terms: [stem(w)] });
}

/** Own entries only: a query word such as "constructor" must not find Object.prototype's. */
const synonym = (word: string): Concept | undefined =>
  Object.hasOwn(SYNONYMS, word) ? SYNONYMS[word] : undefined;

function scoreConcept(doc: Doc, concept: Concept): number {
  let best = 0;
  for (const t of concept.terms) {
    // Method names glue words together (`vmlist`, `nextid`): a long enough suffix counts.
    const inName = doc.name.has(t) || (t.length >= 4 && [...doc.name].some((n) => n.endsWith(t)));
    const inPath = doc.lastSegment.has(t) ? 6 : doc.segments.has(t) ? 4 : 0;
    let score = inPath || (inName ? 3 : doc.description.has(t) ? 1 : doc.vars.has(t) ? 0.5 : 0);
    if (inPath && inName) score += 1; // named after it and found under it: the endpoint for it
    best = Math.max(best, score);
  }
  if (concept.method) {
    // Verbs ("list", "delete") are mostly about the HTTP method; their words in paths (`/list`,
    // method name `index`) are weak evidence, or "list nodes" would prefer /nodes/{node}/disks/list.
    best /= 2;
    if (doc.endpoint.method === concept.method) best += 2;
  }
  return best;
}

/** The best few endpoints for a free-text query such as "rollback snapshot" or "vm firewall rules". */
export function searchEndpoints(index: ApiIndex, query: string, limit = 8): SearchHit[] {
  const concepts = parseQuery(query);
  if (concepts.length === 0) return [];
  let docs = cache.get(index);
  if (!docs) cache.set(index, (docs = buildDocs(index)));
  return docs
    .map((doc) => {
      const scores = concepts.map((c) => scoreConcept(doc, c));
      return {
        doc,
        // A hit in the path or method name covers a concept; a description-only hit half covers it.
        coverage: scores.reduce((n, s) => n + (s >= 3 ? 1 : s >= 1 ? 0.5 : 0), 0),
        // Deeper paths match more words by accident (`/nodes/{node}/disks/list` for "list nodes").
        score: scores.reduce((a, b) => a + b, 0) - 0.5 * doc.depth,
      };
    })
    .filter((r) => r.coverage > 0)
    .sort((a, b) => b.coverage - a.coverage || b.score - a.score || a.doc.order - b.doc.order)
    .slice(0, Math.max(0, limit))
    .map(({ doc }) => ({
      method: doc.endpoint.method,
      template: doc.endpoint.template,
      summary: oneLine(doc.endpoint.info.description, 100),
    }));
}
