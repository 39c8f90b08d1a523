/**
 * Policy rules: `"METHOD /path/pattern"`, e.g. `"DELETE /**"`, `"POST /nodes/*\/qemu/*\/status/stop"`,
 * `"* /access/**"`. METHOD is GET, POST, PUT, DELETE or `*`. In the path, a `*` segment matches exactly
 * one segment, a `*` inside a segment matches any characters within it (`/nodes/pve*`), and a `**`
 * segment matches any number of segments, none included (so `/access/**` also covers `/access`).
 * Rules are compiled once at start-up; a malformed rule is a configuration error, never a rule that
 * silently matches nothing.
 */
export type RuleMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | '*';

export interface PolicyRule {
  /** The rule as written, quoted in refusals. */
  text: string;
  method: RuleMethod;
  /** Where it came from, e.g. `clusters.prod.policy.deny[0] in /etc/pmcp/clusters.json`. */
  source: string;
  matches(method: string, path: string): boolean;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', '*']);
/** The characters a normalised API path segment may hold (see proxmox/api-path.ts), plus `*` and `%`. */
const SEGMENT = /^[A-Za-z0-9\-._~:@!$&'()*+,;=%]+$/;

/** Returns why `text` is not a valid rule, or undefined when it is. Used by the config schema. */
export function ruleProblem(text: string): string | undefined {
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(text);
  if (!m) return `"${text}" is not a rule; write "METHOD /path", e.g. "DELETE /**" or "* /access/**"`;
  const [, method = '', path = ''] = m;
  if (!METHODS.has(method.toUpperCase()))
    return `"${text}": method "${method}" must be GET, POST, PUT, DELETE or *`;
  if (!path.startsWith('/'))
    return `"${text}": the path pattern must start with "/", e.g. "/nodes/*/qemu/**"`;
  if (path.includes('?') || path.includes('#'))
    return `"${text}": a path pattern cannot match the query string ("?" or "#")`;
  if (path.replace(/^\/api2\/json(?=\/|$)/, '') === '/') return undefined;
  for (const seg of path
    .replace(/^\/api2\/json(?=\/|$)/, '')
    .split('/')
    .slice(1)) {
    if (seg === '') return `"${text}": empty path segment ("//" or a trailing "/")`;
    if (seg.includes('**') && seg !== '**')
      return `"${text}": "**" must be a whole segment ("/a/**/b"), not part of "${seg}"`;
    if (seg === '.' || seg === '..') return `"${text}": "." and ".." are not allowed in a pattern`;
    if (!SEGMENT.test(seg)) return `"${text}": segment "${seg}" has characters an API path never contains`;
  }
  return undefined;
}

/** Compiles a rule that passed ruleProblem(); throws (a bug) otherwise. */
export function compileRule(text: string, source: string): PolicyRule {
  const problem = ruleProblem(text);
  if (problem) throw new Error(`invalid policy rule: ${problem}`);
  const [methodRaw = '', pathRaw = ''] = text.trim().split(/\s+/);
  const method = methodRaw.toUpperCase() as RuleMethod;
  const regex = pathRegex(pathRaw.replace(/^\/api2\/json(?=\/|$)/, '') || '/');
  return {
    text: `${method} ${pathRaw}`,
    method,
    source,
    matches: (m, path) =>
      (method === '*' || method === m.toUpperCase()) && regex.test(path === '/' ? '' : path),
  };
}

/** Matched against the path with the root "/" as "", so that `/**` (zero segments) covers it too. */
function pathRegex(pattern: string): RegExp {
  const segs = pattern === '/' ? [] : pattern.split('/').slice(1);
  const re = segs
    .map((seg) => (seg === '**' ? '(?:/[^/]+)*' : '/' + seg.split('*').map(escapeRegex).join('[^/]*')))
    .join('');
  return new RegExp(`^${re}$`);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
