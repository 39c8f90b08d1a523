import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setMetricsSink, type MetricsSink } from '../../src/metrics/events.js';
import { initializeBody, rawRequest, type InProcessServer } from '../http/helpers.js';
import { registerSecret } from '../helpers/recording.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';
import { bearer, challenge, legacySse, startOAuthServer, streamable } from './oauth-server.js';

let issuer: LocalIssuer;
let srv: InProcessServer;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  issuer = await startLocalIssuer();
  srv = await startOAuthServer(issuer);
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await srv?.close();
  await issuer?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const aud = () => `${srv.url}/mcp`;
const post = (token: string | undefined, path = '/mcp', extra: Record<string, string> = {}) =>
  rawRequest(srv.url, path, {
    method: 'POST',
    body: initializeBody,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
  });
const nodesOf = (r: CallToolResult) =>
  (r.structuredContent as { nodes: Array<{ node: string }> }).nodes.map((n) => n.node);

describe('discovery from a 401 (RFC 9728)', () => {
  it('a request without a token gets 401 pointing at the protected resource metadata, without an error code', async () => {
    const r = await post(undefined);
    expect(r.status).toBe(401);
    const c = challenge(r.headers['www-authenticate']);
    expect(c.resource_metadata).toBe(`${srv.url}/.well-known/oauth-protected-resource/mcp`);
    expect(c.error).toBeUndefined();
    expect(r.json?.error?.message).toMatch(/no access token/);
    for (const path of ['/sse', '/messages?sessionId=x']) {
      const s = await rawRequest(srv.url, path, {
        method: path === '/sse' ? 'GET' : 'POST',
        body: path === '/sse' ? undefined : '{}',
      });
      expect(s.status, path).toBe(401);
      expect(challenge(s.headers['www-authenticate']).resource_metadata).toBe(
        `${srv.url}/.well-known/oauth-protected-resource/sse`,
      );
    }
  });

  it('serves the metadata for /mcp (also at the bare well-known path) and /sse, readable from any origin without a token', async () => {
    for (const [path, resource] of [
      ['/.well-known/oauth-protected-resource/mcp', '/mcp'],
      ['/.well-known/oauth-protected-resource', '/mcp'],
      ['/.well-known/oauth-protected-resource/sse', '/sse'],
    ] as const) {
      const r = await rawRequest(srv.url, path, { headers: { origin: 'https://chat.example.com' } });
      expect(r.status, path).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expect(r.json).toEqual({
        resource: `${srv.url}${resource}`,
        authorization_servers: [issuer.issuer],
        bearer_methods_supported: ['header'],
        resource_name: expect.stringMatching(/Proxmox/),
      });
    }
    const preflight = await rawRequest(srv.url, '/.well-known/oauth-protected-resource/mcp', {
      method: 'OPTIONS',
      headers: { origin: 'https://chat.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect((await rawRequest(srv.url, '/.well-known/oauth-protected-resource/other')).status).toBe(404);
  });
});

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

describe('--stateless with OAuth', () => {
  it('every request is checked on its own; a good token works, the same request without one is refused', async () => {
    const st = await startOAuthServer(issuer, { MCP_STATELESS: '1' });
    try {
      const t = await issuer.sign({ aud: `${st.url}/mcp`, sub: 'dave' });
      const { client, transport } = streamable(st.url, bearer(t));
      await client.connect(transport);
      expect(transport.sessionId).toBeUndefined();
      const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
      expect(nodesOf(r)).toContain('pve1');
      await client.close();
      const bare = await rawRequest(st.url, '/mcp', {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
      expect(bare.status).toBe(401);
    } finally {
      await st.close();
    }
  });
});

describe('sessions belong to the person who opened them', () => {
  it('Streamable HTTP: another person with a valid token cannot use the session id (404), its owner can', async () => {
    const alice = await issuer.sign({ aud: aud(), sub: 'alice' });
    const bob = await issuer.sign({ aud: aud(), sub: 'bob' });
    const { client, transport } = streamable(srv.url, bearer(alice));
    await client.connect(transport);
    const sessionId = transport.sessionId!;
    expect(sessionId).toBeTruthy();
    const list = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' });
    const hijack = await rawRequest(srv.url, '/mcp', {
      method: 'POST',
      body: list,
      headers: {
        authorization: `Bearer ${bob}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
    });
    expect(hijack.status).toBe(404);
    expect(srv.logs.join('\n')).toMatch(/refused to bob: another person opened it/);
    // Nor can bob end it.
    const end = await rawRequest(srv.url, '/mcp', {
      method: 'DELETE',
      headers: {
        authorization: `Bearer ${bob}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
    });
    expect(end.status).toBe(404);
    const own = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(own)).toContain('pve1');
    await client.close();
  });

  it('legacy SSE: another person cannot post to the stream of someone else', async () => {
    const alice = await issuer.sign({ aud: `${srv.url}/sse`, sub: 'alice' });
    const bob = await issuer.sign({ aud: `${srv.url}/sse`, sub: 'bob' });
    const { client, transport } = legacySse(srv.url, bearer(alice));
    await client.connect(transport);
    const sessionId = (transport as unknown as { _endpoint?: URL })._endpoint?.searchParams.get('sessionId');
    expect(sessionId).toBeTruthy();
    const hijack = await rawRequest(srv.url, `/messages?sessionId=${sessionId}`, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      headers: { authorization: `Bearer ${bob}` },
    });
    expect(hijack.status).toBe(404);
    const own = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(own)).toContain('pve1');
    await client.close();
  });
});

describe('a token that expires mid-session', () => {
  let strict: InProcessServer;
  beforeAll(async () => {
    strict = await startOAuthServer(issuer, { MCP_OAUTH_CLOCK_SKEW: '0' });
  });
  afterAll(() => strict?.close());

  it('the next request gets 401 invalid_token; with a fresh token the same session goes on', async () => {
    let token = await issuer.sign({ aud: `${strict.url}/mcp`, exp: now() + 2 });
    const headers: Record<string, string> = {};
    const { client, transport } = streamable(strict.url, headers);
    // The client reads its headers per request, as a client with a token provider would.
    Object.defineProperty(headers, 'Authorization', { get: () => `Bearer ${token}`, enumerable: true });
    await client.connect(transport);
    await client.callTool({ name: 'list_nodes', arguments: {} });
    await new Promise((r) => setTimeout(r, 2_600));
    await expect(client.callTool({ name: 'list_nodes', arguments: {} })).rejects.toThrow(/401|expired/);
    token = await issuer.sign({ aud: `${strict.url}/mcp` });
    const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(nodesOf(r)).toContain('pve1');
    await client.close();
  });
});

describe('JWKS rotation', () => {
  it('a token signed with a new key is accepted after one refetch of the key set; the retired key is refused', async () => {
    const rot = await startLocalIssuer();
    const s = await startOAuthServer(rot, {}, { jwksCooldownMs: 100 });
    try {
      const old = await rot.sign({ aud: `${s.url}/mcp` });
      expect(
        (
          await rawRequest(s.url, '/mcp', {
            method: 'POST',
            body: initializeBody,
            headers: { authorization: `Bearer ${old}` },
          })
        ).status,
      ).toBe(200);
      expect(rot.hits.jwks).toBe(1);
      await rot.rotate();
      await new Promise((r) => setTimeout(r, 150));
      const fresh = await rot.sign({ aud: `${s.url}/mcp` });
      const r = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${fresh}` },
      });
      expect(r.status).toBe(200);
      expect(rot.hits.jwks).toBe(2);
      await new Promise((r) => setTimeout(r, 150));
      const retired = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${old}` },
      });
      expect(retired.status).toBe(401);
      expect(challenge(retired.headers['www-authenticate']).error_description).toMatch(/unknown kid/);
    } finally {
      await s.close();
      await rot.close();
    }
  });

  it('unknown key ids do not make the server hammer the issuer: one refetch per cooldown', async () => {
    const rot = await startLocalIssuer();
    const s = await startOAuthServer(rot, {}, { jwksCooldownMs: 60_000 });
    try {
      const good = await rot.sign({ aud: `${s.url}/mcp` });
      expect(
        (
          await rawRequest(s.url, '/mcp', {
            method: 'POST',
            body: initializeBody,
            headers: { authorization: `Bearer ${good}` },
          })
        ).status,
      ).toBe(200);
      for (let i = 0; i < 5; i++) {
        const forged = await rot.signWithUnpublishedKey({ aud: `${s.url}/mcp` });
        expect(
          (
            await rawRequest(s.url, '/mcp', {
              method: 'POST',
              body: initializeBody,
              headers: { authorization: `Bearer ${forged}` },
            })
          ).status,
        ).toBe(401);
      }
      expect(rot.hits.jwks).toBe(1);
    } finally {
      await s.close();
      await rot.close();
    }
  });
});

