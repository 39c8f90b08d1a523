import { resolveApiPath, routeSegments } from '../proxmox/api-path.js';
import { toFormPairs, type Params } from '../proxmox/encode.js';

/**
 * Policy rules: `"METHOD /path/pattern [name=value|value …]"`, e.g. `"DELETE /**"`,
 * `"POST /nodes/*\/qemu/*\/status/stop"`, `"POST /nodes/*\/status command=shutdown|reboot"`.
 * METHOD is GET, POST, PUT, DELETE or `*`.
 *
 * The path pattern is matched against the segments PVE routes on (proxmox/api-path.ts: decoded once,
 * split on "/", empty fragments dropped, a storage volume id after …/content/ one segment), never
 * against the path as written, so no spelling of a path reaches a handler a rule names without the
 * rule seeing it. A `*` segment matches exactly one segment, a `*` inside a segment matches any
 * characters within it (`/nodes/pve*`, `/nodes/*\/storage/*\/content/local:iso/*`), and a `**`
 * segment matches any number of segments, none included (so `/access/**` also covers `/access`).
 *
 * Conditions (`name=v1|v2`, all must hold) compare against the parameter as it will be SENT
 * (proxmox/encode.ts: booleans as 0/1, each element of a list on its own), case-insensitively and
 * with PVE's boolean words folded to 0/1, so `true`, `"1"` and `1` are one value. `name=*` holds when
 * the parameter is sent at all. Names are case-sensitive, as in PVE, which refuses names a method does
 * not take (additionalProperties 0), so another spelling cannot reach the same parameter.
 *
 * Rules are compiled once at start-up; a malformed rule is a configuration error, never a rule that
 * silently matches nothing.
 */
export type RuleMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | '*';

export interface RuleCondition {
  name: string;
  /** Normalised alternatives (normalizeValue), or undefined for `name=*` (sent at all). */
  values: string[] | undefined;
}

