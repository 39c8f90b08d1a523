// Opaque tokens checked by introspection (RFC 7662): the cache, refused answers, and MCP_OAUTH_INTROSPECTION.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeBody, rawRequest, type InProcessServer } from '../http/helpers.js';
import { registerSecret } from '../helpers/recording.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';
import { bearer, challenge, startOAuthServer, streamable } from './oauth-server.js';
import { nodesOf, now } from './resource-server-fixture.js';

describe('introspection of opaque tokens (RFC 7662)', () => {
  let intro: LocalIssuer;
  let s: InProcessServer;
  beforeAll(async () => {
    intro = await startLocalIssuer({ introspection: true });
    s = await startOAuthServer(intro, {
      MCP_OAUTH_CLIENT_ID: intro.client.id,
      MCP_OAUTH_CLIENT_SECRET: intro.client.secret,
    });
  });
  afterAll(async () => {
    await s?.close();
    await intro?.close();
  });
  const call = (token: string) =>
    rawRequest(s.url, '/mcp', {
      method: 'POST',
      body: initializeBody,
      headers: { authorization: `Bearer ${token}` },
    });

  it('an active token for this server works, and a second request is answered from the cache', async () => {
    const token = 'opaque-active-token-1f2e3d4c5b6a';
    registerSecret(token);
    intro.opaque.set(token, {
      active: true,
      sub: 'carol',
      aud: `${s.url}/mcp`,
      iss: intro.issuer,
      exp: now() + 300,
      scope: 'mcp',
    });
    const { client, transport } = streamable(s.url, bearer(token));
    await client.connect(transport);
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
    await client.close();
    expect(intro.hits.introspection).toBe(1);
  });

  it('inactive, other audience and expired answers are refused', async () => {
    const inactive = 'opaque-inactive-token-9a8b7c6d';
    const foreign = 'opaque-foreign-token-5e6f7a8b';
    const expired = 'opaque-expired-token-1a2b3c4d';
    registerSecret(inactive, foreign, expired);
    intro.opaque.set(foreign, {
      active: true,
      sub: 'carol',
      aud: 'https://other.example.com',
      exp: now() + 300,
    });
    intro.opaque.set(expired, { active: true, sub: 'carol', aud: `${s.url}/mcp`, exp: now() - 600 });
    const cases: Array<[string, RegExp]> = [
      [inactive, /not active/],
      [foreign, /audience/],
      [expired, /expired/],
    ];
    for (const [token, why] of cases) {
      const r = await call(token);
      expect(r.status, token).toBe(401);
      expect(challenge(r.headers['www-authenticate']).error_description).toMatch(why);
    }
    expect(s.logs.join('\n')).not.toContain(intro.client.secret);
  });

  it('MCP_OAUTH_INTROSPECTION=on asks about JWTs too: a validly signed one the issuer has revoked is refused', async () => {
    const on = await startOAuthServer(intro, {
      MCP_OAUTH_INTROSPECTION: 'on',
      MCP_OAUTH_CLIENT_ID: intro.client.id,
      MCP_OAUTH_CLIENT_SECRET: intro.client.secret,
    });
    try {
      const revoked = await intro.sign({ aud: `${on.url}/mcp`, sub: 'erin' });
      const before = intro.hits.introspection;
      const r = await rawRequest(on.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${revoked}` },
      });
      expect(r.status).toBe(401);
      expect(challenge(r.headers['www-authenticate']).error_description).toMatch(/not active/);
      expect(intro.hits.introspection).toBe(before + 1);
    } finally {
      await on.close();
    }
  });

  it('auto: a JWT still goes through signature checks, not introspection', async () => {
    const before = intro.hits.introspection;
    const t = await intro.sign({ aud: `${s.url}/mcp` });
    expect((await call(t)).status).toBe(200);
    expect(intro.hits.introspection).toBe(before);
  });
});
