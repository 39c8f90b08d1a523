import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { connectWithOAuth, TestOAuthClient } from '../helpers/oauth-client.js';
import { startOAuthProvider, type TestOAuthProvider } from '../helpers/oauth-provider.js';
import { registerSecret } from '../helpers/recording.js';
import { initializeBody, rawRequest } from '../http/helpers.js';
import { startOAuthStack, type OAuthStack } from './stack.js';

/**
 * Issue 16 §1 end to end: the built `proxmox-mcp sse` as an OAuth 2.1 resource server in front of a
 * real authorization server (oidc-provider, set up like a Keycloak realm), reached by the SDK's own
 * client OAuth flow as a hosted assistant runs it. Every token here comes from the authorization
 * server; none is hand-made, except the tampered one.
 */

const REQUIRED_SCOPE = 'mcp:tools';
let stack: OAuthStack;
let otherIssuer: TestOAuthProvider;

beforeAll(async () => {
  stack = await startOAuthStack({
    // Skew 0 so the expiry tests need not wait 30 s past a token's end.
    env: { MCP_OAUTH_SCOPES: REQUIRED_SCOPE, MCP_OAUTH_CLOCK_SKEW: '0' },
  });
  // Same signing key and kid as the real issuer: only the `iss` check can tell its tokens apart.
  otherIssuer = await startOAuthProvider({ signingKeys: stack.as.signingKeys });
}, 30_000);
afterAll(async () => {
  await stack?.close();
  await otherIssuer?.close();
});

const mcpResource = () => `${stack.base}/mcp`;

