/**
 * Which parameter values never reach a log, the audit file, an error or a confirmation question.
 *
 * Two rules, both static (masking never depends on the cluster's schema being loaded):
 * 1. By name, on every endpoint: names containing pass, secret, token, key or ticket (passwords,
 *    token secrets, keys and keyrings, SSH keys, lock tokens, VNC tickets). SSH *public* keys are
 *    masked too: not secret, but they match the rule, and an audit line gains nothing from them.
 * 2. By endpoint and name, where PVE carries a secret under an innocent name. This table was compiled
 *    by reviewing every non-GET parameter of the PVE API schema (apidoc.json, PVE 8.4 and 9.1) whose
 *    name or description mentions passwords, keys, tokens, secrets, credentials, headers, one-time
 *    codes or base64 data; each entry says why.
 */
const BY_NAME = /pass|secret|token|key|ticket/i;

/** Names rule 1 catches that never hold a secret anywhere in the API (a keyboard layout, an id, a number). */
const NEVER_SECRET = new Set(['keyboard', 'tokenid', 'token-coefficient']);

interface SensitiveEntry {
  /** PVE route template; `{…}` matches any one segment. */
  path: string;
  params: string[];
  why: string;
}

export const SENSITIVE_BY_ENDPOINT: readonly SensitiveEntry[] = [
  {
    path: '/cluster/acme/plugins',
    params: ['data'],
    why: 'DNS plugin credentials (API keys of the DNS provider), base64',
  },
  { path: '/cluster/acme/plugins/{id}', params: ['data'], why: 'as above' },
  {
    path: '/cluster/notifications/endpoints/webhook',
    params: ['header', 'body', 'url'],
    why: 'header values (Authorization) and body templates carry API keys; chat webhook URLs hold their token in the path',
  },
  {
    path: '/cluster/notifications/endpoints/webhook/{name}',
    params: ['header', 'body', 'url'],
    why: 'as above',
  },
  {
    path: '/cluster/metrics/server/{id}',
    params: ['otel-headers'],
    why: 'HTTP headers for the OpenTelemetry collector, typically its Authorization',
  },
  { path: '/cluster/options', params: ['http_proxy'], why: 'a proxy URL may hold user:password@' },
  {
    path: '/nodes/{node}/qemu/{vmid}/agent/exec',
    params: ['input-data'],
    why: "the program's stdin: how passwords are piped into a guest (the command itself stays visible)",
  },
  {
    path: '/nodes/{node}/qemu/{vmid}/agent/file-write',
    params: ['content'],
    why: 'file content written into a guest (keys, credentials files); the file name stays visible',
  },
  {
    path: '/access/tfa/{userid}',
    params: ['totp', 'value'],
    why: 'the TOTP URI holds the shared secret; value is a current code or a WebAuthn/recovery answer',
  },
  {
    path: '/access/ticket',
    params: ['otp', 'tfa-challenge'],
    why: 'one-time password; the signed TFA challenge stands in for a login',
  },
  {
    path: '/access/openid/login',
    params: ['code'],
    why: 'the OpenID authorization code is exchanged for tokens',
  },
];

const TABLE = SENSITIVE_BY_ENDPOINT.map((e) => ({
  segments: e.path.split('/').filter(Boolean),
  params: new Set(e.params),
}));

/**
 * The segments PVE routes `path` to, read generously (every form decoded, split on any run of
 * slashes, empties dropped): a path spelled oddly must not escape the table.
 */
function segmentsOf(path: string): string[] {
  let decoded = path;
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      break;
    }
  }
  return decoded.split(/\/+/).filter(Boolean);
}

/** The names of `path`'s parameters masked by endpoint (rule 2). */
export function sensitiveAt(path: string): ReadonlySet<string> {
  const segs = segmentsOf(path.replace(/^\/api2\/json(?=\/)/, ''));
  const out = new Set<string>();
  for (const entry of TABLE) {
    if (entry.segments.length !== segs.length) continue;
    if (entry.segments.every((t, i) => t.startsWith('{') || t === segs[i])) {
      for (const p of entry.params) out.add(p);
    }
  }
  return out;
}

/** Whether the value of parameter `name` is masked (rule 1 only, when the path is not known). */
export function isSensitiveName(name: string, atPath?: ReadonlySet<string>): boolean {
  if (atPath?.has(name)) return true;
  return BY_NAME.test(name) && !NEVER_SECRET.has(name.toLowerCase());
}
