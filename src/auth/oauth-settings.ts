import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';
import { isLoopbackAddress } from '../transports/http/security.js';

/**
 * The OAuth resource server's configuration, read from the environment like MCP_AUTH_TOKEN. Every bad
 * value is a ConfigError naming the variable (exit 78), so a mistyped issuer or algorithm stops the
 * server at start-up instead of refusing every person later.
 */
export interface OAuthSettings {
  /** The authorization server's issuer identifier, exactly as its metadata states it. */
  issuer: string;
  /**
   * This server's canonical external base URL (no trailing slash). Undefined on a loopback listener
   * without MCP_PUBLIC_URL: the bound URL is used then, known only once listening.
   */
  publicUrl?: string;
  /** Accepted `aud` values; undefined means the resource identifiers (`<public url>/mcp`, `/sse`). */
  audience?: string[];
  /** Scopes every token must carry (all of them). */
  requiredScopes: string[];
  algorithms: string[];
  clockSkewSeconds: number;
  /** Claim read for a person's readable name; undefined: email, then preferred_username, then name. */
  nameClaim?: string;
  introspection: 'auto' | 'off' | 'on';
  clientId?: string;
  clientSecret?: string;
  /**
   * How soon a token with an unknown `kid` may trigger another JWKS fetch (MCP_OAUTH_KEYS_REFETCH): the
   * bound on how fast a rotation is picked up, and on what a flood of made-up key ids can cost the issuer.
   */
  jwksCooldownMs: number;
  /** How soon a failed metadata discovery is retried. */
  discoveryRetryMs: number;
  /** Time limit of each request to the authorization server. */
  fetchTimeoutMs: number;
}

export const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** Asymmetric algorithms jose can check against a published key set. */
const KNOWN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
export const MAX_CLOCK_SKEW_SECONDS = 300;

export type AuthMode = 'bearer' | 'oauth' | 'none';

type Env = Record<string, string | undefined>;

/**
 * Which authentication the HTTP endpoints use. MCP_AUTH_MODE says it; without it, MCP_AUTH_TOKEN means
 * bearer and MCP_OAUTH_ISSUER means oauth. Both secrets present is refused whatever the mode: the two
 * are never mixed by accident.
 */
export function resolveAuthMode(env: Env, hasBearerToken: boolean): AuthMode {
  const issuer = env.MCP_OAUTH_ISSUER?.trim();
  if (hasBearerToken && issuer)
    throw new ConfigError(
      'both MCP_AUTH_TOKEN (static bearer) and MCP_OAUTH_ISSUER (OAuth) are set; set only the one for the ' +
        'authentication you want (and MCP_AUTH_MODE=bearer or oauth to say it)',
      'MCP_AUTH_MODE',
    );
  const raw = env.MCP_AUTH_MODE?.trim().toLowerCase();
  if (!raw) return hasBearerToken ? 'bearer' : issuer ? 'oauth' : 'none';
  if (raw !== 'bearer' && raw !== 'oauth' && raw !== 'none')
    throw new ConfigError(`expected bearer, oauth or none, got "${env.MCP_AUTH_MODE}"`, 'MCP_AUTH_MODE');
  if (raw === 'bearer' && !hasBearerToken)
    throw new ConfigError(
      'bearer mode needs MCP_AUTH_TOKEN or MCP_AUTH_TOKEN_FILE (e.g. MCP_AUTH_TOKEN=$(openssl rand -hex 32))',
      'MCP_AUTH_MODE',
    );
  if (raw === 'oauth' && !issuer)
    throw new ConfigError(
      "oauth mode needs MCP_OAUTH_ISSUER, the authorization server's issuer URL " +
        '(e.g. https://keycloak.example.com/realms/infra)',
      'MCP_AUTH_MODE',
    );
  if (raw === 'none' && (hasBearerToken || issuer))
    throw new ConfigError(
      `MCP_AUTH_MODE=none, but ${hasBearerToken ? 'MCP_AUTH_TOKEN' : 'MCP_OAUTH_ISSUER'} is set; unset it or choose its mode`,
      'MCP_AUTH_MODE',
    );
  return raw;
}

