import { isLoopbackAddress } from '../transports/http/security.js';
import { AuthServerFetchError, fetchJson } from './bounded-fetch.js';

/** What this server uses of the authorization server's metadata (RFC 8414 / OpenID Connect Discovery). */
export interface AuthServerMetadata {
  issuer: string;
  jwksUri?: string;
  introspectionEndpoint?: string;
  /** Where it was found, for the start-up log. */
  source: string;
}

const MAX_METADATA_BYTES = 256 * 1024;

/**
 * The metadata URLs to try, in the order the MCP authorization spec gives: RFC 8414 with the issuer's
 * path inserted after the well-known prefix, then OpenID Connect discovery with path insertion, then
 * OpenID Connect's own path appending (what Keycloak and most OIDC providers serve).
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  const at = (p: string) => new URL(p, url.origin).href;
  const urls = path
    ? [
        at(`/.well-known/oauth-authorization-server${path}`),
        at(`/.well-known/openid-configuration${path}`),
        at(`${path}/.well-known/openid-configuration`),
      ]
    : [at('/.well-known/oauth-authorization-server'), at('/.well-known/openid-configuration')];
  return [...new Set(urls)];
}

export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/**
 * Fetches and checks the issuer's metadata. A document found but wrong (another issuer, a jwks_uri
 * over plain http) is a DiscoveryError that says what to fix; only "not there" moves on to the next
 * well-known URL.
 */
export async function discoverAuthServer(
  issuer: string,
  opts: { timeoutMs: number; needsJwks: boolean },
): Promise<AuthServerMetadata> {
  const problems: string[] = [];
  for (const url of metadataUrls(issuer)) {
    let doc: unknown;
    try {
      doc = await fetchJson(url, { timeoutMs: opts.timeoutMs, maxBytes: MAX_METADATA_BYTES });
    } catch (err) {
      if (!(err instanceof AuthServerFetchError)) throw err;
      problems.push(err.message);
      continue;
    }
    return checkMetadata(issuer, url, doc, opts.needsJwks);
  }
  throw new DiscoveryError(
    `no authorization server metadata found for issuer ${issuer} (${problems.join('; ')})`,
  );
}

function checkMetadata(issuer: string, url: string, doc: unknown, needsJwks: boolean): AuthServerMetadata {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new DiscoveryError(`${url} is not a metadata document (a JSON object)`);
  const m = doc as Record<string, unknown>;
  if (m.issuer !== issuer)
    throw new DiscoveryError(
      `${url} names issuer ${JSON.stringify(m.issuer)}, but MCP_OAUTH_ISSUER is ${JSON.stringify(issuer)}; ` +
        'they must be identical (set MCP_OAUTH_ISSUER to the issuer the metadata states)',
    );
  const jwksUri = endpoint(m, 'jwks_uri', url);
  if (!jwksUri && needsJwks)
    throw new DiscoveryError(`${url} has no jwks_uri: there are no keys to check token signatures with`);
  const introspectionEndpoint = endpoint(m, 'introspection_endpoint', url);
  return {
    issuer,
    ...(jwksUri ? { jwksUri } : {}),
    ...(introspectionEndpoint ? { introspectionEndpoint } : {}),
    source: url,
  };
}

function endpoint(m: Record<string, unknown>, key: string, url: string): string | undefined {
  const value = m[key];
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(String(value));
  } catch {
    throw new DiscoveryError(`${url}: ${key} ${JSON.stringify(value)} is not a URL`);
  }
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackAddress(parsed.hostname)))
    return parsed.href;
  throw new DiscoveryError(`${url}: ${key} ${parsed.href} must use https (plain http only on this machine)`);
}
