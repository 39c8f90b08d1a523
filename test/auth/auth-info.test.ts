import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerOf, personalTokenOf } from '../../src/auth/caller.js';
import { resolveOAuthSettings } from '../../src/auth/oauth-settings.js';
import { createLogger } from '../../src/logger.js';
import {
  resolveHttpSettings,
  startHttpServer,
  type HttpServerHandle,
} from '../../src/transports/http/index.js';
import { registerSecret } from '../helpers/recording.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';
import { bearer, legacySse, streamable } from './oauth-server.js';

/**
 * The contract between the HTTP layer and the tool layer (src/auth/caller.ts): what a tool handler
 * finds in `extra.authInfo` in each auth mode. The server here is a bare McpServer whose one tool
 * answers what it was handed, so the test sees exactly what the SDK passes on.
 */
const PVE_TOKEN = 'alice@pve!mcp=7d3c1a2b-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
const STATIC = 'static-bearer-token-for-auth-info-42';
registerSecret(PVE_TOKEN, STATIC);

function echoServer() {
  const server = new McpServer({ name: 'echo', version: '1' });
  server.registerTool('whoami', { description: 'what the HTTP layer handed over' }, (extra) => {
    const info = extra.authInfo as AuthInfo | undefined;
    const seen = {
      hasAuthInfo: info !== undefined,
      caller: callerOf(info) ?? null,
      // Only whether and which: the test never echoes the personal token itself.
      pveTokenMatches: personalTokenOf(info) === PVE_TOKEN,
      pveTokenSet: personalTokenOf(info) !== undefined,
      clientId: info?.clientId,
      scopes: info?.scopes,
      expiresAt: info?.expiresAt,
      tokenIsEmpty: info?.token === '',
    };
    return { content: [{ type: 'text', text: JSON.stringify(seen) }] };
  });
  return server.server;
}

async function start(env: Record<string, string>): Promise<HttpServerHandle> {
  const settings = resolveHttpSettings({ port: 0 }, env);
  if (settings.oauth) settings.oauth = { ...resolveOAuthSettings(env, '127.0.0.1'), discoveryRetryMs: 100 };
  return startHttpServer({ settings, createServer: echoServer, logger: createLogger(), version: 'test' });
}

async function whoami(url: string, headers: Record<string, string>, sse = false) {
  const { client, transport } = sse ? legacySse(url, headers) : streamable(url, headers);
  await client.connect(transport);
  const r = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
  await client.close();
  return JSON.parse((r.content[0] as { text: string }).text) as Record<string, unknown>;
}

let issuer: LocalIssuer;
const handles: HttpServerHandle[] = [];
beforeAll(async () => {
  issuer = await startLocalIssuer();
});
afterAll(async () => {
  for (const h of handles) await h.close();
  await issuer?.close();
});

describe('extra.authInfo as the tool layer sees it', () => {
  it('OAuth: the person (sub, name, issuer, string claims flattened to lists, scopes), client, expiry and the personal PVE token', async () => {
    const h = await start({ MCP_OAUTH_ISSUER: issuer.issuer });
    handles.push(h);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = await issuer.sign({
      aud: `${h.url}/mcp`,
      sub: 'u-123',
      exp,
      preferred_username: 'alice',
      email: 'alice@example.com',
      groups: ['pve-operators', 'staff'],
      realm_access: { roles: ['x'] },
      department: 'infra',
      scope: 'openid mcp:tools',
      azp: 'claude-desktop',
      mixed: ['a', 1],
    });
    for (const sse of [false, true]) {
      const t = sse
        ? await issuer.sign({ aud: `${h.url}/sse`, sub: 'u-123', email: 'alice@example.com' })
        : token;
      const seen = await whoami(h.url, bearer(t, { 'X-Proxmox-Token': PVE_TOKEN }), sse);
      expect(seen.pveTokenMatches, sse ? 'sse' : 'streamable').toBe(true);
      expect((seen.caller as { subject: string; name: string }).name).toBe('alice@example.com');
    }
    const seen = await whoami(h.url, bearer(token, { 'X-Proxmox-Token': PVE_TOKEN }));
    expect(seen).toMatchObject({
      hasAuthInfo: true,
      caller: {
        subject: 'u-123',
        name: 'alice@example.com',
        issuer: issuer.issuer,
        scopes: ['openid', 'mcp:tools'],
      },
      clientId: 'claude-desktop',
      scopes: ['openid', 'mcp:tools'],
      expiresAt: exp,
    });
    const claims = (seen.caller as { claims: Record<string, unknown> }).claims;
    expect(claims.groups).toEqual(['pve-operators', 'staff']);
    expect(claims.department).toEqual(['infra']);
    expect(claims.scope).toEqual(['openid', 'mcp:tools']);
    expect(claims.realm_access).toBeUndefined();
    expect(claims.mixed).toBeUndefined();
    expect(claims.exp).toBeUndefined();
  });

  it('OAuth: MCP_OAUTH_NAME_CLAIM picks the name; without one, preferred_username comes after email', async () => {
    const h = await start({ MCP_OAUTH_ISSUER: issuer.issuer, MCP_OAUTH_NAME_CLAIM: 'upn' });
    handles.push(h);
    const t = await issuer.sign({ aud: `${h.url}/mcp`, upn: 'alice@corp', email: 'a@example.com' });
    expect(((await whoami(h.url, bearer(t))).caller as { name: string }).name).toBe('alice@corp');
    const h2 = await start({ MCP_OAUTH_ISSUER: issuer.issuer });
    handles.push(h2);
    const t2 = await issuer.sign({ aud: `${h2.url}/mcp`, preferred_username: 'alice', name: 'Alice A.' });
    const seen = await whoami(h2.url, bearer(t2));
    expect((seen.caller as { name: string }).name).toBe('alice');
    expect(seen.pveTokenSet).toBe(false);
  });

  it('static bearer and no auth: no person, but the personal PVE token is passed on, and the shared bearer is not', async () => {
    const b = await start({ MCP_AUTH_TOKEN: STATIC });
    const n = await start({});
    handles.push(b, n);
    for (const [h, headers] of [
      [b, bearer(STATIC, { 'X-Proxmox-Token': PVE_TOKEN })],
      [n, { 'X-Proxmox-Token': PVE_TOKEN }],
    ] as const) {
      for (const sse of [false, true]) {
        const seen = await whoami(h.url, headers, sse);
        expect(seen).toMatchObject({
          hasAuthInfo: true,
          caller: null,
          pveTokenMatches: true,
          tokenIsEmpty: true,
        });
      }
    }
  });
});
