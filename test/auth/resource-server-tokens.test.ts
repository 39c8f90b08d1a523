// Which tokens the resource server accepts and which it refuses (and how it says so): valid ones through both
// transports, malformed/forged/expired ones, the algorithm allow-list, refusal metrics, required scopes.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setMetricsSink, type MetricsSink } from '../../src/metrics/events.js';
import { initializeBody, rawRequest, type InProcessServer } from '../http/helpers.js';
import { registerSecret } from '../helpers/recording.js';
import { bearer, challenge, legacySse, startOAuthServer, streamable } from './oauth-server.js';
import { aud, closers, issuer, nodesOf, now, post, srv, useOAuthServer } from './resource-server-fixture.js';

useOAuthServer();

describe('a valid token', () => {
  it('works through the SDK Streamable HTTP client', async () => {
    const token = await issuer.sign({ aud: aud(), email: 'alice@example.com' });
    const { client, transport } = streamable(srv.url, bearer(token));
    await client.connect(transport);
    closers.push(() => client.close());
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    expect(nodesOf(r)).toContain('pve1');
  });

  it('works through the legacy SSE client (audience <public url>/sse)', async () => {
    const token = await issuer.sign({ aud: `${srv.url}/sse` });
    const { client, transport } = legacySse(srv.url, bearer(token));
    await client.connect(transport);
    closers.push(() => client.close());
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
  });

  it('is read only from the Authorization header: one in the query string is refused and said so', async () => {
    const token = await issuer.sign({ aud: aud() });
    const r = await rawRequest(srv.url, `/mcp?access_token=${token}`, {
      method: 'POST',
      body: initializeBody,
    });
    expect(r.status).toBe(401);
    const c = challenge(r.headers['www-authenticate']);
    expect(c.error).toBe('invalid_request');
    expect(c.error_description).toMatch(/query/);
    expect(r.text).not.toContain(token);
  });
});