export function resolveOAuthSettings(env: Env, listenHost: string): OAuthSettings {
  const issuer = httpsUrl(env.MCP_OAUTH_ISSUER ?? '', 'MCP_OAUTH_ISSUER');
  const rawPublic = env.MCP_PUBLIC_URL?.trim();
  let publicUrl: string | undefined;
  if (rawPublic) {
    publicUrl = httpsUrl(rawPublic, 'MCP_PUBLIC_URL').replace(/\/+$/, '');
    const u = new URL(publicUrl);
    if (u.search || u.hash)
      throw new ConfigError(`"${rawPublic}" must not have a query or fragment`, 'MCP_PUBLIC_URL');
  } else if (!isLoopbackAddress(listenHost)) {
    throw new ConfigError(
      `OAuth on ${listenHost} needs this server's external URL, the one clients connect to and tokens are ` +
        'issued for (e.g. MCP_PUBLIC_URL=https://mcp.example.com): it names the resource in the metadata ' +
        'and the expected audience',
      'MCP_PUBLIC_URL',
    );
  }
  const audience = list(env.MCP_OAUTH_AUDIENCE, /,/);
  const algorithms = list(env.MCP_OAUTH_ALGORITHMS, /[\s,]+/);
  for (const alg of algorithms) {
    if (/^none$/i.test(alg) || /^HS/i.test(alg))
      throw new ConfigError(
        `"${alg}" cannot be accepted: tokens are checked against the issuer's published keys, which only ` +
          `asymmetric algorithms use (${DEFAULT_ALGORITHMS.join(', ')})`,
        'MCP_OAUTH_ALGORITHMS',
      );
    if (!KNOWN_ALGORITHMS.includes(alg))
      throw new ConfigError(
        `unknown algorithm "${alg}"; expected some of ${KNOWN_ALGORITHMS.join(', ')}`,
        'MCP_OAUTH_ALGORITHMS',
      );
  }
  const introspection = env.MCP_OAUTH_INTROSPECTION?.trim().toLowerCase() || 'auto';
  if (!isIntrospectionMode(introspection))
    throw new ConfigError(
      `expected auto, on or off, got "${env.MCP_OAUTH_INTROSPECTION}"`,
      'MCP_OAUTH_INTROSPECTION',
    );
  const clientId = env.MCP_OAUTH_CLIENT_ID?.trim() || undefined;
  const clientSecret = readSecret(env);
  if (introspection === 'on' && (!clientId || !clientSecret))
    throw new ConfigError(
      'introspection needs the credentials this server authenticates with at the introspection endpoint: ' +
        'set MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET (or MCP_OAUTH_CLIENT_SECRET_FILE)',
      'MCP_OAUTH_INTROSPECTION',
    );
  if (Boolean(clientId) !== Boolean(clientSecret))
    throw new ConfigError(
      'MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET(_FILE) go together; set both or neither',
      clientId ? 'MCP_OAUTH_CLIENT_SECRET' : 'MCP_OAUTH_CLIENT_ID',
    );
  const nameClaim = env.MCP_OAUTH_NAME_CLAIM?.trim() || undefined;
  return {
    issuer,
    ...(publicUrl ? { publicUrl } : {}),
    ...(audience.length ? { audience } : {}),
    requiredScopes: list(env.MCP_OAUTH_SCOPES, /[\s,]+/),
    algorithms: algorithms.length ? algorithms : DEFAULT_ALGORITHMS,
    clockSkewSeconds: seconds(
      env.MCP_OAUTH_CLOCK_SKEW,
      'MCP_OAUTH_CLOCK_SKEW',
      30,
      0,
      MAX_CLOCK_SKEW_SECONDS,
    ),
    ...(nameClaim ? { nameClaim } : {}),
    introspection,
    ...(clientId && clientSecret ? { clientId, clientSecret } : {}),
    jwksCooldownMs: 1000 * seconds(env.MCP_OAUTH_KEYS_REFETCH, 'MCP_OAUTH_KEYS_REFETCH', 30, 1, 3600),
    discoveryRetryMs: 5_000,
    fetchTimeoutMs: 5_000,
  };
}

function isIntrospectionMode(value: string): value is OAuthSettings['introspection'] {
  return value === 'auto' || value === 'off' || value === 'on';
}

/** OAuth 2.1 wants TLS for every endpoint except on this machine. */
function httpsUrl(raw: string, name: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`"${value}" is not a URL; expected https://host[/path]`, name);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackAddress(url.hostname)))
    return value;
  throw new ConfigError(
    `"${value}" must use https (plain http only on localhost/127.0.0.1/[::1]): OAuth sends tokens over it`,
    name,
  );
}

function seconds(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  const value = raw?.trim();
  if (!value) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`expected whole seconds from ${min} to ${max}, got "${value}"`, name);
  return n;
}

function readSecret(env: Env): string | undefined {
  const direct = env.MCP_OAUTH_CLIENT_SECRET?.trim();
  if (direct) return direct;
  const file = env.MCP_OAUTH_CLIENT_SECRET_FILE?.trim();
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    throw new ConfigError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      'MCP_OAUTH_CLIENT_SECRET_FILE',
    );
  }
}

function list(raw: string | undefined, separator: RegExp): string[] {
  return (raw ?? '')
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}