describe('discovery', () => {
  it('falls back to OpenID Connect discovery (path appended) when RFC 8414 metadata is absent', async () => {
    const oidc = await startLocalIssuer({ metadata: 'oidc' });
    const s = await startOAuthServer(oidc);
    try {
      const t = await oidc.sign({ aud: `${s.url}/mcp` });
      const r = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(r.status).toBe(200);
      expect(s.logs.join('\n')).toMatch(/OAuth: authorization server .* discovered.*openid-configuration/);
    } finally {
      await s.close();
      await oidc.close();
    }
  });

  it('metadata naming another issuer is not trusted: 503 and a log line saying what to fix', async () => {
    const liar = await startLocalIssuer({ issuerOverride: 'https://other.example.com/realms/test' });
    const s = await startOAuthServer(liar);
    try {
      const t = await liar.sign({ aud: `${s.url}/mcp` });
      const r = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(r.status).toBe(503);
      expect(s.logs.join('\n')).toMatch(
        /names issuer "https:\/\/other\.example\.com\/realms\/test", but MCP_OAUTH_ISSUER is/,
      );
    } finally {
      await s.close();
      await liar.close();
    }
  });

  it('the issuer down at start: the server starts, answers 401 to no token and 503 to a token, then works once the issuer is up', async () => {
    const flaky = await startLocalIssuer();
    flaky.down = true;
    const s = await startOAuthServer(flaky);
    try {
      const noToken = await rawRequest(s.url, '/mcp', { method: 'POST', body: initializeBody });
      expect(noToken.status).toBe(401);
      expect((await rawRequest(s.url, '/.well-known/oauth-protected-resource/mcp')).status).toBe(200);
      const t = await flaky.sign({ aud: `${s.url}/mcp` });
      const down = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBe('5');
      expect(down.json?.error?.message).toMatch(/authorization server .* cannot be used right now/);
      expect(s.logs.join('\n')).toMatch(/OAuth: cannot use the authorization server yet/);
      flaky.down = false;
      await new Promise((r) => setTimeout(r, 150));
      const up = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(up.status).toBe(200);
    } finally {
      await s.close();
      await flaky.close();
    }
  });
});

