import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The three gates in front of every MCP endpoint: Host (DNS rebinding), Origin (browsers) and the
 * bearer token. Each returns a refusal with the status and a message that says how to fix it, or
 * undefined when the request may pass.
 */
export interface Refusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** `Host`-style value → lowercase hostname without port; IPv6 keeps its brackets. */
export function hostnameOf(value: string): string {
  let v = value.trim().toLowerCase();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    return end === -1 ? v : v.slice(0, end + 1);
  }
  if (isIP(v) === 6) return `[${v}]`;
  const colon = v.indexOf(':');
  if (colon !== -1) v = v.slice(0, colon);
  return v.endsWith('.') ? v.slice(0, -1) : v;
}

/** True for the addresses a listener can bind that only this machine can reach. */
export function isLoopbackAddress(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

export function checkHost(header: string | undefined, allowed: readonly string[]): Refusal | undefined {
  if (allowed.includes('*')) return undefined;
  const name = header ? hostnameOf(header) : '';
  if (name && (LOOPBACK_HOSTS.includes(name) || allowed.includes(name))) return undefined;
  return {
    status: 403,
    message: `Forbidden: Host header "${header ?? ''}" is not allowed (protection against DNS rebinding). Allowed: ${[...LOOPBACK_HOSTS, ...allowed].join(', ')}. Add the name clients use to MCP_ALLOWED_HOSTS.`,
  };
}

/** Normalizes an origin (`https://App.example.com:443` → `https://app.example.com`); undefined if invalid. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/**
 * Requests without an Origin (every non-browser client) pass. A browser's Origin must be on
 * MCP_ALLOWED_ORIGINS; when that list is empty, only pages served from this machine (http(s) on
 * localhost, 127.0.0.1 or [::1], any port, e.g. the MCP Inspector) are accepted.
 */
export function checkOrigin(header: string | undefined, allowed: readonly string[]): Refusal | undefined {
  if (header === undefined || allowed.includes('*')) return undefined;
  const origin = normalizeOrigin(header);
  const ok = origin
    ? allowed.length
      ? allowed.includes(origin)
      : LOOPBACK_HOSTS.includes(new URL(origin).hostname)
    : false;
  if (ok) return undefined;
  return {
    status: 403,
    message: `Forbidden: Origin "${header}" is not allowed. ${allowed.length ? `Allowed origins: ${allowed.join(', ')}` : 'Only loopback origins are accepted by default'}; set MCP_ALLOWED_ORIGINS to allow a web client.`,
  };
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time bearer check: both sides are hashed first so neither length nor content leaks. */
export function bearerChecker(
  token: string | undefined,
): (headers: IncomingHttpHeaders) => Refusal | undefined {
  if (!token) return () => undefined;
  const expected = sha256(token);
  return (headers) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
    if (!match?.[1]) {
      return {
        status: 401,
        message: 'Unauthorized: this server requires "Authorization: Bearer <MCP_AUTH_TOKEN>".',
        headers: { 'www-authenticate': 'Bearer realm="proxmox-mcp"' },
      };
    }
    if (!timingSafeEqual(sha256(match[1]), expected)) {
      return {
        status: 401,
        message: 'Unauthorized: the bearer token is not valid for this server.',
        headers: { 'www-authenticate': 'Bearer realm="proxmox-mcp", error="invalid_token"' },
      };
    }
    return undefined;
  };
}

/** CORS answer for an Origin that passed checkOrigin, so browser clients can read responses. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers':
      'authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id, x-proxmox-token',
    'access-control-expose-headers': 'mcp-session-id, www-authenticate',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}
