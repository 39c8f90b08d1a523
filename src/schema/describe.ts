import type { ApiIndex } from './api-index.js';
import { renderPermissions } from './permissions.js';
import { describePropertyKeys } from './property-string.js';
import { returnsTask, summarizeReturns } from './returns.js';
import { oneLine, truncate } from './text.js';
import { perlTrue, type ApiMethodInfo, type HttpMethod, type PropertySchema } from './types.js';
import { INDEX_LIMITS } from './validate.js';

// What `proxmox_api_describe` answers: one path's methods with their parameters, permissions and
// whether they start a task — compact enough to read in one go, structured enough to act on.

export interface ParamDoc {
  name: string;
  type: string;
  required: boolean;
  description: string;
  enum?: Array<string | number>;
  default?: unknown;
  /** A named format (`pve-node`), or 'property-string' for `k=v,…` values (see `keys`). */
  format?: string;
  /** Property-string keys; the default key may be given without `key=`. */
  keys?: string[];
  /** PVE's own syntax line for property strings, e.g. `[model=]<enum> [,bridge=<bridge>]…`. */
  typetext?: string;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** For collapsed `net[n]`-style names: the valid index range, when known. */
  indexRange?: [number, number];
}

export interface MethodDoc {
  method: HttpMethod;
  name: string;
  summary: string;
  parameters: ParamDoc[];
  permissions: string;
  returnsTask: boolean;
  returns: string;
  proxyto?: string;
  /** 0 in the schema: API tokens are refused (403) for this method. */
  allowtoken: boolean;
}

export interface DescribeResult {
  found: true;
  template: string;
  pathParams: Record<string, string>;
  /** Template variables left as `{name}` in the request. */
  unbound: string[];
  methods: MethodDoc[];
  /** Set when a method was asked for that this path does not have. */
  missingMethod?: string;
  availableMethods: HttpMethod[];
  /** Sub-paths, for navigating the tree (and the whole answer when the path has no methods). */
  children: string[];
}

export interface DescribeMiss {
  found: false;
  path: string;
  suggestions: string[];
}

const num = (v: unknown): number | undefined => (v === undefined || v === '' ? undefined : Number(v));

export function describeParam(name: string, schema: PropertySchema): ParamDoc {
  const doc: ParamDoc = {
    name,
    type: Array.isArray(schema.type) ? schema.type.join('|') : (schema.type ?? 'any'),
    required: !perlTrue(schema.optional),
    description: oneLine(schema.description ?? schema.title ?? schema.verbose_description),
  };
  if (Array.isArray(schema.enum)) doc.enum = schema.enum;
  if (schema.default !== undefined && schema.default !== null) doc.default = schema.default;
  if (typeof schema.format === 'string') doc.format = schema.format;
  else if (schema.format && typeof schema.format === 'object') {
    doc.format = 'property-string';
    doc.keys = describePropertyKeys(schema.format);
    if (schema.typetext) doc.typetext = truncate(schema.typetext, 240);
  }
  if (schema.minimum !== undefined) doc.min = num(schema.minimum);
  if (schema.maximum !== undefined) doc.max = num(schema.maximum);
  if (schema.minLength !== undefined) doc.minLength = schema.minLength;
  if (schema.maxLength !== undefined) doc.maxLength = schema.maxLength;
  if (schema.pattern) doc.pattern = schema.pattern;
  const indexed = /^(.*)\[n\]$/.exec(name);
  if (indexed) {
    doc.required = false;
    const limit = INDEX_LIMITS[indexed[1]!];
    if (limit !== undefined) doc.indexRange = [0, limit];
  }
  return doc;
}

export function describeMethod(
  method: HttpMethod,
  info: ApiMethodInfo,
  pathVars: ReadonlySet<string>,
): MethodDoc {
  const props = info.parameters?.properties ?? {};
  const doc: MethodDoc = {
    method,
    name: info.name ?? '',
    summary: oneLine(info.description, 200),
    // Path variables are answered by the path itself; listing them again only costs tokens.
    parameters: Object.entries(props)
      .filter(([name]) => !pathVars.has(name))
      .map(([name, schema]) => describeParam(name, schema))
      .sort((a, b) => Number(b.required) - Number(a.required)),
    permissions: renderPermissions(info.permissions),
    returnsTask: returnsTask(method, info),
    returns: summarizeReturns(method, info),
    allowtoken: info.allowtoken === undefined ? true : perlTrue(info.allowtoken),
  };
  if (info.proxyto) doc.proxyto = info.proxyto;
  return doc;
}

/** Describes the path (concrete, template or a mix); with `method`, only that method. */
export function describeEndpoint(
  index: ApiIndex,
  pathOrTemplate: string,
  method?: string,
): DescribeResult | DescribeMiss {
  const match = index.match(pathOrTemplate);
  if (!match)
    return { found: false, path: pathOrTemplate, suggestions: index.closestPaths(pathOrTemplate, 5) };
  const pathVars = new Set([...match.template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!));
  const available = index.methodsOf(match.template);
  const wanted = method?.toUpperCase();
  const selected = wanted ? available.filter((m) => m === wanted) : available;
  const result: DescribeResult = {
    found: true,
    template: match.template,
    pathParams: match.pathParams,
    unbound: match.unbound,
    methods: selected.map((m) => describeMethod(m, index.method(match.template, m)!, pathVars)),
    availableMethods: available,
    children: index.childrenOf(match.template),
  };
  if (wanted && selected.length === 0) result.missingMethod = wanted;
  return result;
}
