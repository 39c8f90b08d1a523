import { ConfigError } from '../config/errors.js';
import { resolveHttpSettings } from '../transports/http/settings.js';
import { discoverAuthServer } from './discovery.js';

/**
 * For `check`: how `sse` would authenticate with this environment, and for OAuth whether the issuer's
 * metadata can be used right now, so a wrong issuer URL shows up before a person tries to sign in.
 * Undefined when nothing about HTTP authentication is configured (the stdio user's case).
 */
export async function describeHttpAuth(env: Record<string, string | undefined>): Promise<string | undefined> {
  const configured = ['MCP_AUTH_MODE', 'MCP_AUTH_TOKEN', 'MCP_AUTH_TOKEN_FILE', 'MCP_OAUTH_ISSUER'].some(
    (k) => env[k]?.trim(),
  );
  if (!configured) return undefined;
  const title = 'HTTP (sse) authentication';
  let settings;
  try {
    settings = resolveHttpSettings({}, env);
  } catch (err) {
    if (err instanceof ConfigError) return `${title}: configuration error: ${err.message}`;
    throw err;
  }
  if (settings.authMode === 'bearer') return `${title}: static bearer token (MCP_AUTH_TOKEN)`;
  if (!settings.oauth) return `${title}: none`;
  const o = settings.oauth;
  const head = `${title}: OAuth 2.1, issuer ${o.issuer}${o.requiredScopes.length ? `, scopes required: ${o.requiredScopes.join(' ')}` : ''}`;
  try {
    const m = await discoverAuthServer(o.issuer, {
      timeoutMs: o.fetchTimeoutMs,
      needsJwks: o.introspection !== 'on',
    });
    return `${head}\n  ok    metadata     ${m.source}${m.jwksUri ? ` (keys: ${m.jwksUri})` : ''}`;
  } catch (err) {
    return `${head}\n  FAIL  metadata     ${err instanceof Error ? err.message : String(err)}`;
  }
}
