import { readFileSync } from 'node:fs';
import {
  resolveAuthMode,
  resolveOAuthSettings,
  type AuthMode,
  type OAuthSettings,
} from '../../auth/oauth-settings.js';
import { ConfigError } from '../../config/errors.js';
import { hostnameOf, isLoopbackAddress, normalizeOrigin } from './security.js';

/** Everything the HTTP server is told, resolved in one order: flag > environment > default. */
export interface HttpSettings {
  host: string;
  port: number;
  stateless: boolean;
  /** How /mcp, /sse and /messages authenticate (MCP_AUTH_MODE, or inferred from what is set). */
  authMode: AuthMode;
  /** When set, /mcp, /sse and /messages require `Authorization: Bearer <token>`. */
  authToken?: string;
  /** OAuth mode: the resource server's settings (src/auth/). */
  oauth?: OAuthSettings;
  /** --no-auth: the operator accepted a non-loopback listener without a token. */
  noAuth: boolean;
  /** Host names accepted besides the loopback names (lowercase, no port); `*` accepts any. */
  allowedHosts: string[];
  /** Origins accepted from browsers (normalized); empty: loopback origins only; `*` accepts any. */
  allowedOrigins: string[];
  maxBodyBytes: number;
  maxSessions: number;
  sessionIdleMs: number;
  /** How long shutdown waits for in-flight tool calls. */
  shutdownGraceMs: number;
  /** A request's headers must arrive within this (slow-header clients get 408 and are closed). */
  headersTimeoutMs: number;
  /** A request's headers and body must arrive within this (a body dribbled forever gets 408). */
  requestTimeoutMs: number;
  /** Output a client may leave unread on one event stream before it is cut (see slow-clients.ts). */
  maxUnreadBytes: number;
  /** How long a response may stay blocked on a client that does not read before it is cut. */
  writeStallMs: number;
}

export interface HttpFlags {
  host?: string;
  port?: number;
  stateless?: boolean;
  noAuth?: boolean;
}

export const HTTP_DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  maxBodyBytes: 1024 * 1024,
  maxSessions: 100,
  sessionIdleMs: 30 * 60_000,
  shutdownGraceMs: 5_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  maxUnreadBytes: 4 * 1024 * 1024,
  writeStallMs: 60_000,
} as const;

const MIN_TOKEN_LENGTH = 16;

/** Refused start-up: exits 78 like every other configuration problem. */
export class InsecureBindError extends ConfigError {
  constructor(host: string, port: number) {
    super(
      `refusing to listen on ${host}:${port} without authentication: every tool, including destructive ones, ` +
        `would be open to anyone who can reach this address. Set MCP_AUTH_TOKEN (e.g. MCP_AUTH_TOKEN=$(openssl rand -hex 32)) ` +
        `and send "Authorization: Bearer <token>" from clients, or MCP_OAUTH_ISSUER for OAuth, or bind 127.0.0.1, or pass --no-auth if something ` +
        `in front of this server (a reverse proxy, a private network) already authenticates.`,
    );
  }
}

export function resolveHttpSettings(flags: HttpFlags, env: Record<string, string | undefined>): HttpSettings {
  const host = flags.host ?? (env.MCP_HOST?.trim() || HTTP_DEFAULTS.host);
  const port = flags.port ?? int(env, 'MCP_PORT', HTTP_DEFAULTS.port, 0, 65535);
  const authToken = readToken(env);
  const authMode = resolveAuthMode(env, authToken !== undefined);
  const settings: HttpSettings = {
    host,
    port,
    stateless: flags.stateless ?? /^(1|true|yes|on)$/i.test(env.MCP_STATELESS ?? ''),
    authMode,
    authToken,
    ...(authMode === 'oauth' ? { oauth: resolveOAuthSettings(env, host) } : {}),
    noAuth: flags.noAuth ?? false,
    allowedHosts: list(env.MCP_ALLOWED_HOSTS).map((h) => (h === '*' ? h : hostnameOf(h))),
    allowedOrigins: list(env.MCP_ALLOWED_ORIGINS).map((o) => {
      if (o === '*') return o;
      const origin = normalizeOrigin(o);
      if (!origin)
        throw new ConfigError(
          `"${o}" is not an origin; expected scheme://host[:port]`,
          'MCP_ALLOWED_ORIGINS',
        );
      return origin;
    }),
    maxBodyBytes: int(env, 'MCP_MAX_BODY_BYTES', HTTP_DEFAULTS.maxBodyBytes, 1024, 1024 ** 3),
    maxSessions: int(env, 'MCP_MAX_SESSIONS', HTTP_DEFAULTS.maxSessions, 1, 100_000),
    sessionIdleMs: int(env, 'MCP_SESSION_IDLE_MS', HTTP_DEFAULTS.sessionIdleMs, 1000, 7 * 24 * 3600_000),
    shutdownGraceMs: HTTP_DEFAULTS.shutdownGraceMs,
    headersTimeoutMs: HTTP_DEFAULTS.headersTimeoutMs,
    requestTimeoutMs: HTTP_DEFAULTS.requestTimeoutMs,
    maxUnreadBytes: HTTP_DEFAULTS.maxUnreadBytes,
    writeStallMs: HTTP_DEFAULTS.writeStallMs,
  };
  // The name clients reach us by in OAuth mode is MCP_PUBLIC_URL's: requests for it are not rebinding.
  const publicHost = settings.oauth?.publicUrl && hostnameOf(new URL(settings.oauth.publicUrl).host);
  if (publicHost && !settings.allowedHosts.includes(publicHost)) settings.allowedHosts.push(publicHost);
  assertSafeBind(settings);
  return settings;
}

/** A non-loopback listener needs a token or OAuth, or an explicit --no-auth. */
export function assertSafeBind(
  s: Pick<HttpSettings, 'host' | 'port' | 'authToken' | 'noAuth' | 'oauth'>,
): void {
  if (!s.authToken && !s.oauth && !s.noAuth && !isLoopbackAddress(s.host))
    throw new InsecureBindError(s.host, s.port);
}

function readToken(env: Record<string, string | undefined>): string | undefined {
  let token = env.MCP_AUTH_TOKEN?.trim();
  let source = 'MCP_AUTH_TOKEN';
  if (!token && env.MCP_AUTH_TOKEN_FILE) {
    source = 'MCP_AUTH_TOKEN_FILE';
    try {
      token = readFileSync(env.MCP_AUTH_TOKEN_FILE, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(
        `cannot read ${env.MCP_AUTH_TOKEN_FILE}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        source,
      );
    }
  }
  if (!token) return undefined;
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token))
    throw new ConfigError(
      `the token must be at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. openssl rand -hex 32)`,
      source,
    );
  return token;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function int(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`expected an integer from ${min} to ${max}, got "${raw}"`, name);
  return n;
}
