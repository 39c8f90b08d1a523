import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AccessSetting } from '../../src/config/types.js';
import { resolveOAuthSettings, type OAuthSettings } from '../../src/auth/oauth-settings.js';
import { startInProcess, type InProcessServer } from '../http/helpers.js';
import type { LocalIssuer } from './local-issuer.js';

/**
 * The real HTTP server (startHttpServer + createServer, on the Proxmox simulator) in OAuth mode,
 * configured from the environment as `proxmox-mcp sse` would be, trusting `issuer`. Cooldowns are
 * shortened so rotation and recovery tests run in milliseconds.
 */
export async function startOAuthServer(
  issuer: Pick<LocalIssuer, 'issuer'>,
  env: Record<string, string> = {},
  tune: Partial<OAuthSettings> = {},
): Promise<InProcessServer> {
  const full = { MCP_AUTH_TOKEN: '', MCP_OAUTH_ISSUER: issuer.issuer, ...env };
  const oauth = {
    ...resolveOAuthSettings(full, '127.0.0.1'),
    jwksCooldownMs: 100,
    discoveryRetryMs: 100,
    ...tune,
  };
  return startInProcess({ env: full, settings: { oauth }, cluster: { access: EVERYONE_ADMIN } });
}

/** Roles are engineer C's (test/roles); here anyone signed in may do anything the cluster allows. */
const EVERYONE_ADMIN: AccessSetting = {
  claims: ['groups'],
  roles: { admin: ['*'], operator: [], reader: [] },
  source: 'test/auth',
};

export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${token}`, ...extra };
}

export function streamable(url: string, headers: Record<string, string>) {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers } });
  return { client: new Client({ name: 'oauth-test', version: '1' }), transport };
}

export function legacySse(url: string, headers: Record<string, string>) {
  // requestInit's headers go with the GET that opens the stream and with every POST.
  const transport = new SSEClientTransport(new URL('/sse', url), { requestInit: { headers } });
  return { client: new Client({ name: 'oauth-sse-test', version: '1' }), transport };
}

/** The parameters of a `WWW-Authenticate: Bearer a="b", c="d"` challenge. */
export function challenge(header: string | string[] | undefined): Record<string, string> {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  expectBearer(text);
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function expectBearer(text: string): void {
  if (!/^Bearer /.test(text)) throw new Error(`not a Bearer challenge: ${text}`);
}
