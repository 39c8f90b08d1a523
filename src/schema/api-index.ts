import { resolveApiPath } from '../proxmox/api-path.js';
import { closestTemplates } from './path-similarity.js';
import { HTTP_METHODS, type ApiMethodInfo, type ApiTreeNode, type HttpMethod } from './types.js';

export interface Endpoint {
  template: string;
  method: HttpMethod;
  info: ApiMethodInfo;
}

export interface PathMatch {
  /** The schema path, e.g. `/nodes/{node}/qemu/{vmid}/snapshot`. */
  template: string;
  /** Values bound from the concrete path, percent-decoded: `{ node: 'pve1', vmid: '100' }`. */
  pathParams: Record<string, string>;
  /** Template variables the caller left as `{name}` placeholders (describe works, a call would not). */
  unbound: string[];
}

interface TrieNode {
  literals: Map<string, TrieNode>;
  variable?: { name: string; node: TrieNode };
  template?: string;
}

const isVariable = (segment: string): boolean => /^\{[^{}]+\}$/.test(segment);

/** Splits a path the way a model might write it: tolerates `/api2/json`, missing or doubled slashes. */
export function splitPath(path: string): string[] {
  const segments = path
    .split('?')[0]!
    .split('/')
    .filter((s) => s !== '');
  if (segments[0] === 'api2' && segments[1] === 'json') segments.splice(0, 2);
  return segments;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The segments a concrete path is looked up by: those PVE routes on (proxmox/api-path.ts), so a volume
 * id written with plain or escaped slashes binds `{volume}` whole. A path the client would refuse
 * anyway (e.g. with "?") is still looked up by its plain split, for describe and "did you mean".
 */
function lookupSegments(path: string): string[] {
  try {
    return [...resolveApiPath(path).segments];
  } catch {
    return splitPath(path).map(decodeSegment);
  }
}

/**
 * Every path and method of one PVE API schema, indexed for lookup. Built once per cluster and
 * version; read-only afterwards.
 */
export class ApiIndex {
  readonly endpoints: readonly Endpoint[];
  /** All tree paths, including the few that only group children and have no methods. */
  readonly templates: readonly string[];
  readonly pathCount: number;
  readonly methodCount: number;
  /** PVE version the schema came from (`9.2.11`), when the loader knew it. */
  readonly version: string | undefined;

  private readonly root: TrieNode = { literals: new Map() };
  private readonly byTemplate = new Map<string, Partial<Record<HttpMethod, ApiMethodInfo>>>();

  constructor(tree: readonly ApiTreeNode[], meta: { version?: string } = {}) {
    this.version = meta.version;
    const endpoints: Endpoint[] = [];
    const visit = (node: ApiTreeNode): void => {
      const template = '/' + splitPath(node.path).join('/');
      this.insert(template);
      const methods = this.byTemplate.get(template) ?? {};
      for (const method of HTTP_METHODS) {
        const info = node.info?.[method];
        if (info && typeof info === 'object' && !methods[method]) {
          methods[method] = info;
          endpoints.push({ template, method, info });
        }
      }
      this.byTemplate.set(template, methods);
      for (const child of node.children ?? []) visit(child);
    };
    for (const node of tree) visit(node);
    this.endpoints = endpoints;
    this.templates = [...this.byTemplate.keys()];
    this.pathCount = [...this.byTemplate.values()].filter((m) => Object.keys(m).length > 0).length;
    this.methodCount = endpoints.length;
  }

  /**
   * Resolves a concrete path (or a template, or a mix) to its schema path. Literal segments win. Adds
   * precision (names, types) only: policies never depend on it.
   */
  match(path: string): PathMatch | undefined {
    const segments = lookupSegments(path);
    const walk = (node: TrieNode, i: number): PathMatch | undefined => {
      if (i === segments.length) {
        return node.template ? { template: node.template, pathParams: {}, unbound: [] } : undefined;
      }
      const segment = segments[i]!;
      const literal = node.literals.get(segment);
      const viaLiteral = literal && walk(literal, i + 1);
      if (viaLiteral) return viaLiteral;
      if (!node.variable) return undefined;
      const rest = walk(node.variable.node, i + 1);
      if (!rest) return undefined;
      const name = node.variable.name;
      if (isVariable(segment)) rest.unbound.unshift(name);
      else rest.pathParams = { [name]: segment, ...rest.pathParams };
      return rest;
    };
    return walk(this.root, 0);
  }

  has(template: string): boolean {
    return this.byTemplate.has(template);
  }

  methodsOf(template: string): HttpMethod[] {
    const methods = this.byTemplate.get(template) ?? {};
    return HTTP_METHODS.filter((m) => methods[m] !== undefined);
  }

  method(template: string, method: string): ApiMethodInfo | undefined {
    return this.byTemplate.get(template)?.[method.toUpperCase() as HttpMethod];
  }

  /** The nearest paths below `template` (one level, skipping intermediate path-less segments). */
  childrenOf(template: string): string[] {
    let node: TrieNode | undefined = this.root;
    for (const segment of splitPath(template)) {
      node = isVariable(segment) ? node.variable?.node : node.literals.get(segment);
      if (!node) return [];
    }
    const out: string[] = [];
    const collect = (n: TrieNode): void => {
      const kids = [...n.literals.values(), ...(n.variable ? [n.variable.node] : [])];
      for (const kid of kids) {
        if (kid.template) out.push(kid.template);
        else collect(kid);
      }
    };
    collect(node);
    return out;
  }

  /** Paths that look most like `path`, for "did you mean" answers to a 501. */
  closestPaths(path: string, n = 5): string[] {
    const withMethods = this.templates.filter((t) => this.methodsOf(t).length > 0);
    return closestTemplates(lookupSegments(path), withMethods, n);
  }

  private insert(template: string): void {
    let node = this.root;
    for (const segment of splitPath(template)) {
      if (isVariable(segment)) {
        // PVE's RESTHandler allows one `{var}` child per directory; the first name wins if a
        // schema ever disagreed with itself.
        node.variable ??= { name: segment.slice(1, -1), node: { literals: new Map() } };
        node = node.variable.node;
      } else {
        let next = node.literals.get(segment);
        if (!next) node.literals.set(segment, (next = { literals: new Map() }));
        node = next;
      }
    }
    node.template = template;
  }
}