/** A POST of `initialize` to /mcp with this bearer token, as raw HTTP (status and headers visible). */
function initializeWith(token: string | undefined, path = '/mcp') {
  if (token) registerSecret(token);
  return rawRequest(stack.base, path, {
    method: 'POST',
    body: initializeBody,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

function challenge(res: { headers: Record<string, string | string[] | undefined> }): string {
  return String(res.headers['www-authenticate'] ?? '');
}

describe('discovery', () => {
  it('answers a request without a token with 401 and a WWW-Authenticate pointing at the protected resource metadata', async () => {
    const res = await initializeWith(undefined);
    expect(res.status).toBe(401);
    const header = challenge(res);
    expect(header).toMatch(/^Bearer /);
    const m = /resource_metadata="([^"]+)"/.exec(header);
    expect(m, header).not.toBeNull();
    expect(m![1]).toBe(`${stack.base}/.well-known/oauth-protected-resource/mcp`);
  });

  it('serves protected resource metadata (RFC 9728) naming this resource and the authorization server', async () => {
    const res = await rawRequest(stack.base, '/.well-known/oauth-protected-resource/mcp');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      resource: mcpResource(),
      authorization_servers: [stack.as.issuer],
    });
  });

  it('the SDK client discovers, registers itself, authorizes with PKCE and the resource, and lists tools', async () => {
    const oauth = new TestOAuthClient(stack.as, { user: 'alice' });
    const { client, attempts } = await connectWithOAuth(stack.base, oauth);
    try {
      expect(attempts).toBe(2);
      // Dynamic client registration happened (no client was configured in the test client).
      expect(oauth.registered[0]?.client_id).toBeTruthy();
      const authUrl = oauth.authorizationUrls[0]!;
      expect(authUrl.origin).toBe(stack.as.issuer);
      expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authUrl.searchParams.get('resource')).toBe(mcpResource());
      const token = oauth.tokens()!.access_token;
      registerSecret(token);
      expect(decodeJwt(token).aud).toBe(mcpResource());
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('list_nodes');
      const nodes = await client.callTool({ name: 'list_nodes', arguments: {} });
      expect(nodes.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('works with a pre-registered client too (no dynamic registration)', async () => {
    const oauth = new TestOAuthClient(stack.as, { user: 'bob', preregistered: true });
    const { client } = await connectWithOAuth(stack.base, oauth);
    try {
      expect(oauth.registered.every((r) => r.client_id === 'test-preregistered')).toBe(true);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

describe('tokens the authorization server issued, accepted or refused', () => {
  it('accepts a token for this resource', async () => {
    const t = await stack.as.issueToken({ user: 'bob', resource: mcpResource(), scope: REQUIRED_SCOPE });
    const res = await initializeWith(t.access_token);
    expect(res.status).toBe(200);
  });

  it('refuses a token issued for another resource (wrong audience) with 401 invalid_token', async () => {
    const t = await stack.as.issueToken({
      user: 'alice',
      resource: 'https://other-service.example.com/api',
      scope: REQUIRED_SCOPE,
    });
    const res = await initializeWith(t.access_token);
    expect(res.status).toBe(401);
    expect(challenge(res)).toMatch(/error="invalid_token"/);
    expect(challenge(res)).toMatch(/error_description="[^"]*audience/);
    expect(challenge(res)).toMatch(/resource_metadata="/);
  });

  it('refuses an expired token with 401 invalid_token', async () => {
    // Long enough to be used once even on a loaded machine; the wait is to just past its `exp`.
    stack.as.setAccessTokenTtl(3);
    try {
      const t = await stack.as.issueToken({ user: 'bob', resource: mcpResource(), scope: REQUIRED_SCOPE });
      expect((await initializeWith(t.access_token)).status).toBe(200);
      const exp = decodeJwt(t.access_token).exp! * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, exp - Date.now()) + 1_100));
      const res = await initializeWith(t.access_token);
      expect(res.status).toBe(401);
      expect(challenge(res)).toMatch(/error="invalid_token"/);
      expect(challenge(res)).toMatch(/error_description="[^"]*expired/);
    } finally {
      stack.as.setAccessTokenTtl(300);
    }
  });

  it('refuses a token from another issuer (same audience, claims and signing key) with 401', async () => {
    const t = await otherIssuer.issueToken({ user: 'alice', resource: mcpResource(), scope: REQUIRED_SCOPE });
    expect(decodeProtectedHeader(t.access_token).kid).toBe(
      decodeProtectedHeader(
        (await stack.as.issueToken({ user: 'alice', resource: mcpResource() })).access_token,
      ).kid,
    );
    const res = await initializeWith(t.access_token);
    expect(res.status).toBe(401);
    expect(challenge(res)).toMatch(/error="invalid_token"/);
    expect(challenge(res)).toMatch(/error_description="[^"]*issued by/);
  });

  it('refuses a token whose claims were altered after signing (bad signature) with 401', async () => {
    const t = await stack.as.issueToken({ user: 'bob', resource: mcpResource(), scope: REQUIRED_SCOPE });
    const [header, payload, signature] = t.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, groups: ['pve-admins'] })).toString('base64url');
    const res = await initializeWith(`${header}.${forged}.${signature}`);
    expect(res.status).toBe(401);
    expect(challenge(res)).toMatch(/error="invalid_token"/);
    expect(challenge(res)).toMatch(/error_description="[^"]*signature/);
  });

  it('refuses a token without the required scope with 403 insufficient_scope naming it', async () => {
    const t = await stack.as.issueToken({ user: 'alice', resource: mcpResource(), scope: 'mcp:admin' });
    expect(t.scope).toBe('mcp:admin');
    const res = await initializeWith(t.access_token);
    expect(res.status).toBe(403);
    expect(challenge(res)).toMatch(/error="insufficient_scope"/);
    expect(challenge(res)).toMatch(new RegExp(`scope="[^"]*${REQUIRED_SCOPE}`));
  });

  it('refuses an opaque token it cannot verify (no resource indicator asked) with 401', async () => {
    const t = await stack.as.issueToken({ user: 'alice', scope: `openid ${REQUIRED_SCOPE}` });
    expect(t.access_token.split('.')).toHaveLength(1);
    const res = await initializeWith(t.access_token);
    expect(res.status).toBe(401);
  });
});