describe('the signing keys unreachable after discovery', () => {
  it('a token gets 503 with Retry-After (not a misleading 401) until the key set can be fetched', async () => {
    const flaky = await startLocalIssuer();
    const s = await startOAuthServer(flaky);
    try {
      await waitForLog(s, /authorization server .* discovered/);
      flaky.down = true;
      const t = await flaky.sign({ aud: `${s.url}/mcp` });
      const call = () =>
        rawRequest(s.url, '/mcp', {
          method: 'POST',
          body: initializeBody,
          headers: { authorization: `Bearer ${t}` },
        });
      const down = await call();
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBe('5');
      expect(down.json?.error?.message).toMatch(/signing keys/);
      flaky.down = false;
      expect((await call()).status).toBe(200);
    } finally {
      await s.close();
      await flaky.close();
    }
  });
});

describe('CORS for browser clients', () => {
  it('a preflight from an allowed origin may send X-Proxmox-Token and read WWW-Authenticate', async () => {
    const r = await rawRequest(srv.url, '/mcp', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-headers']).toMatch(/\bx-proxmox-token\b/);
    expect(r.headers['access-control-expose-headers']).toMatch(/\bwww-authenticate\b/);
  });
});

async function waitForLog(s: InProcessServer, re: RegExp): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!re.test(s.logs.join('\n'))) {
    if (Date.now() > deadline) throw new Error(`no log line matching ${re}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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