export interface PolicyRule {
  /** The rule as written, quoted in refusals. */
  text: string;
  method: RuleMethod;
  /** Where it came from, e.g. `clusters.prod.policy.deny[0] in /etc/pmcp/clusters.json`. */
  source: string;
  /** The pattern's segments (as PVE routes), `*`/`**` wildcards included. */
  pattern: readonly string[];
  conditions: readonly RuleCondition[];
  /**
   * `path` is the routed segments (from resolveApiPath); a string is resolved first (tests, tools).
   * `params` are the parameters as the client will send them.
   */
  matches(method: string, path: string | readonly string[], params?: Params): boolean;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', '*']);
/** The characters a decoded API path segment of PVE holds, plus `*`. No "%": patterns are written decoded. */
const SEGMENT = /^[A-Za-z0-9\-._~:@!$&'()*+,;=]+$/;
const CONDITION = /^([A-Za-z][A-Za-z0-9_-]*)=([^\s|]+(?:\|[^\s|]+)*)$/;
const PREFIX = /^\/api2\/json(?=\/|$)/;

/** Returns why `text` is not a valid rule, or undefined when it is. Used by the config schema. */
export function ruleProblem(text: string): string | undefined {
  const m = /^\s*(\S+)\s+(\/?\S*)((?:\s+\S+)*)\s*$/.exec(text);
  if (!m)
    return `"${text}" is not a rule; write "METHOD /path", e.g. "DELETE /**" or "* /access/**", optionally followed by conditions such as "command=shutdown|reboot"`;
  const [, method = '', path = '', rest = ''] = m;
  if (!METHODS.has(method.toUpperCase()))
    return `"${text}": method "${method}" must be GET, POST, PUT, DELETE or *`;
  if (!path.startsWith('/'))
    return `"${text}": the path pattern must start with "/", e.g. "/nodes/*/qemu/**"`;
  if (path.includes('?') || path.includes('#'))
    return `"${text}": a path pattern cannot match the query string ("?" or "#"); use a condition such as "name=value" after the path`;
  for (const token of rest.trim() === '' ? [] : rest.trim().split(/\s+/)) {
    if (!CONDITION.test(token))
      return `"${text}" is not a rule: "${token}" is not a parameter condition; after the path write name=value, name=v1|v2 or name=* (e.g. "command=shutdown|reboot")`;
  }
  const body = path.replace(PREFIX, '');
  if (body === '/' || body === '') return undefined;
  for (const seg of body.split('/').slice(1)) {
    if (seg === '') return `"${text}": empty path segment ("//" or a trailing "/")`;
    if (seg.includes('**') && seg !== '**')
      return `"${text}": "**" must be a whole segment ("/a/**/b"), not part of "${seg}"`;
    if (seg === '.' || seg === '..') return `"${text}": "." and ".." are not allowed in a pattern`;
    if (seg.includes('%'))
      return `"${text}": write the pattern as PVE routes it, decoded and with plain slashes (no %-escapes, e.g. "local:iso/x.iso", not "local:iso%2Fx.iso")`;
    if (!SEGMENT.test(seg)) return `"${text}": segment "${seg}" has characters an API path never contains`;
  }
  const pattern = routeSegments(body.split('/'));
  const tail = pattern.find((s) => s.includes('/'));
  if (tail?.includes('**'))
    return `"${text}": "**" cannot be part of a volume id ("${tail}"); use "*" there (e.g. "local:iso/*")`;
  return undefined;
}

/** Compiles a rule that passed ruleProblem(); throws (a bug) otherwise. */
export function compileRule(text: string, source: string): PolicyRule {
  const problem = ruleProblem(text);
  if (problem) throw new Error(`invalid policy rule: ${problem}`);
  const [methodRaw = '', pathRaw = '', ...conditionTokens] = text.trim().split(/\s+/);
  const method = methodRaw.toUpperCase() as RuleMethod;
  const pattern = routeSegments(pathRaw.replace(PREFIX, '').split('/'));
  const conditions = conditionTokens.map((token): RuleCondition => {
    const [, name = '', values = ''] = CONDITION.exec(token) ?? [];
    return { name, values: values === '*' ? undefined : values.split('|').map(normalizeValue) };
  });
  const globs = pattern.map((seg) => (seg === '**' || !seg.includes('*') ? undefined : globRegex(seg)));
  const segmentMatches = (i: number, seg: string) => {
    const glob = globs[i];
    return glob ? glob.test(seg) : pattern[i] === seg;
  };
  return {
    text: [`${method} ${pathRaw}`, ...conditionTokens].join(' '),
    method,
    source,
    pattern,
    conditions,
    matches: (m, path, params = {}) => {
      if (method !== '*' && method !== m.toUpperCase()) return false;
      const segments = typeof path === 'string' ? resolveApiPath(path).segments : path;
      if (!matchSegments(pattern, segments, segmentMatches)) return false;
      return conditions.every((c) => conditionHolds(c, params));
    },
  };
}

/** `**` takes any number of segments; everything else exactly one. Iterative, so no deep recursion. */
function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
  one: (patternIndex: number, segment: string) => boolean,
): boolean {
  // reach[j]: the first i pattern segments can consume the first j path segments.
  let reach = segments.map(() => false).concat(false);
  reach[0] = true;
  for (let i = 0; i < pattern.length; i++) {
    const next = reach.map(() => false);
    for (let j = 0; j <= segments.length; j++) {
      if (pattern[i] === '**') next[j] = reach[j] || (j > 0 && next[j - 1] === true);
      else next[j] = j > 0 && reach[j - 1] === true && one(i, segments[j - 1] ?? '');
    }
    reach = next;
  }
  return reach[segments.length] === true;
}

function conditionHolds(c: RuleCondition, params: Params): boolean {
  if (!Object.prototype.hasOwnProperty.call(params, c.name)) return false;
  // The very encoder the client sends with; a JSON body carries the same values (true is 1 to PVE).
  const sent = toFormPairs({ [c.name]: params[c.name] }).map(([, v]) => v);
  if (sent.length === 0) return false;
  const wanted = c.values;
  return wanted === undefined || sent.some((v) => wanted.includes(normalizeValue(v)));
}

/**
 * Folds the spellings PVE may read as one value: case, surrounding whitespace, the boolean words
 * PVE's parse_boolean knows, and integer forms ("+01" is 1). Over-matching only asks or refuses more.
 */
export function normalizeValue(value: string): string {
  const v = value.trim().toLowerCase();
  if (/^(1|true|yes|on)$/.test(v)) return '1';
  if (/^(0|false|no|off)$/.test(v)) return '0';
  if (/^[+-]?\d{1,300}$/.test(v)) return BigInt(v).toString();
  return v;
}

function globRegex(seg: string): RegExp {
  return new RegExp(`^${seg.split('*').map(escapeRegex).join('.*')}$`, 's');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