describe('bad tokens are refused with 401 invalid_token and a description that helps fix it', () => {
  const noneToken = () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const t = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: issuer.issuer, aud: aud(), sub: 'mallory', exp: now() + 300 })}.`;
    registerSecret(t);
    return t;
  };
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'wrong audience',
      () => issuer.sign({ aud: 'https://other.example.com/mcp' }),
      /audience 'https:\/\/other\.example\.com\/mcp' is not this server; request a token for 'http:\/\/127\.0\.0\.1:\d+\/mcp' or/,
    ],
    [
      'expired (beyond the clock skew)',
      () => issuer.sign({ aud: aud(), exp: now() - 120 }),
      /expired at .*refresh/,
    ],
    [
      'not valid yet (nbf in the future)',
      () => issuer.sign({ aud: aud(), nbf: now() + 600 }),
      /not valid yet/,
    ],
    [
      'wrong issuer',
      () => issuer.sign({ aud: aud(), iss: 'https://evil.example.com/realms/test' }),
      /issued by 'https:\/\/evil\.example\.com\/realms\/test'; this server trusts only/,
    ],
    [
      'bad signature',
      async () => {
        const t = await issuer.sign({ aud: aud() });
        const [h, p, s] = t.split('.');
        const forged = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
        registerSecret(forged);
        return forged;
      },
      /signature does not verify/,
    ],
    ['alg none', async () => noneToken(), /signing algorithm is not accepted/],
    [
      'HS256 with the public key as the secret',
      () => issuer.sign({ aud: aud() }, { alg: 'HS256', key: new TextEncoder().encode(issuer.publicPem()) }),
      /signing algorithm is not accepted/,
    ],
    ['a key the issuer does not publish', () => issuer.signWithUnpublishedKey({ aud: aud() }), /unknown kid/],
    ['another type of JWT (typ)', () => issuer.sign({ aud: aud() }, { typ: 'logout+jwt' }), /type \(typ\)/],
    ['no expiry', () => issuer.sign({ aud: aud() }, { noExp: true }), /'exp' claim is missing/],
    ['no subject', () => issuer.sign({ aud: aud(), sub: undefined }), /'sub' claim is missing/],
    ['not a JWT and no introspection', async () => 'opaque-token-without-introspection-42', /not a JWT/],
  ];
  it.each(cases)('%s', async (_name, make, description) => {
    const token = await make();
    registerSecret(token);
    const r = await post(token);
    expect(r.status).toBe(401);
    const c = challenge(r.headers['www-authenticate']);
    expect(c.error).toBe('invalid_token');
    expect(c.resource_metadata).toBe(`${srv.url}/.well-known/oauth-protected-resource/mcp`);
    expect(c.error_description).toMatch(description);
    expect(r.json?.error?.message).toMatch(/^Unauthorized: /);
    const signature = token.split('.')[2] || token;
    expect(r.text + JSON.stringify(r.headers)).not.toContain(signature);
    expect(srv.logs.join('\n')).not.toContain(signature);
  });

  it('claim values quoted from the token cannot add challenge parameters or bloat the header', async () => {
    const t = await issuer.sign({ aud: `x", scope="admin", error="none ${'y'.repeat(3_000)}` });
    const r = await post(t);
    expect(r.status).toBe(401);
    const header = String(r.headers['www-authenticate']);
    expect(header.length).toBeLessThan(800);
    const c = challenge(header);
    expect(c.scope).toBeUndefined();
    expect(c.error).toBe('invalid_token');
    // What the SDK client reads from the header (its own, lenient parser).
    expect(/scope=(?:"([^"]+)"|([^\s,]+))/.exec(header)).toBeNull();
  });

  it('another scheme than Bearer counts as no token (RFC 6750: no error code), and the message says which scheme', async () => {
    const r = await post(undefined, '/mcp', { authorization: 'Basic dXNlcjpwYXNzd29yZA==' });
    expect(r.status).toBe(401);
    const c = challenge(r.headers['www-authenticate']);
    expect(c.error).toBeUndefined();
    expect(c.resource_metadata).toMatch(/oauth-protected-resource\/mcp$/);
    expect(r.json?.error?.message).toMatch(/must use the Bearer scheme/);
  });

  it('a token longer than any real one is refused before it is parsed', async () => {
    const r = await post(`${'a'.repeat(9_000)}.b.c`);
    expect(r.status).toBe(401);
    expect(challenge(r.headers['www-authenticate']).error_description).toMatch(/longer than 8192/);
  });
});

describe('the algorithm allow-list (MCP_OAUTH_ALGORITHMS)', () => {
  it('a token signed with a published key but an algorithm not on the list is refused', async () => {
    const es = await startOAuthServer(issuer, { MCP_OAUTH_ALGORITHMS: 'ES256' });
    try {
      const t = await issuer.sign({ aud: `${es.url}/mcp` });
      const r = await rawRequest(es.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(r.status).toBe(401);
      expect(challenge(r.headers['www-authenticate']).error_description).toMatch(
        /signing algorithm is not accepted \(accepted: ES256\)/,
      );
    } finally {
      await es.close();
    }
  });
});

describe('refusals are counted as auth refusals', () => {
  afterEach(() => setMetricsSink(undefined));
  it('each 401 adds one', async () => {
    const seen: string[] = [];
    const noop = () => {};
    const sink: MetricsSink = {
      toolCall: noop,
      upstream: noop,
      refusal: (reason) => seen.push(reason),
      sessionOpened: noop,
      sessionClosed: noop,
    };
    setMetricsSink(sink);
    await post(undefined);
    await post(await issuer.sign({ aud: 'https://elsewhere.example.com' }));
    expect(seen).toEqual(['auth', 'auth']);
  });
});

describe('required scopes (MCP_OAUTH_SCOPES)', () => {
  let scoped: InProcessServer;
  beforeAll(async () => {
    scoped = await startOAuthServer(issuer, { MCP_OAUTH_SCOPES: 'mcp:tools, proxmox' });
  });
  afterAll(() => scoped?.close());

  it('401 asks for them, the metadata lists them, a token without them gets 403 insufficient_scope (step-up), with them it works', async () => {
    const none = await rawRequest(scoped.url, '/mcp', { method: 'POST', body: initializeBody });
    expect(challenge(none.headers['www-authenticate']).scope).toBe('mcp:tools proxmox');
    const prm = await rawRequest(scoped.url, '/.well-known/oauth-protected-resource/mcp');
    expect(prm.json?.scopes_supported).toEqual(['mcp:tools', 'proxmox']);

    const partial = await issuer.sign({ aud: `${scoped.url}/mcp`, scope: 'mcp:tools openid' });
    const r = await rawRequest(scoped.url, '/mcp', {
      method: 'POST',
      body: initializeBody,
      headers: { authorization: `Bearer ${partial}` },
    });
    expect(r.status).toBe(403);
    const c = challenge(r.headers['www-authenticate']);
    expect(c.error).toBe('insufficient_scope');
    expect(c.scope).toBe('mcp:tools proxmox');
    expect(c.error_description).toMatch(/lacks the scope\(s\) proxmox/);

    // `scp` as a list (Entra ID, Okta) counts too.
    const full = await issuer.sign({ aud: `${scoped.url}/mcp`, scp: ['mcp:tools', 'proxmox'] });
    const { client, transport } = streamable(scoped.url, bearer(full));
    await client.connect(transport);
    const ok = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(ok)).toContain('pve1');
    await client.close();
  });
});