describe('refresh', () => {
  it('after the access token expires, the SDK client refreshes it and the session goes on', async () => {
    stack.as.setAccessTokenTtl(2);
    const oauth = new TestOAuthClient(stack.as, { user: 'carol' });
    const { client } = await connectWithOAuth(stack.base, oauth);
    stack.as.setAccessTokenTtl(300);
    try {
      const first = oauth.tokens()!;
      expect(first.refresh_token).toBeTruthy();
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 3_000));
      const res = await client.callTool({ name: 'list_nodes', arguments: {} });
      expect(res.isError).toBeFalsy();
      // A refresh, not a second authorization: one trip through the browser, a new access token.
      expect(oauth.authorizationUrls).toHaveLength(1);
      expect(oauth.tokens()!.access_token).not.toBe(first.access_token);
      registerSecret(oauth.tokens()!.access_token);
    } finally {
      await client.close();
    }
  });
});

describe('sessions belong to the person who opened them', () => {
  it("another person's valid token with alice's session id is answered as if the session did not exist", async () => {
    const oauth = new TestOAuthClient(stack.as, { user: 'alice' });
    const { client } = await connectWithOAuth(stack.base, oauth);
    try {
      const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId;
      expect(sessionId).toBeTruthy();
      const bob = await stack.as.issueToken({ user: 'bob', resource: mcpResource(), scope: REQUIRED_SCOPE });
      registerSecret(bob.access_token);
      const listTools = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} });
      const as = (token: string) =>
        rawRequest(stack.base, '/mcp', {
          method: 'POST',
          body: listTools,
          headers: {
            authorization: `Bearer ${token}`,
            'mcp-session-id': sessionId!,
            'mcp-protocol-version': '2025-06-18',
          },
        });
      expect((await as(bob.access_token)).status).toBe(404);
      // Alice, with a second token of her own, still reaches it: the binding is to the person.
      const alice = await stack.as.issueToken({
        user: 'alice',
        resource: mcpResource(),
        scope: REQUIRED_SCOPE,
      });
      registerSecret(alice.access_token);
      expect((await as(alice.access_token)).status).toBe(200);
    } finally {
      await client.close();
    }
  });
});

describe('step-up', () => {
  it('a token without the required scope gets 403 insufficient_scope; the SDK client obtains one with the named scope and goes on', async () => {
    const oauth = new TestOAuthClient(stack.as, { user: 'alice' });
    const { client } = await connectWithOAuth(stack.base, oauth);
    try {
      // The person's client now holds a token that lacks mcp:tools (e.g. granted before it was required).
      const narrow = await stack.as.issueToken({
        user: 'alice',
        resource: mcpResource(),
        scope: 'mcp:admin',
      });
      registerSecret(narrow.access_token);
      oauth.setAccessToken(narrow.access_token);
      const forbiddenBefore = (stack.server.stderr().match(/POST \/mcp 403/g) ?? []).length;
      const res = await client.callTool({ name: 'list_nodes', arguments: {} });
      expect(res.isError).toBeFalsy();
      expect((stack.server.stderr().match(/POST \/mcp 403/g) ?? []).length).toBe(forbiddenBefore + 1);
      const now = oauth.tokens()!.access_token;
      registerSecret(now);
      expect(decodeJwt(now).scope).toContain(REQUIRED_SCOPE);
    } finally {
      await client.close();
    }
  });
});

describe('legacy SSE transport', () => {
  it('/sse answers 401 with its own resource metadata, and the SDK SSE client completes the flow', async () => {
    const res = await rawRequest(stack.base, '/sse');
    expect(res.status).toBe(401);
    expect(challenge(res)).toContain(`${stack.base}/.well-known/oauth-protected-resource/sse`);
    const oauth = new TestOAuthClient(stack.as, { user: 'alice' });
    const { client } = await connectWithOAuth(stack.base, oauth, { legacy: true });
    try {
      expect(decodeJwt(oauth.tokens()!.access_token).aud).toBe(`${stack.base}/sse`);
      const nodes = await client.callTool({ name: 'list_nodes', arguments: {} });
      expect(nodes.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});
